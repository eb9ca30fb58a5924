import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, PractitionersTable, RoomsTable, SpecialtiesTable, TimeOffTable, WorkingHoursTable } from '../db/schema';

export type SpecialtyRow = Selectable<SpecialtiesTable>;
export type RoomRow = Selectable<RoomsTable>;
export type PractitionerRow = Selectable<PractitionersTable>;
export type WorkingHoursRow = Selectable<WorkingHoursTable>;
export type TimeOffRow = Selectable<TimeOffTable>;

// Specialties

export function listSpecialties(db: Kysely<Database>): Promise<SpecialtyRow[]> {
  return db
    .selectFrom('specialties')
    .selectAll()
    .orderBy(sql`name_en COLLATE NOCASE`)
    .orderBy('id')
    .execute();
}

export function findSpecialty(db: Kysely<Database>, id: number): Promise<SpecialtyRow | undefined> {
  return db.selectFrom('specialties').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The active specialty (other than `exceptId`) whose ticket prefix is this one, whatever the case. */
export function findActiveSpecialtyByPrefix(db: Kysely<Database>, prefix: string, exceptId?: number): Promise<SpecialtyRow | undefined> {
  let query = db
    .selectFrom('specialties')
    .selectAll()
    .where('is_active', '=', 1)
    .where(sql<string>`upper(ticket_prefix)`, '=', prefix.toUpperCase());
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

/** Whether a write was refused by the unique ticket prefix of active specialties (migration 0010). */
export function isTicketPrefixClash(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: index 'specialties_active_prefix'/.test(error.message);
}

export interface SpecialtyValues {
  name_en: string;
  name_pt: string;
  duration_minutes: number;
  price_cents: number;
  ticket_prefix: string;
  is_active: number;
}

export function insertSpecialty(db: Kysely<Database>, values: SpecialtyValues): Promise<SpecialtyRow> {
  return db.insertInto('specialties').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updateSpecialty(db: Kysely<Database>, id: number, values: SpecialtyValues): Promise<SpecialtyRow | undefined> {
  return db.updateTable('specialties').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

// Rooms

export function listRooms(db: Kysely<Database>): Promise<RoomRow[]> {
  return db
    .selectFrom('rooms')
    .selectAll()
    .orderBy(sql`name COLLATE NOCASE`)
    .orderBy('id')
    .execute();
}

export function findRoom(db: Kysely<Database>, id: number): Promise<RoomRow | undefined> {
  return db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Room names are unique regardless of case (the column is NOCASE). */
export function findRoomByName(db: Kysely<Database>, name: string): Promise<RoomRow | undefined> {
  return db.selectFrom('rooms').selectAll().where('name', '=', name).executeTakeFirst();
}

export function insertRoom(db: Kysely<Database>, values: { name: string; is_active: number }): Promise<RoomRow> {
  return db.insertInto('rooms').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updateRoom(db: Kysely<Database>, id: number, values: { name: string; is_active: number }): Promise<RoomRow | undefined> {
  return db.updateTable('rooms').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

// Practitioners

export function listPractitionerRows(db: Kysely<Database>): Promise<PractitionerRow[]> {
  return db
    .selectFrom('practitioners')
    .selectAll()
    .orderBy(sql`full_name COLLATE NOCASE`)
    .orderBy('id')
    .execute();
}

export function findPractitioner(db: Kysely<Database>, id: number): Promise<PractitionerRow | undefined> {
  return db.selectFrom('practitioners').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Specialty ids per practitioner, for the given practitioners or all of them. */
export async function specialtyIdsByPractitioner(db: Kysely<Database>, practitionerIds?: readonly number[]): Promise<Map<number, number[]>> {
  let query = db.selectFrom('practitioner_specialties').select(['practitioner_id', 'specialty_id']);
  if (practitionerIds) {
    if (practitionerIds.length === 0) return new Map();
    query = query.where('practitioner_id', 'in', practitionerIds);
  }
  const rows = await query.orderBy('practitioner_id').orderBy('specialty_id').execute();
  const byPractitioner = new Map<number, number[]>();
  for (const row of rows) {
    const list = byPractitioner.get(row.practitioner_id);
    if (list) list.push(row.specialty_id);
    else byPractitioner.set(row.practitioner_id, [row.specialty_id]);
  }
  return byPractitioner;
}

export interface PractitionerValues {
  full_name: string;
  default_room_id: number | null;
  description_en: string;
  description_pt: string;
  color: string;
  is_active: number;
}

export function insertPractitioner(db: Kysely<Database>, values: PractitionerValues): Promise<PractitionerRow> {
  return db.insertInto('practitioners').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updatePractitioner(db: Kysely<Database>, id: number, values: PractitionerValues): Promise<PractitionerRow | undefined> {
  return db.updateTable('practitioners').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function replacePractitionerSpecialties(db: Kysely<Database>, practitionerId: number, specialtyIds: readonly number[]): Promise<void> {
  await db.deleteFrom('practitioner_specialties').where('practitioner_id', '=', practitionerId).execute();
  if (specialtyIds.length === 0) return;
  await db
    .insertInto('practitioner_specialties')
    .values(specialtyIds.map((specialtyId) => ({ practitioner_id: practitionerId, specialty_id: specialtyId })))
    .execute();
}

export async function existingIds(db: Kysely<Database>, table: 'specialties' | 'rooms', ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}

// Working hours

export function listWorkingHours(db: Kysely<Database>, practitionerIds: readonly number[]): Promise<WorkingHoursRow[]> {
  if (practitionerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('working_hours')
    .selectAll()
    .where('practitioner_id', 'in', practitionerIds)
    .orderBy('practitioner_id')
    .orderBy('weekday')
    .orderBy('start_minute')
    .execute();
}

export async function replaceWorkingHours(
  db: Kysely<Database>,
  practitionerId: number,
  intervals: ReadonlyArray<{ weekday: number; startMinute: number; endMinute: number }>,
): Promise<void> {
  await db.deleteFrom('working_hours').where('practitioner_id', '=', practitionerId).execute();
  if (intervals.length === 0) return;
  await db
    .insertInto('working_hours')
    .values(
      intervals.map((interval) => ({
        practitioner_id: practitionerId,
        weekday: interval.weekday,
        start_minute: interval.startMinute,
        end_minute: interval.endMinute,
      })),
    )
    .execute();
}

// Time off

export function listTimeOffRows(
  db: Kysely<Database>,
  filter: { practitionerIds?: readonly number[] | undefined; from?: number | undefined; to?: number | undefined },
): Promise<TimeOffRow[]> {
  let query = db.selectFrom('time_off').selectAll();
  if (filter.practitionerIds) {
    if (filter.practitionerIds.length === 0) return Promise.resolve([]);
    query = query.where('practitioner_id', 'in', filter.practitionerIds);
  }
  // Everything that overlaps [from, to), not only what starts inside it.
  if (filter.from !== undefined) query = query.where('ends_at', '>', filter.from);
  if (filter.to !== undefined) query = query.where('starts_at', '<', filter.to);
  return query.orderBy('starts_at').orderBy('id').execute();
}

export function findTimeOff(db: Kysely<Database>, id: number): Promise<TimeOffRow | undefined> {
  return db.selectFrom('time_off').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertTimeOff(
  db: Kysely<Database>,
  values: { practitioner_id: number; starts_at: number; ends_at: number; reason: string },
): Promise<TimeOffRow> {
  return db.insertInto('time_off').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function deleteTimeOff(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('time_off').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
