import type { Kysely, Selectable } from 'kysely';
import type { ClinicHolidaysTable, Database } from '../db/schema';

export type HolidayRow = Selectable<ClinicHolidaysTable>;

export interface HolidayValues {
  day: string;
  name_en: string;
  name_pt: string;
}

/** Holidays from `fromDay` to `toDay`, both included, by day. */
export function listHolidayRows(db: Kysely<Database>, fromDay: string, toDay: string): Promise<HolidayRow[]> {
  return db.selectFrom('clinic_holidays').selectAll().where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
}

export function findHoliday(db: Kysely<Database>, id: number): Promise<HolidayRow | undefined> {
  return db.selectFrom('clinic_holidays').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findHolidayOn(db: Kysely<Database>, day: string): Promise<HolidayRow | undefined> {
  return db.selectFrom('clinic_holidays').selectAll().where('day', '=', day).executeTakeFirst();
}

/** The days among these that are holidays, with their rows. */
export async function holidaysOnDays(db: Kysely<Database>, days: readonly string[]): Promise<HolidayRow[]> {
  if (days.length === 0) return [];
  return db
    .selectFrom('clinic_holidays')
    .selectAll()
    .where('day', 'in', [...days])
    .orderBy('day')
    .execute();
}

export function insertHoliday(db: Kysely<Database>, values: HolidayValues & { is_national: number }, now: number): Promise<HolidayRow> {
  return db
    .insertInto('clinic_holidays')
    .values({ ...values, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateHoliday(db: Kysely<Database>, id: number, values: HolidayValues, now: number): Promise<HolidayRow | undefined> {
  return db
    .updateTable('clinic_holidays')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteHoliday(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('clinic_holidays').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether a write was refused by the one-holiday-a-day rule (migration 0015). */
export function isHolidayDayClash(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: clinic_holidays\.day/.test(error.message);
}

/** Appointments still to be seen that start in [from, to), by start, with their patient's name. */
export function appointmentsToBeSeenBetween(db: Kysely<Database>, from: number, to: number, statuses: readonly string[]) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .select(['a.id', 'a.patient_id', 'p.full_name', 'a.practitioner_id', 'a.starts_at', 'a.ends_at'])
    .where('a.starts_at', '>=', from)
    .where('a.starts_at', '<', to)
    .where('a.status', 'in', [...statuses] as Array<'booked'>)
    .orderBy('a.starts_at')
    .orderBy('a.id')
    .execute();
}
