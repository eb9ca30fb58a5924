import type { Kysely } from 'kysely';
import type { StaffView } from '../../shared/staff/staff.contract';
import { preparedQuery } from '../db/prepared-query';
import type { Database, StaffRow } from '../db/schema';

export function toStaffView(row: StaffRow): StaffView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    practitionerId: row.practitioner_id,
    locale: row.locale,
    isActive: row.is_active === 1,
  };
}

export function findStaffByUsername(db: Kysely<Database>, username: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findStaffById(db: Kysely<Database>, id: number): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertStaff(
  db: Kysely<Database>,
  staff: {
    username: string;
    displayName: string;
    role: StaffRow['role'];
    passwordHash: string;
    practitionerId: number | null;
    locale: 'en' | 'pt';
    now: number;
  },
): Promise<StaffRow> {
  return db
    .insertInto('staff')
    .values({
      username: staff.username,
      display_name: staff.displayName,
      role: staff.role,
      password_hash: staff.passwordHash,
      practitioner_id: staff.practitionerId,
      locale: staff.locale,
      created_at: staff.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

type AuditEntry = { at: number; staffId: number | null; workstation: string; action: string; entity?: string; entityId?: number | null; detail?: string };

const insertAuditQuery = preparedQuery(
  (db, row: { at: number; staffId: number | null; workstation: string; action: string; entity: string; entityId: number | null; detail: string }) =>
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

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await insertAuditQuery(db, {
    at: entry.at,
    staffId: entry.staffId,
    workstation: entry.workstation.slice(0, 200),
    action: entry.action,
    entity: entry.entity ?? '',
    entityId: entry.entityId ?? null,
    detail: (entry.detail ?? '').slice(0, 1000),
  });
}
