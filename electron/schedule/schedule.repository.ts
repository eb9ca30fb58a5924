import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { activeStatuses } from '../../shared/appointments/appointments.contract';
import { HOUR_MS } from '../../shared/time/units';
import type { Database } from '../db/schema';

/** The overlap triggers cap an appointment at 12 hours; so does every range query here. */
export const LONGEST_APPOINTMENT_MS = 12 * HOUR_MS;

/**
 * Whether an active appointment holds its slot: a checked-in walk-in who has never been
 * called waits without one (migration 0010's overlap triggers judge the same way).
 */
export function holdsSlot(eb: ExpressionBuilder<Database, 'appointments'>) {
  return eb.not(eb.and([eb('is_walk_in', '=', 1), eb('called_at', 'is', null), eb('status', 'in', ['checked_in', 'left_unseen'])]));
}

export interface BookablePractitionerRow {
  id: number;
  full_name: string;
  default_room_id: number | null;
}

/** Active practitioners who offer the specialty, optionally just one of them. */
export function bookablePractitioners(db: Kysely<Database>, specialtyId: number, practitionerId?: number): Promise<BookablePractitionerRow[]> {
  let query = db
    .selectFrom('practitioners as p')
    .innerJoin('practitioner_specialties as ps', 'ps.practitioner_id', 'p.id')
    .select(['p.id', 'p.full_name', 'p.default_room_id'])
    .where('ps.specialty_id', '=', specialtyId)
    .where('p.is_active', '=', 1);
  if (practitionerId !== undefined) query = query.where('p.id', '=', practitionerId);
  return query
    .orderBy(sql`p.full_name COLLATE NOCASE`)
    .orderBy('p.id')
    .execute();
}

/** One active appointment as busy time: who, where (null: no room), when. */
export interface BusySpan {
  practitionerId: number;
  roomId: number | null;
  startsAt: number;
  endsAt: number;
}

/**
 * Active appointments overlapping [from, to) held by any of the practitioners or in any of
 * the rooms. Two weeks of a busy clinic is thousands of rows, and better-sqlite3 builds
 * every row object through N-API, which cost more than everything else in `freeSlots`;
 * so SQLite returns them as one comma-separated list of numbers instead (ids are
 * positive, so 0 stands for "no room"). The lower bound on starts_at keeps the scan on
 * the index: no appointment is longer than 12 hours.
 */
export async function activeAppointmentsOverlapping(
  db: Kysely<Database>,
  range: { from: number; to: number },
  holders: { practitionerIds: readonly number[]; roomIds: readonly number[] },
): Promise<BusySpan[]> {
  if (holders.practitionerIds.length === 0 && holders.roomIds.length === 0) return [];
  const row = await db
    .selectFrom('appointments')
    .select(sql<string | null>`group_concat(practitioner_id || ',' || coalesce(room_id, 0) || ',' || starts_at || ',' || ends_at)`.as('spans'))
    .where('starts_at', '>', range.from - LONGEST_APPOINTMENT_MS)
    .where('starts_at', '<', range.to)
    .where('ends_at', '>', range.from)
    .where('status', 'in', activeStatuses)
    .where(holdsSlot)
    .where((eb) => {
      const holdersOf = [];
      if (holders.practitionerIds.length > 0) holdersOf.push(eb('practitioner_id', 'in', holders.practitionerIds));
      if (holders.roomIds.length > 0) holdersOf.push(eb('room_id', 'in', holders.roomIds));
      return eb.or(holdersOf);
    })
    .executeTakeFirst();
  if (!row?.spans) return [];
  const numbers = JSON.parse(`[${row.spans}]`) as number[];
  const spans: BusySpan[] = [];
  for (let i = 0; i + 3 < numbers.length; i += 4) {
    spans.push({ practitionerId: numbers[i]!, roomId: numbers[i + 1]! || null, startsAt: numbers[i + 2]!, endsAt: numbers[i + 3]! });
  }
  return spans;
}

