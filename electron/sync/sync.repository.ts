import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { SyncEntity } from '../../shared/sync/cloud-api';
import type { Database, SyncOutboxTable, SyncParkedTable, SyncStateTable } from '../db/schema';

export type SyncStateRow = Selectable<SyncStateTable>;
export type OutboxRow = Selectable<SyncOutboxTable>;
export type ParkedRow = Selectable<SyncParkedTable>;

/** The synced entities kept as rows of a table of their own (the clinic's settings are key-value pairs). */
export type TableEntity = Exclude<SyncEntity, 'clinic'>;

/** The local table of each synced entity that has one. */
export const tableOf = {
  specialty: 'specialties',
  room: 'rooms',
  practitioner: 'practitioners',
  staff: 'staff',
  patient: 'patients',
  appointment: 'appointments',
  holiday: 'clinic_holidays',
} as const satisfies Record<TableEntity, keyof Database>;

/**
 * A referenced row is created before the rows that refer to it: the order of a first upload.
 * The clinic's settings first (the time zone the rest is read on), staff after practitioners.
 */
export const entityOrder: readonly SyncEntity[] = ['clinic', 'holiday', 'specialty', 'room', 'practitioner', 'staff', 'patient', 'appointment'];

/** A random UUID v4 in SQL (the same expression as migration 0007's). */
const SQL_UUID = sql.raw(
  `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`,
);

export function readState(db: Kysely<Database>): Promise<SyncStateRow> {
  return db.selectFrom('sync_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function updateState(db: Kysely<Database>, values: Partial<Omit<SyncStateRow, 'id'>>): Promise<void> {
  await db.updateTable('sync_state').set(values).where('id', '=', 1).execute();
}

/**
 * Runs `fn` with the outbox triggers quiet: what it writes came from the server and must not
 * be sent back. Only inside a transaction (the flag is never seen committed as 1).
 */
export async function whileApplying<T>(trx: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  await sql`UPDATE sync_state SET applying = 1 WHERE id = 1`.execute(trx);
  const result = await fn();
  await sql`UPDATE sync_state SET applying = 0 WHERE id = 1`.execute(trx);
  return result;
}

export async function counts(db: Kysely<Database>): Promise<{ pending: number; problems: number; conflicts: number }> {
  const { rows } = await sql<{ pending: number; problems: number; conflicts: number }>`
    SELECT (SELECT count(*) FROM sync_outbox) AS pending,
           (SELECT count(*) FROM sync_problems) AS problems,
           (SELECT count(*) FROM sync_conflicts c WHERE EXISTS (SELECT 1 FROM appointments a WHERE a.uid = c.appointment_uid)) AS conflicts`.execute(db);
  return rows[0]!;
}

/**
 * The next entries to push, oldest first, at most `max`, and never two of the same row: the
 * second one's base version is what the first one's answer brings.
 */
export async function nextBatch(db: Kysely<Database>, max: number): Promise<OutboxRow[]> {
  const rows = await db.selectFrom('sync_outbox').selectAll().orderBy('seq').limit(max).execute();
  const seen = new Set<string>();
  const batch: OutboxRow[] = [];
  for (const row of rows) {
    const key = `${row.entity}:${row.uid}`;
    if (seen.has(key)) break;
    seen.add(key);
    batch.push(row);
  }
  return batch;
}

/**
 * Marks entries as sent (committed before the request leaves): from now on they are never
 * folded into, and their base version is fixed. Returns them as they will be sent.
 */
export async function markSent(db: Kysely<Database>, seqs: readonly number[], now: number): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    const sent: OutboxRow[] = [];
    for (let start = 0; start < seqs.length; start += 500) {
      const chunk = seqs.slice(start, start + 500);
      await sql`
        UPDATE sync_outbox SET
          base_version = CASE WHEN attempts = 0
            THEN (SELECT version FROM sync_versions v WHERE v.entity = sync_outbox.entity AND v.uid = sync_outbox.uid)
            ELSE base_version END,
          attempts = attempts + 1,
          last_attempt_at = ${now}
        WHERE seq IN (${sql.join(chunk)})`.execute(trx);
      sent.push(...(await trx.selectFrom('sync_outbox').selectAll().where('seq', 'in', chunk).orderBy('seq').execute()));
    }
    return sent;
  });
}

