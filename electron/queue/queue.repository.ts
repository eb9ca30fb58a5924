import { sql, type Kysely, type Updateable } from 'kysely';
import type { ArrivalOutcome, ConsultationRecord } from '../../shared/queue/durations';
import type { UpcomingAppointment } from '../../shared/queue/queue-order';
import type { ManualMove } from '../../shared/queue/queue-rules';
import type { AppointmentsTable, AppointmentStatusColumn, Database } from '../db/schema';
import { LONGEST_APPOINTMENT_MS } from '../schedule/schedule.repository';

/** Statuses of the patients who are in a queue today: waiting, called, or with the practitioner. */
export const IN_QUEUE: readonly AppointmentStatusColumn[] = ['checked_in', 'called', 'in_consultation'];

/** One appointment as the queue, the display and the kiosk see it, with the names they need. */
export interface QueueRow {
  id: number;
  patient_id: number;
  practitioner_id: number;
  specialty_id: number;
  room_id: number | null;
  called_room_id: number | null;
  starts_at: number;
  ends_at: number;
  status: AppointmentStatusColumn;
  is_walk_in: number;
  checked_in_at: number | null;
  ticket: string | null;
  called_at: number | null;
  call_count: number;
  started_at: number | null;
  patient_name: string;
  patient_preferred_name: string;
  patient_language: 'en' | 'pt';
  practitioner_name: string;
  /** The room of the latest call, or else the booked room. */
  room_name: string | null;
}

function queueRowQuery(db: Kysely<Database>) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('patients as pt', 'pt.id', 'a.patient_id')
    .innerJoin('practitioners as pr', 'pr.id', 'a.practitioner_id')
    .leftJoin('rooms as r', (join) => join.on((eb) => eb('r.id', '=', eb.fn.coalesce('a.called_room_id', 'a.room_id'))))
    .select([
      'a.id',
      'a.patient_id',
      'a.practitioner_id',
      'a.specialty_id',
      'a.room_id',
      'a.called_room_id',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      'a.is_walk_in',
      'a.checked_in_at',
      'a.ticket',
      'a.called_at',
      'a.call_count',
      'a.started_at',
      'pt.full_name as patient_name',
      'pt.preferred_name as patient_preferred_name',
      'pt.preferred_language as patient_language',
      'pr.full_name as practitioner_name',
      'r.name as room_name',
    ]);
}

export function findQueueRow(db: Kysely<Database>, id: number): Promise<QueueRow | undefined> {
  return queueRowQuery(db).where('a.id', '=', id).executeTakeFirst();
}

/** Everyone in a queue (waiting, called, with the practitioner) among appointments starting in [from, to). */
export function queueRows(db: Kysely<Database>, range: { from: number; to: number }, practitionerId?: number): Promise<QueueRow[]> {
  let query = queueRowQuery(db).where('a.starts_at', '>=', range.from).where('a.starts_at', '<', range.to).where('a.status', 'in', IN_QUEUE);
  if (practitionerId !== undefined) query = query.where('a.practitioner_id', '=', practitionerId);
  return query.orderBy('a.id').execute();
}

