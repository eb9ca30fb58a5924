import { sql, type Kysely } from 'kysely';
import { preparedQuery } from '../db/prepared-query';
import type { Database } from '../db/schema';

/** One row of the audit log, as written: who, when, from where, what, on which record. */
export interface AuditRow {
  at: number;
  staffId: number | null;
  workstation: string;
  action: string;
  entity: string;
  entityId: number | null;
  detail: string;
  /**
   * A view of a patient's record, written at most once in this many milliseconds for the same
   * member of staff, workstation, patient and detail: a page that reloads on every change
   * would otherwise bury the log in copies of one look.
   */
  repeatWithinMs?: number;
}

// Built once: the audit insert sits on every booking's path. Whose record an entry is about is
// worked out by the insert itself (one statement, no round trip): the patient's own, or their
// appointment's patient as the appointment stands now.
const insertAuditQuery = preparedQuery((db, row: Omit<AuditRow, 'repeatWithinMs'>) =>
  db.insertInto('audit_log').values({
    at: row.at,
    staff_id: row.staffId,
    workstation: row.workstation,
    action: row.action,
    entity: row.entity,
    entity_id: row.entityId,
    detail: row.detail,
    patient_id: sql<
      number | null
    >`CASE ${row.entity} WHEN 'patient' THEN ${row.entityId} WHEN 'appointment' THEN (SELECT patient_id FROM appointments WHERE id = ${row.entityId}) END`,
  }),
);

const recentViewQuery = preparedQuery(
  (db, view: { patientId: number; since: number; at: number; action: string; staffId: number | null; workstation: string; detail: string }) =>
    db
      .selectFrom('audit_log')
      .select('id')
      .where('patient_id', '=', view.patientId)
      .where('at', '>', view.since)
      .where('at', '<=', view.at)
      .where('action', '=', view.action)
      .where('staff_id', 'is', view.staffId)
      .where('workstation', '=', view.workstation)
      .where('detail', '=', view.detail)
      .limit(1),
);

export async function insertAudit(db: Kysely<Database>, row: AuditRow): Promise<void> {
  const { repeatWithinMs, ...entry } = row;
  // Bounded so that a hostile workstation name or a long reason cannot bloat the log.
  const bounded = { ...entry, workstation: entry.workstation.slice(0, 200), detail: entry.detail.slice(0, 1000) };
  if (repeatWithinMs !== undefined && bounded.entity === 'patient' && bounded.entityId !== null) {
    const seen = await recentViewQuery(db, {
      patientId: bounded.entityId,
      since: bounded.at - repeatWithinMs,
      at: bounded.at,
      action: bounded.action,
      staffId: bounded.staffId,
      workstation: bounded.workstation,
      detail: bounded.detail,
    });
    if (seen.length > 0) return;
  }
  await insertAuditQuery(db, bounded);
}

/** The log's filters, with the days already turned into instants (`toAt` excluded). */
export interface AuditQuery {
  /** A patient and the duplicates merged into them: their history is the patient's. */
  patientIds?: number[];
  staffId?: number;
  workstation?: string;
  action?: string;
  fromAt?: number;
  toAt?: number;
}

export interface AuditEntryRow {
  id: number;
  at: number;
  staff_id: number | null;
  staff_name: string | null;
  workstation: string;
  action: string;
  entity: string;
  entity_id: number | null;
  patient_id: number | null;
  patient_name: string | null;
  detail: string;
}

/**
 * Entries newest first, after the cursor: a keyset page, so the thousandth page costs what the
 * first does. Each filter has an index ending in `at` (0014), walked in order.
 */
export function findAuditEntries(
  db: Kysely<Database>,
  query: AuditQuery,
  after: { at: number; id: number } | undefined,
  limit: number,
): Promise<AuditEntryRow[]> {
  let select = db
    .selectFrom('audit_log as l')
    .leftJoin('staff as s', 's.id', 'l.staff_id')
    .leftJoin('patients as p', 'p.id', 'l.patient_id')
    .select([
      'l.id',
      'l.at',
      'l.staff_id',
      's.display_name as staff_name',
      'l.workstation',
      'l.action',
      'l.entity',
      'l.entity_id',
      'l.patient_id',
      'p.full_name as patient_name',
      'l.detail',
    ]);
  if (query.patientIds !== undefined) {
    const [only] = query.patientIds;
    select =
      query.patientIds.length === 1 && only !== undefined ? select.where('l.patient_id', '=', only) : select.where('l.patient_id', 'in', query.patientIds);
  }
  if (query.staffId !== undefined) select = select.where('l.staff_id', '=', query.staffId);
  if (query.workstation !== undefined) select = select.where('l.workstation', '=', query.workstation);
  if (query.action !== undefined) select = select.where('l.action', '=', query.action);
  if (query.fromAt !== undefined) select = select.where('l.at', '>=', query.fromAt);
  if (query.toAt !== undefined) select = select.where('l.at', '<', query.toAt);
  if (after) select = select.where(sql<boolean>`(l.at, l.id) < (${after.at}, ${after.id})`);
  return select.orderBy('l.at', 'desc').orderBy('l.id', 'desc').limit(limit).execute();
}

/**
 * The distinct values of an indexed column, by hopping along its index (one lookup per value)
 * rather than reading every entry: the log may hold millions, the values a few dozen.
 */
async function distinctValues(db: Kysely<Database>, column: 'workstation' | 'action', limit: number): Promise<string[]> {
  const rows = await sql<{ value: string }>`
    WITH RECURSIVE seen(value) AS (
      SELECT MIN(${sql.ref(column)}) FROM audit_log
      UNION ALL
      SELECT (SELECT MIN(${sql.ref(column)}) FROM audit_log WHERE ${sql.ref(column)} > seen.value) FROM seen WHERE seen.value IS NOT NULL
    )
    SELECT value FROM seen WHERE value IS NOT NULL LIMIT ${limit}`.execute(db);
  return rows.rows.map((row) => row.value);
}

export const auditWorkstations = (db: Kysely<Database>, limit: number) => distinctValues(db, 'workstation', limit);
export const auditActions = (db: Kysely<Database>, limit: number) => distinctValues(db, 'action', limit);

/**
 * A patient and every record merged into them, however deep (a duplicate of a duplicate):
 * the entries about a merged duplicate are about the same person.
 */
export async function patientAndMergedIds(db: Kysely<Database>, patientId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    WITH RECURSIVE records(id) AS (
      SELECT ${patientId}
      UNION
      SELECT p.id FROM patients p JOIN records r ON p.merged_into_id = r.id
    )
    SELECT id FROM records LIMIT 1000`.execute(db);
  return rows.rows.map((row) => row.id);
}