export async function deleteEntries(db: Kysely<Database>, mutationIds: readonly string[]): Promise<void> {
  for (let start = 0; start < mutationIds.length; start += 500) {
    await db
      .deleteFrom('sync_outbox')
      .where('mutation_id', 'in', mutationIds.slice(start, start + 500))
      .execute();
  }
}

export async function deleteEntriesOfRow(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<void> {
  await db.deleteFrom('sync_outbox').where('entity', '=', entity).where('uid', '=', uid).execute();
}

/** Gives an entry a new idempotency key, to be sent again as a new change (the old key's answer stays what it was). */
export async function rekeyEntry(db: Kysely<Database>, mutationId: string, newMutationId: string): Promise<void> {
  await db.updateTable('sync_outbox').set({ mutation_id: newMutationId, attempts: 0, base_version: null }).where('mutation_id', '=', mutationId).execute();
}

/** A local change of the row waits in the outbox (a refused appointment, flagged as a conflict, is not one: the cloud's later rows settle it). */
export async function hasPendingChange(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<boolean> {
  const row = await db.selectFrom('sync_outbox').select('seq').where('entity', '=', entity).where('uid', '=', uid).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The version this desk has of a row, and whether a local change of it waits (both in one query: the pull asks for every row). */
export async function localSyncState(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<{ known: number | null; isPending: boolean }> {
  const { rows } = await db.executeQuery<{ known: number | null; pending: number }>(
    CompiledQuery.raw(
      `SELECT (SELECT version FROM sync_versions WHERE entity = ? AND uid = ?) AS known,
              EXISTS (SELECT 1 FROM sync_outbox WHERE entity = ? AND uid = ?) AS pending`,
      [entity, uid, entity, uid],
    ),
  );
  return { known: rows[0]!.known, isPending: rows[0]!.pending === 1 };
}

export async function versionOf(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<number | null> {
  const row = await db.selectFrom('sync_versions').select('version').where('entity', '=', entity).where('uid', '=', uid).executeTakeFirst();
  return row?.version ?? null;
}

export async function setVersion(db: Kysely<Database>, entity: SyncEntity, uid: string, version: number): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw('INSERT INTO sync_versions (entity, uid, version) VALUES (?, ?, ?) ON CONFLICT (entity, uid) DO UPDATE SET version = excluded.version', [
      entity,
      uid,
      version,
    ]),
  );
}

/** Forgets the version this desk had of a row (the server no longer knows it). */
export async function deleteVersion(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<void> {
  await db.deleteFrom('sync_versions').where('entity', '=', entity).where('uid', '=', uid).execute();
}

/** The local id of a synced row; null when this desk has none (and for the clinic's settings, which are no row). */
export async function localIdOf(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<number | null> {
  if (entity === 'clinic') return null;
  const row = await db.selectFrom(tableOf[entity]).select('id').where('uid', '=', uid).executeTakeFirst();
  return row?.id ?? null;
}

// Conflicts and problems

export async function recordConflict(
  db: Kysely<Database>,
  conflict: { appointmentUid: string; kind: 'practitioner' | 'room'; clashUid: string; startsAt: number; endsAt: number; origin: string | null; at: number },
): Promise<void> {
  const values = {
    clash_origin: conflict.origin,
    appointment_uid: conflict.appointmentUid,
    clash_kind: conflict.kind,
    clash_uid: conflict.clashUid,
    clash_starts_at: conflict.startsAt,
    clash_ends_at: conflict.endsAt,
    refused_at: conflict.at,
  };
  await db
    .insertInto('sync_conflicts')
    .values(values)
    .onConflict((onConflict) => onConflict.column('appointment_uid').doUpdateSet(values))
    .execute();
}

export async function hasConflicts(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('sync_conflicts').select('appointment_uid').limit(1).executeTakeFirst()) !== undefined;
}

/** Returns whether there was one. */
export async function clearConflict(db: Kysely<Database>, appointmentUid: string): Promise<boolean> {
  const result = await db.deleteFrom('sync_conflicts').where('appointment_uid', '=', appointmentUid).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function recordProblem(
  db: Kysely<Database>,
  problem: { entity: SyncEntity; uid: string; op: 'upsert' | 'delete'; reason: string; message: string; at: number },
): Promise<void> {
  await db
    .insertInto('sync_problems')
    .values({ entity: problem.entity, uid: problem.uid, op: problem.op, reason: problem.reason, message: problem.message.slice(0, 500), at: problem.at })
    .execute();
}

export async function listConflicts(db: Kysely<Database>) {
  const { rows } = await sql<{
    appointment_id: number;
    clash_kind: 'practitioner' | 'room';
    clash_starts_at: number;
    clash_ends_at: number;
    clash_appointment_id: number | null;
    clash_origin: string | null;
    refused_at: number;
  }>`
    SELECT a.id AS appointment_id, c.clash_kind, c.clash_starts_at, c.clash_ends_at, c.refused_at,
           (SELECT other.id FROM appointments other WHERE other.uid = c.clash_uid) AS clash_appointment_id,
           -- An older cloud does not say; the appointment in the way may be here by now.
           coalesce(c.clash_origin, (SELECT other.origin FROM appointments other WHERE other.uid = c.clash_uid)) AS clash_origin
    FROM sync_conflicts c JOIN appointments a ON a.uid = c.appointment_uid
    ORDER BY c.refused_at, a.id`.execute(db);
  return rows;
}

export async function listProblems(db: Kysely<Database>) {
  const { rows } = await sql<{ id: number; entity: SyncEntity; uid: string; op: 'upsert' | 'delete'; reason: string; message: string; at: number }>`
    SELECT id, entity, uid, op, reason, message, at FROM sync_problems ORDER BY at DESC, id DESC LIMIT 500`.execute(db);
  return rows;
}

export async function deleteProblem(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('sync_problems').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// Parked server rows

export async function park(db: Kysely<Database>, row: Omit<ParkedRow, 'parked_at'>, now: number): Promise<void> {
  const values = { ...row, parked_at: now };
  await db
    .insertInto('sync_parked')
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['entity', 'uid']).doUpdateSet({ version: row.version, deleted: row.deleted, data: row.data, reason: row.reason }),
    )
    .execute();
}

export async function unpark(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<void> {
  await db.deleteFrom('sync_parked').where('entity', '=', entity).where('uid', '=', uid).execute();
}

export async function hasParkedRows(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('sync_parked').select('uid').limit(1).executeTakeFirst()) !== undefined;
}

/** Parked rows, referenced entities first, so one pass can apply a chain. */
export async function listParked(db: Kysely<Database>): Promise<ParkedRow[]> {
  const rows = await db.selectFrom('sync_parked').selectAll().orderBy('version').execute();
  return rows.sort((a, b) => entityOrder.indexOf(a.entity as SyncEntity) - entityOrder.indexOf(b.entity as SyncEntity));
}

/** This desk's own clinic: specialties, rooms and practitioners the cloud has never seen. */
export async function countUnsyncedPracticeRows(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT (SELECT count(*) FROM specialties t WHERE NOT EXISTS (SELECT 1 FROM sync_versions v WHERE v.entity = 'specialty' AND v.uid = t.uid))
         + (SELECT count(*) FROM rooms t WHERE NOT EXISTS (SELECT 1 FROM sync_versions v WHERE v.entity = 'room' AND v.uid = t.uid))
         + (SELECT count(*) FROM practitioners t WHERE NOT EXISTS (SELECT 1 FROM sync_versions v WHERE v.entity = 'practitioner' AND v.uid = t.uid)) AS n`.execute(
    db,
  );
  return rows[0]!.n;
}

/**
 * The first upload, when sync is turned on for the first time: every row the server has not
 * seen, referenced rows first. Runs in the transaction that turns tracking on.
 */
export async function enqueueEverything(db: Kysely<Database>, now: number): Promise<void> {
  for (const entity of entityOrder) {
    await sql`
      INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${SQL_UUID}, ${entity}, v.uid, 'upsert', v.data, ${now}
      FROM ${sql.table(`sync_data_${entity}`)} v
      WHERE v.uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_versions s WHERE s.entity = ${entity} AND s.uid = v.uid)
      ORDER BY v.id`.execute(db);
  }
}

// The full resync under way (see pullChanges)

/** A resync is under way when rows are recorded as seen: each page but the last delivers at least one. */
export async function isResyncUnderway(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('sync_resync_seen').select('uid').limit(1).executeTakeFirst()) !== undefined;
}

export async function clearResyncSeen(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('sync_resync_seen').execute();
}

export async function markResyncSeen(db: Kysely<Database>, rows: ReadonlyArray<{ entity: SyncEntity; uid: string }>): Promise<void> {
  // Plain SQL in chunks: a page of a snapshot is up to a thousand rows.
  for (let start = 0; start < rows.length; start += 400) {
    const chunk = rows.slice(start, start + 400);
    await db.executeQuery(
      CompiledQuery.raw(
        `INSERT OR IGNORE INTO sync_resync_seen (entity, uid) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((row) => [row.entity, row.uid]),
      ),
    );
  }
}