/** The latest calls among appointments starting in [from, to), newest first (a recall counts as a call). */
export function latestCalls(db: Kysely<Database>, range: { from: number; to: number }, limit: number): Promise<QueueRow[]> {
  return queueRowQuery(db)
    .where('a.called_at', 'is not', null)
    .where('a.starts_at', '>=', range.from)
    .where('a.starts_at', '<', range.to)
    .where('a.status', 'in', ['called', 'in_consultation', 'done'])
    .orderBy('a.called_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
}

/** Booked appointments (not walk-ins) starting in (from, to), per practitioner: who is still expected. */
export async function upcomingAppointments(
  db: Kysely<Database>,
  practitionerIds: readonly number[],
  range: { from: number; to: number },
): Promise<Map<number, UpcomingAppointment[]>> {
  const result = new Map<number, UpcomingAppointment[]>();
  if (practitionerIds.length === 0) return result;
  const rows = await db
    .selectFrom('appointments')
    .select(['practitioner_id', 'starts_at', 'specialty_id'])
    .where('practitioner_id', 'in', practitionerIds)
    .where('starts_at', '>', range.from)
    .where('starts_at', '<', range.to)
    .where('status', '=', 'booked')
    .where('is_walk_in', '=', 0)
    .execute();
  for (const row of rows) {
    const list = result.get(row.practitioner_id) ?? [];
    list.push({ startsAt: row.starts_at, specialtyId: row.specialty_id });
    result.set(row.practitioner_id, list);
  }
  return result;
}

/** Finished consultations of these practitioners that ended in (since, until]: what wait estimates learn from. */
export async function consultationHistory(
  db: Kysely<Database>,
  practitionerIds: readonly number[],
  since: number,
  until: number,
): Promise<ConsultationRecord[]> {
  if (practitionerIds.length === 0) return [];
  const rows = await db
    .selectFrom('appointments')
    .select(['practitioner_id', 'specialty_id', 'started_at', 'finished_at'])
    .where('practitioner_id', 'in', practitionerIds)
    // On the (practitioner_id, starts_at) index: a consultation ends within 12 hours of its booked start.
    .where('starts_at', '>', since - LONGEST_APPOINTMENT_MS)
    .where('starts_at', '<=', until)
    .where('status', '=', 'done')
    .where('started_at', 'is not', null)
    .where('finished_at', '>', since)
    .where('finished_at', '<=', until)
    .execute();
  return rows.map((row) => ({
    practitionerId: row.practitioner_id,
    specialtyId: row.specialty_id,
    startedAt: row.started_at!,
    endedAt: row.finished_at!,
  }));
}

/**
 * How the booked appointments of these practitioners that started in (since, until] turned
 * out. Rows from before check-in was recorded (a visit that happened without a check-in
 * time) count as on time; a no-show never checked in.
 */
export async function arrivalOutcomes(
  db: Kysely<Database>,
  practitionerIds: readonly number[],
  since: number,
  until: number,
): Promise<Map<number, ArrivalOutcome[]>> {
  const result = new Map<number, ArrivalOutcome[]>();
  if (practitionerIds.length === 0) return result;
  const rows = await db
    .selectFrom('appointments')
    .select(['practitioner_id', 'starts_at', 'checked_in_at', 'status'])
    .where('practitioner_id', 'in', practitionerIds)
    .where('starts_at', '>', since)
    .where('starts_at', '<=', until)
    .where('is_walk_in', '=', 0)
    .where('status', 'not in', ['cancelled', 'booked'])
    .execute();
  for (const row of rows) {
    const list = result.get(row.practitioner_id) ?? [];
    list.push({ startsAt: row.starts_at, checkedInAt: row.checked_in_at ?? (row.status === 'no_show' ? null : row.starts_at) });
    result.set(row.practitioner_id, list);
  }
  return result;
}

export async function specialtyMinutes(db: Kysely<Database>): Promise<Map<number, number>> {
  const rows = await db.selectFrom('specialties').select(['id', 'duration_minutes']).execute();
  return new Map(rows.map((row) => [row.id, row.duration_minutes]));
}

// Rooms

/**
 * Each active room, by name, with the consultations under way in it today: where the
 * patient was called or sent, else their booked room. Migration 0010's index allows one
 * per room and ticket day; rows never checked in through the queue (no ticket) are counted
 * by their start.
 */
export function roomsInUse(
  db: Kysely<Database>,
  today: { day: string; from: number; to: number },
): Promise<
  Array<{
    room_id: number;
    room_name: string;
    appointment_id: number | null;
    ticket: string | null;
    practitioner_id: number | null;
    practitioner_name: string | null;
  }>
> {
  return db
    .selectFrom('rooms as r')
    .leftJoin('appointments as a', (join) =>
      join
        .on((eb) => eb(eb.fn.coalesce('a.called_room_id', 'a.room_id'), '=', eb.ref('r.id')))
        .on('a.status', '=', 'in_consultation')
        .on((eb) =>
          eb.or([
            eb('a.ticket_day', '=', today.day),
            eb.and([eb('a.ticket_day', 'is', null), eb('a.starts_at', '>=', today.from), eb('a.starts_at', '<', today.to)]),
          ]),
        ),
    )
    .leftJoin('practitioners as pr', 'pr.id', 'a.practitioner_id')
    .select(['r.id as room_id', 'r.name as room_name', 'a.id as appointment_id', 'a.ticket', 'a.practitioner_id', 'pr.full_name as practitioner_name'])
    .where('r.is_active', '=', 1)
    .orderBy(sql`r.name COLLATE NOCASE`)
    .orderBy('r.id')
    .orderBy('a.id')
    .execute();
}

/** Whether a write was refused because the room already holds a consultation. */
export function isRoomOccupiedError(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: index 'appointments_one_consultation_per_room'|appointments\.called_room_id/.test(error.message);
}

// Manual moves

export async function movesOf(db: Kysely<Database>, appointmentIds: readonly number[]): Promise<Map<number, Array<ManualMove & { id: number }>>> {
  const result = new Map<number, Array<ManualMove & { id: number }>>();
  if (appointmentIds.length === 0) return result;
  const rows = await db.selectFrom('queue_moves').selectAll().where('appointment_id', 'in', appointmentIds).orderBy('at').orderBy('id').execute();
  for (const row of rows) {
    const list = result.get(row.appointment_id) ?? [];
    list.push({ id: row.id, at: row.at, direction: row.direction, past: parseIds(row.past), reason: row.reason, staffId: row.staff_id });
    result.set(row.appointment_id, list);
  }
  return result;
}

function parseIds(json: string): number[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((id): id is number => Number.isSafeInteger(id)) : [];
  } catch {
    return [];
  }
}

