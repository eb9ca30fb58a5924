import type { Kysely } from 'kysely';
import type { StaffView } from '../../shared/staff/staff.contract';
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

/** Every account, active or not, by name. */
export function listStaff(db: Kysely<Database>): Promise<StaffRow[]> {
  return db.selectFrom('staff').selectAll().orderBy('display_name').execute();
}

/** Whether any account exists: a clinic with staff is set up, whatever its settings say. */
export async function anyStaffExists(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('staff').select('id').limit(1).executeTakeFirst()) !== undefined;
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

/** What may change on an account; a field left out stays as it is. */
export interface StaffChanges {
  displayName?: string;
  role?: StaffRow['role'];
  practitionerId?: number | null;
  isActive?: boolean;
  passwordHash?: string;
  locale?: 'en' | 'pt';
}

export async function updateStaff(db: Kysely<Database>, id: number, changes: StaffChanges): Promise<StaffRow> {
  const columns = {
    ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
    ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
    ...(changes.role !== undefined ? { role: changes.role } : {}),
    ...(changes.practitionerId !== undefined ? { practitioner_id: changes.practitionerId } : {}),
    ...(changes.isActive !== undefined ? { is_active: changes.isActive ? 1 : 0 } : {}),
    ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
  };
  // Nothing to change is an answer, not an UPDATE with an empty SET (which SQLite refuses).
  if (Object.keys(columns).length === 0) return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return db.updateTable('staff').set(columns).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function updatePasswordHash(db: Kysely<Database>, id: number, passwordHash: string): Promise<void> {
  await db.updateTable('staff').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}