/** The weekly working intervals of the practitioners, unordered. */
export function workingHoursOf(
  db: Kysely<Database>,
  practitionerIds: readonly number[],
): Promise<Array<{ practitioner_id: number; weekday: number; start_minute: number; end_minute: number }>> {
  if (practitionerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('working_hours')
    .select(['practitioner_id', 'weekday', 'start_minute', 'end_minute'])
    .where('practitioner_id', 'in', practitionerIds)
    .execute();
}

/** An appointment still to be seen, with what settling it needs, and whether it was kept where it is. */
export interface StillToBeSeenRow {
  id: number;
  practitioner_id: number;
  practitioner_name: string;
  specialty_id: number;
  specialty_name_en: string;
  specialty_name_pt: string;
  patient_id: number;
  patient_name: string;
  patient_phone: string;
  patient_language: 'en' | 'pt';
  starts_at: number;
  ends_at: number;
  status: string;
  is_kept: number;
}

/** Appointments in `statuses` ending after `from`, of one practitioner or everyone, by time. */
export function appointmentsStillToBeSeen(
  db: Kysely<Database>,
  filter: { from: number; practitionerId?: number | undefined; statuses: readonly string[] },
): Promise<StillToBeSeenRow[]> {
  let query = db
    .selectFrom('appointments as a')
    .innerJoin('patients as pt', 'pt.id', 'a.patient_id')
    .innerJoin('practitioners as pr', 'pr.id', 'a.practitioner_id')
    .innerJoin('specialties as s', 's.id', 'a.specialty_id')
    .leftJoin('schedule_kept as k', (join) =>
      join
        .onRef('k.appointment_id', '=', 'a.id')
        .onRef('k.practitioner_id', '=', 'a.practitioner_id')
        .onRef('k.starts_at', '=', 'a.starts_at')
        .onRef('k.ends_at', '=', 'a.ends_at'),
    )
    .select([
      'a.id',
      'a.practitioner_id',
      'pr.full_name as practitioner_name',
      'a.specialty_id',
      's.name_en as specialty_name_en',
      's.name_pt as specialty_name_pt',
      'a.patient_id',
      'pt.full_name as patient_name',
      'pt.phone as patient_phone',
      'pt.preferred_language as patient_language',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      sql<number>`k.appointment_id IS NOT NULL`.as('is_kept'),
    ])
    .where('a.starts_at', '>', filter.from - LONGEST_APPOINTMENT_MS)
    .where('a.ends_at', '>', filter.from)
    .where('a.status', 'in', filter.statuses as never);
  if (filter.practitionerId !== undefined) query = query.where('a.practitioner_id', '=', filter.practitionerId);
  return query.orderBy('a.starts_at').orderBy('a.id').execute();
}

/** Which of the appointments are kept where they are now (a keep for another time or practitioner does not count). */
export async function keptAppointmentIds(db: Kysely<Database>, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('schedule_kept as k')
    .innerJoin('appointments as a', (join) =>
      join
        .onRef('a.id', '=', 'k.appointment_id')
        .onRef('a.practitioner_id', '=', 'k.practitioner_id')
        .onRef('a.starts_at', '=', 'k.starts_at')
        .onRef('a.ends_at', '=', 'k.ends_at'),
    )
    .select('k.appointment_id')
    .where('k.appointment_id', 'in', ids)
    .execute();
  return new Set(rows.map((row) => row.appointment_id));
}

export async function saveKept(
  db: Kysely<Database>,
  values: { appointment_id: number; practitioner_id: number; starts_at: number; ends_at: number; kept_by: number | null; kept_at: number },
): Promise<void> {
  await db
    .insertInto('schedule_kept')
    .values(values)
    .onConflict((oc) =>
      oc.column('appointment_id').doUpdateSet({
        practitioner_id: values.practitioner_id,
        starts_at: values.starts_at,
        ends_at: values.ends_at,
        kept_by: values.kept_by,
        kept_at: values.kept_at,
      }),
    )
    .execute();
}