export async function insertMove(db: Kysely<Database>, appointmentId: number, move: ManualMove): Promise<void> {
  await db
    .insertInto('queue_moves')
    .values({
      appointment_id: appointmentId,
      at: move.at,
      direction: move.direction,
      past: JSON.stringify(move.past),
      reason: move.reason,
      staff_id: move.staffId ?? null,
    })
    .execute();
}

// Tickets

/** The last ticket number issued today for a prefix (0 when none). */
export async function lastTicketNumber(db: Kysely<Database>, day: string, prefix: string): Promise<number> {
  const row = await db.selectFrom('ticket_counters').select('last').where('day', '=', day).where('prefix', '=', prefix).executeTakeFirst();
  return row?.last ?? 0;
}

export async function saveTicketNumber(db: Kysely<Database>, day: string, prefix: string, last: number): Promise<void> {
  await db
    .insertInto('ticket_counters')
    .values({ day, prefix, last })
    .onConflict((conflict) => conflict.columns(['day', 'prefix']).doUpdateSet({ last }))
    .execute();
}

/** A walk-in straight into the queue: checked in, with their ticket. */
export async function insertWaitingWalkIn(
  db: Kysely<Database>,
  values: {
    patient_id: number;
    practitioner_id: number;
    room_id: number | null;
    specialty_id: number;
    starts_at: number;
    ends_at: number;
    price_cents: number;
    created_by: number | null;
    now: number;
    ticket_day: string;
    ticket: string;
    for_specialty: number;
  },
): Promise<number> {
  const { now, ...row } = values;
  const inserted = await db
    .insertInto('appointments')
    .values({
      ...row,
      status: 'checked_in',
      status_changed_at: now,
      is_walk_in: 1,
      checked_in_at: now,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/**
 * The longest-waiting walk-in for the specialty (nobody named) queued with another
 * practitioner, in a specialty this one offers, among appointments starting in [from, to).
 */
export async function specialtyWalkInFor(db: Kysely<Database>, practitionerId: number, range: { from: number; to: number }): Promise<number | null> {
  const row = await db
    .selectFrom('appointments as a')
    .innerJoin('practitioner_specialties as ps', (join) => join.onRef('ps.specialty_id', '=', 'a.specialty_id').on('ps.practitioner_id', '=', practitionerId))
    .select('a.id')
    .where('a.status', '=', 'checked_in')
    .where('a.is_walk_in', '=', 1)
    .where('a.for_specialty', '=', 1)
    .where('a.called_at', 'is', null)
    .where('a.practitioner_id', '<>', practitionerId)
    .where('a.starts_at', '>=', range.from)
    .where('a.starts_at', '<', range.to)
    .orderBy('a.checked_in_at')
    .orderBy('a.id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function setQueueFields(db: Kysely<Database>, id: number, values: Updateable<AppointmentsTable>): Promise<void> {
  await db.updateTable('appointments').set(values).where('id', '=', id).execute();
}

// No-shows

/** Booked appointments (not walk-ins) that started at or before `startedBy`: the no-show candidates. */
export function bookedStartedBy(
  db: Kysely<Database>,
  startedBy: number,
): Promise<Array<{ id: number; starts_at: number; status: string; is_walk_in: number; practitioner_id: number }>> {
  return db
    .selectFrom('appointments')
    .select(['id', 'starts_at', 'status', 'is_walk_in', 'practitioner_id'])
    .where('status', '=', 'booked')
    .where('starts_at', '<=', startedBy)
    .where('is_walk_in', '=', 0)
    .execute();
}

/** The earliest start after `after` among booked appointments (not walk-ins), or null. */
export async function earliestBookedAfter(db: Kysely<Database>, after: number): Promise<{ id: number; starts_at: number } | null> {
  const row = await db
    .selectFrom('appointments')
    .select(['id', 'starts_at'])
    .where('status', '=', 'booked')
    .where('starts_at', '>', after)
    .where('is_walk_in', '=', 0)
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export async function markNoShows(
  db: Kysely<Database>,
  ids: readonly number[],
  now: number,
): Promise<Array<{ id: number; starts_at: number; practitioner_id: number }>> {
  if (ids.length === 0) return [];
  return db
    .updateTable('appointments')
    .set({ status: 'no_show', status_changed_at: now, updated_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'booked')
    .returning(['id', 'starts_at', 'practitioner_id'])
    .execute();
}