/** Rows the desk has at a server version that the resync did not deliver, in the order sync_versions holds them. */
export async function listUnseenVersions(db: Kysely<Database>): Promise<Array<{ entity: string; uid: string; version: number }>> {
  const { rows } = await sql<{ entity: string; uid: string; version: number }>`
    SELECT v.entity, v.uid, v.version FROM sync_versions v
    WHERE NOT EXISTS (SELECT 1 FROM sync_resync_seen s WHERE s.entity = v.entity AND s.uid = v.uid)`.execute(db);
  return rows;
}

/** A row the resync delivered in a state older than this desk's: sent back at its end. */
export async function markResend(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<void> {
  await db.updateTable('sync_resync_seen').set({ resend: 1 }).where('entity', '=', entity).where('uid', '=', uid).execute();
}

/** After a resync from a cloud that lost state: rows it did not deliver (`isUnseen`) and rows it delivered in an older state. */
export async function listLostRows(db: Kysely<Database>): Promise<Array<{ entity: string; uid: string; isUnseen: number }>> {
  const { rows } = await sql<{ entity: string; uid: string; isUnseen: number }>`
    SELECT v.entity, v.uid, 1 AS isUnseen FROM sync_versions v
    WHERE NOT EXISTS (SELECT 1 FROM sync_resync_seen s WHERE s.entity = v.entity AND s.uid = v.uid)
    UNION ALL
    SELECT entity, uid, 0 AS isUnseen FROM sync_resync_seen WHERE resend = 1`.execute(db);
  return rows;
}

/** The row as this desk would push it now (the wire format's JSON), or null when it is not here. */
export async function localWireData(db: Kysely<Database>, entity: SyncEntity, uid: string): Promise<string | null> {
  // The view's name is spliced: only ever one of the known entities'.
  if (!entityOrder.includes(entity)) throw new Error(`not a synced entity: ${entity}`);
  const { rows } = await db.executeQuery<{ data: string }>(CompiledQuery.raw(`SELECT data FROM sync_data_${entity} WHERE uid = ?`, [uid]));
  return rows[0]?.data ?? null;
}

/** Queues a row to be sent as a new change (the base version is taken at its first send, as for any entry). */
export async function enqueueRow(
  db: Kysely<Database>,
  entry: { mutationId: string; entity: SyncEntity; uid: string; op: 'upsert' | 'delete'; data: string | null; now: number },
): Promise<void> {
  await db
    .insertInto('sync_outbox')
    .values({ mutation_id: entry.mutationId, entity: entry.entity, uid: entry.uid, op: entry.op, data: entry.data, created_at: entry.now, base_version: null })
    .execute();
}

/** Parked server rows the resync did not deliver: states of rows the cloud no longer has. */
export async function unparkUnseen(db: Kysely<Database>): Promise<void> {
  await sql`
    DELETE FROM sync_parked
    WHERE NOT EXISTS (SELECT 1 FROM sync_resync_seen s WHERE s.entity = sync_parked.entity AND s.uid = sync_parked.uid)`.execute(db);
}
