import type { Kysely } from 'kysely';
import type { ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import type { AppointmentOnHoliday, Holiday } from '../../shared/holidays/holidays.contract';
import { portugueseNationalHolidays } from '../../shared/holidays/portugal';
import { unsettledStatuses } from '../../shared/schedule/schedule-problems';
import { dayBounds } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import {
  appointmentsToBeSeenBetween,
  findHoliday,
  findHolidayOn,
  holidaysOnDays,
  listHolidayRows,
  putHoliday,
  renameHoliday,
  turnOffHoliday,
  type HolidayRow,
} from './holidays.repository';

/** What the holiday rules need: the clinic's clock and the call's moment. */
export interface HolidayEnv {
  timeZone: string;
  now: number;
}

export function toHoliday(row: HolidayRow): Holiday {
  return { id: row.id, day: row.day, nameEn: row.name_en, namePt: row.name_pt, isNational: row.is_national === 1 };
}

export async function holidaysOfYear(db: Kysely<Database>, year: number): Promise<Holiday[]> {
  return (await listHolidayRows(db, `${year}-01-01`, `${year}-12-31`)).map(toHoliday);
}

/** The closed days from `fromDay` to `toDay`, both included: what free times leave out. */
export async function closedDaysBetween(db: Kysely<Database>, fromDay: string, toDay: string): Promise<Set<string>> {
  return new Set((await listHolidayRows(db, fromDay, toDay)).map((row) => row.day));
}

/** Appointments still to be seen on these days, from now on: a new holiday strands them. */
async function appointmentsOn(db: Kysely<Database>, env: HolidayEnv, days: readonly string[]): Promise<AppointmentOnHoliday[]> {
  const found: AppointmentOnHoliday[] = [];
  for (const day of days) {
    const { startsAt, endsAt } = dayBounds(env.timeZone, day);
    if (endsAt <= env.now) continue;
    const rows = await appointmentsToBeSeenBetween(db, Math.max(startsAt, env.now), endsAt, unsettledStatuses);
    found.push(
      ...rows.map((row) => ({
        appointmentId: row.id,
        patientId: row.patient_id,
        patientName: row.full_name,
        practitionerId: row.practitioner_id,
        startsAt: row.starts_at,
        endsAt: row.ends_at,
      })),
    );
  }
  return found;
}

function dayTaken(day: string): AppError {
  return new AppError('ALREADY_EXISTS', `${day} is a holiday already.`, { field: 'day', fields: [{ path: 'day', code: 'custom', message: 'taken' }] });
}

export async function prefillNational(
  db: Kysely<Database>,
  env: HolidayEnv,
  year: number,
): Promise<{ added: Holiday[]; appointments: AppointmentOnHoliday[] }> {
  const national = portugueseNationalHolidays(year);
  const present = new Set(
    (
      await holidaysOnDays(
        db,
        national.map((h) => h.day),
      )
    ).map((row) => row.day),
  );
  const added: Holiday[] = [];
  for (const holiday of national) {
    // A day already on the list keeps its name: an admin may have renamed it, or closed for a reason of their own.
    if (present.has(holiday.day)) continue;
    const row = await putHoliday(db, { day: holiday.day, name_en: holiday.nameEn, name_pt: holiday.namePt, is_national: 1 }, env.now);
    if (row) added.push(toHoliday(row));
  }
  return {
    added,
    appointments: await appointmentsOn(
      db,
      env,
      added.map((h) => h.day),
    ),
  };
}

export async function addHoliday(
  db: Kysely<Database>,
  env: HolidayEnv,
  input: ParsedInput<'holidays.add'>,
): Promise<{ holiday: Holiday; appointments: AppointmentOnHoliday[] }> {
  const row = await putHoliday(db, { day: input.day, name_en: input.nameEn, name_pt: input.namePt, is_national: 0 }, env.now);
  if (!row) throw dayTaken(input.day);
  return { holiday: toHoliday(row), appointments: await appointmentsOn(db, env, [input.day]) };
}

export async function changeHoliday(
  db: Kysely<Database>,
  env: HolidayEnv,
  input: ParsedInput<'holidays.update'>,
): Promise<{ holiday: Holiday; appointments: AppointmentOnHoliday[] }> {
  const current = await findHoliday(db, input.id);
  if (!current) throw new AppError('NOT_FOUND', 'There is no such holiday.', { field: 'id' });
  const names = { name_en: input.nameEn, name_pt: input.namePt };
  if (input.day === current.day) {
    const row = await renameHoliday(db, current.id, names, env.now);
    if (!row) throw new AppError('NOT_FOUND', 'There is no such holiday.', { field: 'id' });
    return { holiday: toHoliday(row), appointments: [] };
  }
  // A day's row is the day's for good (its uid is the day's, migration 0020): moving a holiday turns this day off and that one on.
  if (await findHolidayOn(db, input.day)) throw dayTaken(input.day);
  await turnOffHoliday(db, current.id, env.now);
  const row = await putHoliday(db, { day: input.day, ...names, is_national: 0 }, env.now);
  if (!row) throw dayTaken(input.day);
  return { holiday: toHoliday(row), appointments: await appointmentsOn(db, env, [row.day]) };
}

export async function removeHoliday(db: Kysely<Database>, id: number, now: number): Promise<HolidayRow> {
  const row = await findHoliday(db, id);
  if (!row || !(await turnOffHoliday(db, id, now))) throw new AppError('NOT_FOUND', 'There is no such holiday.', { field: 'id' });
  return row;
}
