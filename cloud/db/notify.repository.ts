import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';

/**
 * The statements of the change notifications (cloud/events/change-notifier.ts): every
 * transaction that moves a clinic's `last_seq` also sends `{clinic, seq}` on one channel,
 * and each server process LISTENs on it with a connection of its own (a pg client, not the
 * pool: LISTEN belongs to a session).
 */

/** One channel for every clinic of the database (a payload names its clinic). */
export const CHANGES_CHANNEL = 'front_desk_changes';

/**
 * `pg_notify` for each row of `bumped` (a CTE of the clinics whose `last_seq` the statement
 * moved, with `id` and `last_seq`): sent in the writer's transaction, so delivered only if it
 * commits, after it commits, and in commit order.
 */
export function notifyBumped(): RawBuilder<unknown> {
  return sql`SELECT pg_notify(${CHANGES_CHANNEL}, json_build_object('clinic', id, 'seq', last_seq)::text) FROM bumped`;
}

export async function listen(client: pg.ClientBase): Promise<void> {
  // The connecting role on the admin path, for this session (it serves no request): its
  // catch-up reads every listened clinic's seq, which row-level security would otherwise
  // hide from an owner that is not a superuser (migration 0002).
  await client.query(`SELECT set_config('app.admin', 'on', false)`);
  // An identifier, not a parameter: LISTEN takes no bind values (the channel is a constant).
  await client.query(`LISTEN ${CHANGES_CHANNEL}`);
}

/** The clinics' last seqs, read on the listening connection once it listens (so nothing committed after is missed). */
export async function lastSeqs(client: pg.ClientBase, clinicIds: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await client.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM clinics WHERE id = ANY($1::bigint[])', [[...clinicIds]]);
  return new Map(rows.map((row) => [Number(row.id), Number(row.last_seq)]));
}

/** A round trip on the listening connection: a connection that died without a word (a cut network) is found by it. */
export async function ping(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT 1');
}

/** A notification's payload, if it is one of ours. */
export function parseNotice(payload: string | undefined): { clinic: number; seq: number } | null {
  try {
    const value = JSON.parse(payload ?? '') as { clinic?: unknown; seq?: unknown };
    return Number.isSafeInteger(value.clinic) && Number.isSafeInteger(value.seq) ? { clinic: value.clinic as number, seq: value.seq as number } : null;
  } catch {
    return null;
  }
}
