import type { Kysely, Selectable } from 'kysely';
import type { ClinicHolidaysTable, Database } from '../db/schema';

export type HolidayRow = Selectable<ClinicHolidaysTable>;

export interface HolidayValues {
  day: string;
  name_en: string;
  name_pt: string;
}

// A day that is no longer a holiday keeps its row, turned off (migration 0020): only rows turned on are holidays.
const holidays = (db: Kysely<Database>) => db.selectFrom('clinic_holidays').selectAll().where('is_active', '=', 1);

/** Holidays from `fromDay` to `toDay`, both included, by day. */
export function listHolidayRows(db: Kysely<Database>, fromDay: string, toDay: string): Promise<HolidayRow[]> {
  return holidays(db).where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
}

export function findHoliday(db: Kysely<Database>, id: number): Promise<HolidayRow | undefined> {
  return holidays(db).where('id', '=', id).executeTakeFirst();
}

export function findHolidayOn(db: Kysely<Database>, day: string): Promise<HolidayRow | undefined> {
  return holidays(db).where('day', '=', day).executeTakeFirst();
}

/** The days among these that are holidays, with their rows. */
export async function holidaysOnDays(db: Kysely<Database>, days: readonly string[]): Promise<HolidayRow[]> {
  if (days.length === 0) return [];
  return holidays(db)
    .where('day', 'in', [...days])
    .orderBy('day')
    .execute();
}

/**
 * Makes `day` a holiday: a new row, or the day's row turned back on (a day keeps one row for
 * good, its uid is the day's). Undefined when the day is a holiday already.
 */
export async function putHoliday(db: Kysely<Database>, values: HolidayValues & { is_national: number }, now: number): Promise<HolidayRow | undefined> {
  const turnedOn = await db
    .updateTable('clinic_holidays')
    .set({ name_en: values.name_en, name_pt: values.name_pt, is_national: values.is_national, is_active: 1, updated_at: now })
    .where('day', '=', values.day)
    .where('is_active', '=', 0)
    .returningAll()
    .executeTakeFirst();
  if (turnedOn) return turnedOn;
  return db
    .insertInto('clinic_holidays')
    .values({ ...values, created_at: now, updated_at: now })
    .onConflict((conflict) => conflict.column('day').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function renameHoliday(db: Kysely<Database>, id: number, values: Omit<HolidayValues, 'day'>, now: number): Promise<HolidayRow | undefined> {
  return db
    .updateTable('clinic_holidays')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .where('is_active', '=', 1)
    .returningAll()
    .executeTakeFirst();
}

/** No longer a holiday; false when it was not one. */
export async function turnOffHoliday(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('clinic_holidays')
    .set({ is_active: 0, updated_at: now })
    .where('id', '=', id)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
