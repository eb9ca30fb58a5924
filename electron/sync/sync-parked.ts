import type { Kysely } from 'kysely';
import type { ServerRow, SyncEntity } from '../../shared/sync/cloud-api';
import type { Database } from '../db/schema';
import { applyServerRow, type ApplyContext } from './sync-apply';
import { hasPendingChange, listParked, park, recordProblem, unpark, versionOf } from './sync.repository';

/**
 * Parked rows: server rows that cannot be applied here yet (a reference not here, a slot
 * held here, a local rule they break), kept aside and tried again after every push and page.
 */

/** Parks a server row; one that breaks a local rule (LOCAL_CONSTRAINT) is also listed in the problems. */
export async function parkRow(trx: Kysely<Database>, row: ServerRow, reason: string, now: number): Promise<void> {
  await park(
    trx,
    { entity: row.entity, uid: row.uid, version: row.version, deleted: row.deleted ? 1 : 0, data: row.data === null ? null : JSON.stringify(row.data), reason },
    now,
  );
  if (reason === 'LOCAL_CONSTRAINT') {
    await recordProblem(trx, {
      entity: row.entity,
      uid: row.uid,
      op: row.deleted ? 'delete' : 'upsert',
      reason,
      message: `The cloud's ${row.entity} breaks a rule of this desk (a name already used here, a text too long); it waits until that is fixed.`,
      at: now,
    });
  }
}

/** Tries the parked rows again until a pass applies none (a chain: a practitioner, then their appointments). */
export async function retryParked(trx: Kysely<Database>, ctx: ApplyContext): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const parked = await listParked(trx);
    let applied = 0;
    for (const row of parked) {
      const entity = row.entity as SyncEntity;
      const known = await versionOf(trx, entity, row.uid);
      if (known !== null && known >= row.version) {
        await unpark(trx, entity, row.uid);
        continue;
      }
      if (await hasPendingChange(trx, entity, row.uid)) continue;
      const serverRow: ServerRow = {
        entity,
        uid: row.uid,
        version: row.version,
        deleted: row.deleted === 1,
        data: row.data === null ? null : JSON.parse(row.data),
      };
      const outcome = await applyServerRow(trx, serverRow, ctx);
      if (outcome.status === 'parked') continue;
      await unpark(trx, entity, row.uid);
      if (outcome.status === 'applied') applied += 1;
    }
    if (applied === 0) return;
  }
}
