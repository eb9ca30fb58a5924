import { randomInt } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Updateable } from 'kysely';
import { activeStatuses } from '../../shared/appointments/appointments.contract';
import { preparedQuery } from '../db/prepared-query';
import type { AppointmentRow, AppointmentsTable, Database } from '../db/schema';
import type { PractitionerRow, SpecialtyRow } from '../practice/practice.repository';
import { holdsSlot, LONGEST_APPOINTMENT_MS } from '../schedule/schedule.repository';

export function findAppointment(db: Kysely<Database>, id: number): Promise<AppointmentRow | undefined> {
  return db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The kiosk code's alphabet (as in migration 0004): no 0/O, 1/I/L to mix up when read aloud. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newKioskCode(): string {
  return Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

function isCodeClash(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: appointments\.code/.test(error.message);
}

/** A new appointment: every column a booking sets, so that the statement is the same each time. */
export interface NewBooking {
  patient_id: number;
  practitioner_id: number;
  room_id: number | null;
  specialty_id: number;
  starts_at: number;
  ends_at: number;
  status_changed_at: number;
  is_walk_in: number;
  notes: string;
  price_cents: number;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  /** 1: booked on purpose over another of the patient's appointments. */
  is_combined_visit?: number;
  /** The series it is a session of, and its number there (both or neither). */
  series_id?: string | null;
  series_index?: number | null;
}

const insertBookingQuery = preparedQuery((db, row: Required<NewBooking> & { code: string | null }) =>
  db
    .insertInto('appointments')
    .values({
      patient_id: row.patient_id,
      practitioner_id: row.practitioner_id,
      room_id: row.room_id,
      specialty_id: row.specialty_id,
      starts_at: row.starts_at,
      ends_at: row.ends_at,
      status: 'booked',
      status_changed_at: row.status_changed_at,
      is_walk_in: row.is_walk_in,
      notes: row.notes,
      price_cents: row.price_cents,
      created_by: row.created_by,
      created_at: row.created_at,
      updated_at: row.updated_at,
      is_combined_visit: row.is_combined_visit,
      series_id: row.series_id,
      series_index: row.series_index,
      code: row.code,
    })
    .returningAll(),
);

export async function insertAppointment(db: Kysely<Database>, row: NewBooking): Promise<AppointmentRow> {
  try {
    const [inserted] = await insertBookingQuery(db, {
      ...row,
      is_combined_visit: row.is_combined_visit ?? 0,
      series_id: row.series_id ?? null,
      series_index: row.series_index ?? null,
      code: newKioskCode(),
    });
    return inserted!;
  } catch (error) {
    // One in hundreds of millions: let the database's own trigger pick a free code instead.
    if (!isCodeClash(error)) throw error;
    const inserted = await db
      .insertInto('appointments')
      .values({ ...row, status: 'booked', code: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    const { code } = await db.selectFrom('appointments').select('code').where('id', '=', inserted.id).executeTakeFirstOrThrow();
    return { ...inserted, code };
  }
}

export function updateAppointment(db: Kysely<Database>, id: number, values: Updateable<AppointmentsTable>): Promise<AppointmentRow> {
  return db.updateTable('appointments').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Statuses in which the patient is still expected or still here: a second visit then would be at the same time. */
const PATIENT_BUSY_STATUSES = ['booked', 'checked_in', 'called', 'in_consultation'] as const;

export interface PatientClash {
  id: number;
  starts_at: number;
  ends_at: number;
  practitioner_id: number;
  practitioner_name: string;
}

/** The patient's first appointment overlapping [startsAt, endsAt), from the (patient_id, starts_at) index. */
export function findPatientClash(
  db: Kysely<Database>,
  span: { patientId: number; startsAt: number; endsAt: number; excludeId?: number | undefined },
): Promise<PatientClash | undefined> {
  return db
    .selectFrom('appointments as a')
    .innerJoin('practitioners as p', 'p.id', 'a.practitioner_id')
    .select(['a.id', 'a.starts_at', 'a.ends_at', 'a.practitioner_id', 'p.full_name as practitioner_name'])
    .where('a.patient_id', '=', span.patientId)
    .where('a.starts_at', '>', span.startsAt - LONGEST_APPOINTMENT_MS)
    .where('a.starts_at', '<', span.endsAt)
    .where('a.ends_at', '>', span.startsAt)
    .where('a.status', 'in', PATIENT_BUSY_STATUSES)
    .$if(span.excludeId !== undefined, (query) => query.where('a.id', '<>', span.excludeId!))
    .orderBy('a.starts_at')
    .limit(1)
    .executeTakeFirst();
}

/** Newest first: the desk looks for the next visit or the last one. */
export function appointmentsOfPatient(db: Kysely<Database>, patientId: number): Promise<AppointmentRow[]> {
  return db.selectFrom('appointments').selectAll().where('patient_id', '=', patientId).orderBy('starts_at', 'desc').orderBy('id', 'desc').execute();
}

/** A practitioner as booking needs them, with whether they offer the specialty asked for (1 or 0). */
export type PractitionerOffering = Pick<PractitionerRow, 'id' | 'full_name' | 'default_room_id' | 'is_active'> & { offers: number };

export function findPractitionerOffering(db: Kysely<Database>, practitionerId: number, specialtyId: number): Promise<PractitionerOffering | undefined> {
  return db
    .selectFrom('practitioners as p')
    .select(['p.id', 'p.full_name', 'p.default_room_id', 'p.is_active'])
    .select((eb) => offersExpression(eb, specialtyId).as('offers'))
    .where('p.id', '=', practitionerId)
    .executeTakeFirst();
}

function offersExpression(eb: ExpressionBuilder<Database & { p: Database['practitioners'] }, 'p'>, specialtyId: number) {
  return eb
    .exists(
      eb
        .selectFrom('practitioner_specialties as ps')
        .select('ps.specialty_id')
        .whereRef('ps.practitioner_id', '=', 'p.id')
        .where('ps.specialty_id', '=', specialtyId),
    )
    .$castTo<number>();
}

/**
 * The specialty and the practitioner (with whether they offer it) of a booking, and
 * whether its patient exists, in one query; undefined if either row is missing.
 */
const bookingReferencesQuery = preparedQuery((db, ids: { patientId: number; specialtyId: number; practitionerId: number }) =>
  db
    .selectFrom('practitioners as p')
    .innerJoin('specialties as s', (join) => join.on('s.id', '=', ids.specialtyId))
    .selectAll('s')
    .select(['p.id as p_id', 'p.full_name as p_full_name', 'p.default_room_id as p_default_room_id', 'p.is_active as p_is_active'])
    .select((eb) => [
      offersExpression(eb, ids.specialtyId).as('p_offers'),
      eb
        .exists(eb.selectFrom('patients').select('patients.id').where('patients.id', '=', ids.patientId))
        .$castTo<number>()
        .as('has_patient'),
    ])
    .where('p.id', '=', ids.practitionerId),
);

export async function findBookingReferences(
  db: Kysely<Database>,
  ids: { patientId: number; specialtyId: number; practitionerId: number },
): Promise<{ specialty: SpecialtyRow; practitioner: PractitionerOffering; has_patient: number } | undefined> {
  const [row] = await bookingReferencesQuery(db, ids);
  if (!row) return undefined;
  const { p_id, p_full_name, p_default_room_id, p_is_active, p_offers, has_patient, ...specialty } = row;
  return {
    specialty,
    practitioner: { id: p_id, full_name: p_full_name, default_room_id: p_default_room_id, is_active: p_is_active, offers: p_offers },
    has_patient,
  };
}

export async function patientExists(db: Kysely<Database>, patientId: number): Promise<boolean> {
  return (await db.selectFrom('patients').select('id').where('id', '=', patientId).executeTakeFirst()) !== undefined;
}

export interface Clash {
  kind: 'practitioner' | 'room';
  id: number;
  starts_at: number;
  ends_at: number;
}

/**
 * The active appointment in the way of [startsAt, endsAt): the practitioner's own first
 * (earliest), then the room's. The same condition the overlap triggers enforce, in one query.
 */
export async function firstClash(
  db: Kysely<Database>,
  holders: { practitionerId?: number | undefined; roomId?: number | null | undefined },
  interval: { startsAt: number; endsAt: number },
  excludeId?: number,
): Promise<Clash | undefined> {
  const { practitionerId, roomId } = holders;
  if (practitionerId === undefined && (roomId === undefined || roomId === null)) return undefined;
  let query = db
    .selectFrom('appointments')
    .select(['id', 'starts_at', 'ends_at'])
    .select(sql<number>`practitioner_id = ${practitionerId ?? 0}`.as('is_practitioner'))
    .where((eb) => {
      const holdersOf = [];
      if (practitionerId !== undefined) holdersOf.push(eb('practitioner_id', '=', practitionerId));
      if (roomId !== undefined && roomId !== null) holdersOf.push(eb('room_id', '=', roomId));
      return eb.or(holdersOf);
    })
    .where('starts_at', '>', interval.startsAt - LONGEST_APPOINTMENT_MS)
    .where('starts_at', '<', interval.endsAt)
    .where('ends_at', '>', interval.startsAt)
    .where('status', 'in', activeStatuses)
    .where(holdsSlot);
  if (excludeId !== undefined) query = query.where('id', '<>', excludeId);
  const row = await query.orderBy('is_practitioner', 'desc').orderBy('starts_at').limit(1).executeTakeFirst();
  return row && { kind: row.is_practitioner === 1 ? 'practitioner' : 'room', id: row.id, starts_at: row.starts_at, ends_at: row.ends_at };
}

/** Whether any time off of the practitioner overlaps [startsAt, endsAt). */
/**
 * A practitioner's weekly hours and whether time off overlaps the interval, in one query:
 * booking asks both every time, and each round trip through kysely costs as much as the
 * lookup itself. No rows: they have no working hours at all.
 */
const workingHoursAndTimeOffQuery = preparedQuery((db, params: { practitionerId: number; startsAt: number; endsAt: number }) =>
  db
    .selectFrom('working_hours')
    .select(['weekday', 'start_minute', 'end_minute'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('time_off')
            .select('time_off.id')
            .where('time_off.practitioner_id', '=', params.practitionerId)
            .where('time_off.starts_at', '<', params.endsAt)
            .where('time_off.ends_at', '>', params.startsAt),
        )
        .as('is_away'),
    )
    .where('practitioner_id', '=', params.practitionerId),
);

export async function workingHoursAndTimeOff(
  db: Kysely<Database>,
  practitionerId: number,
  interval: { startsAt: number; endsAt: number },
): Promise<{ hours: Array<{ weekday: number; start_minute: number; end_minute: number }>; isAway: boolean }> {
  const rows = await workingHoursAndTimeOffQuery(db, { practitionerId, startsAt: interval.startsAt, endsAt: interval.endsAt });
  return { hours: rows, isAway: rows.some((row) => Number(row.is_away) === 1) };
}
