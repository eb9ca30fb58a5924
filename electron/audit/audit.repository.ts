import type { Kysely } from 'kysely';
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
}

// Built once: the audit insert sits on every booking's path.
const insertAuditQuery = preparedQuery((db, row: AuditRow) =>
  db.insertInto('audit_log').values({
    at: row.at,
    staff_id: row.staffId,
    workstation: row.workstation,
    action: row.action,
    entity: row.entity,
    entity_id: row.entityId,
    detail: row.detail,
  }),
);

export async function insertAudit(db: Kysely<Database>, row: AuditRow): Promise<void> {
  // Bounded so that a hostile workstation name or a long reason cannot bloat the log.
  await insertAuditQuery(db, { ...row, workstation: row.workstation.slice(0, 200), detail: row.detail.slice(0, 1000) });
}
