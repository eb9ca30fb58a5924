import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import { AppError } from '../../shared/contract/errors';
import type { ParsedInput } from '../../shared/contract/contract';
import type { SeriesSessionDetails, SeriesSummary } from '../../shared/series/series.contract';
import { daysBetween, wallClockStart } from '../../shared/series/series-rule';
import { minutesToClock } from '../../shared/contract/common';
import { addDays, dayOf, wallMinuteOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { AppointmentRow, Database } from '../db/schema';
import type { RequestContext } from '../rpc/context';
import { checkPlacement, writeOrSlotTaken, type Placement } from '../appointments/appointments-placement';
import { checkPatientFree } from '../appointments/patient-clash';
import { insertAppointment, updateAppointment, type PractitionerOffering } from '../appointments/appointments.repository';
import {
  assertStatus,
  newAppointmentRow,
  requireActiveSpecialty,
  requireAppointment,
  requireBookablePractitioner,
  requirePatient,
  resolveRoom,
  toAppointment,
} from '../appointments/appointments.service';
import { findSpecialty } from '../practice/practice.repository';
import { scheduleEnvOf, type ScheduleEnv } from '../schedule/schedule.service';
import { bookedSessionsFrom, seriesSessionsOfPatient, sessionsOfSeries } from './series.repository';

/** What a series operation changed: its appointments, and the clinic days whose boards must refresh. */
export interface SeriesChange {
  seriesId: string;
  appointments: Appointment[];
  days: string[];
}

const SESSION_REASONS = ['SLOT_TAKEN', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'IN_THE_PAST', 'PATIENT_ALREADY_BOOKED'] as const;

/**
 * Runs one session's checks and write; a refusal becomes SERIES_SESSION_UNAVAILABLE naming the
 * session, and the caller's transaction then writes nothing of the series.
 */
async function asSession<T>(session: number, startsAt: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError) || !(SESSION_REASONS as readonly string[]).includes(error.code)) throw error;
    const details: SeriesSessionDetails = {
      session,
      startsAt,
      reason: error.code as SeriesSessionDetails['reason'],
      ...(error.details ? { reasonDetails: error.details } : {}),
    };
    throw new AppError('SERIES_SESSION_UNAVAILABLE', `Session ${session}: ${error.message}`, details);
  }
}

function changeOf(env: ScheduleEnv, seriesId: string, rows: readonly AppointmentRow[], otherInstants: readonly number[] = []): SeriesChange {
  const days = [...new Set([...rows.map((row) => row.starts_at), ...otherInstants].map((instant) => dayOf(env.timeZone, instant)))].sort();
  return { seriesId, appointments: rows.map(toAppointment), days };
}

/** Books the sessions, in time order and numbered so, as one series: every one or none. */
export async function bookSeries(db: Kysely<Database>, input: ParsedInput<'series.book'>, req: RequestContext): Promise<SeriesChange> {
  const env = scheduleEnvOf(req);
  await requirePatient(db, input.patientId);
  const specialty = await requireActiveSpecialty(db, input.specialtyId);
  const practitioners = new Map<number, PractitionerOffering>();
  for (const id of new Set(input.sessions.map((s) => s.practitionerId))) {
    practitioners.set(id, await requireBookablePractitioner(db, id, specialty));
  }
  const seriesId = randomUUID();
  const sessions = [...input.sessions].sort((a, b) => a.startsAt - b.startsAt);
  const rows: AppointmentRow[] = [];
  for (const [i, session] of sessions.entries()) {
    const practitioner = practitioners.get(session.practitionerId)!;
    const placement: Placement = {
      practitioner,
      specialtyId: specialty.id,
      roomId: await resolveRoom(db, session.roomId, practitioner.default_room_id),
      startsAt: session.startsAt,
      endsAt: session.startsAt + specialty.duration_minutes * MINUTE_MS,
    };
    const row = await asSession(session.index ?? i + 1, session.startsAt, async () => {
      await checkPlacement(db, env, placement);
      const fields = { patientId: input.patientId, notes: input.notes, priceCents: specialty.price_cents, isWalkIn: false, isCombinedVisit: false };
      const written = await writeOrSlotTaken(db, env, placement, () =>
        insertAppointment(db, { ...newAppointmentRow(req, placement, fields), series_id: seriesId, series_index: i + 1 }),
      );
      await checkPatientFree(db, { patientId: input.patientId, startsAt: written.starts_at, endsAt: written.ends_at, excludeId: written.id }, false);
      return written;
    });
    rows.push(row);
  }
  req.audit({
    action: 'series.book',
    entity: 'patient',
    entityId: input.patientId,
    detail: { seriesId, startsAt: rows[0]!.starts_at, sessions: rows.length, appointmentIds: rows.map((row) => row.id) },
  });
  return changeOf(env, seriesId, rows);
}

async function requireSeriesSession(db: Kysely<Database>, appointmentId: number): Promise<AppointmentRow & { series_id: string; series_index: number }> {
  const row = await requireAppointment(db, appointmentId);
  if (row.series_id === null || row.series_index === null) {
    throw new AppError('NOT_FOUND', 'This appointment is not part of a series.', { field: 'appointmentId' });
  }
  return row as AppointmentRow & { series_id: string; series_index: number };
}

/** Cancels a session and every later one of its series still booked. */
export async function cancelSeriesFrom(db: Kysely<Database>, input: ParsedInput<'series.cancelFrom'>, req: RequestContext): Promise<SeriesChange> {
  const env = scheduleEnvOf(req);
  const first = await requireSeriesSession(db, input.appointmentId);
  assertStatus(first, ['booked', 'checked_in'], 'cancelled');
  const later = (await bookedSessionsFrom(db, first.series_id, first.series_index + 1)).filter((row) => row.id !== first.id);
  const rows: AppointmentRow[] = [];
  for (const row of [first, ...later]) {
    rows.push(await updateAppointment(db, row.id, { status: 'cancelled', cancel_reason: input.reason, status_changed_at: env.now, updated_at: env.now }));
  }
  req.audit({
    action: 'series.cancelFrom',
    entity: 'patient',
    entityId: first.patient_id,
    detail: { seriesId: first.series_id, startsAt: first.starts_at, reason: input.reason, appointmentIds: rows.map((row) => row.id) },
  });
  return changeOf(env, first.series_id, rows);
}

/**
 * The same move for a later session: as many days later (or earlier), and at its own wall-clock
 * time shifted as much, so a session across a DST change keeps its clock time.
 */
function shifted(env: ScheduleEnv, startsAt: number, shift: { days: number; minutes: number }): number {
  const day = dayOf(env.timeZone, startsAt);
  const minute = wallMinuteOf(env.timeZone, day, startsAt) + shift.minutes;
  const targetDay = addDays(day, shift.days + Math.floor(minute / 1440));
  const wall = ((minute % 1440) + 1440) % 1440;
  return wallClockStart(env.timeZone, targetDay, minutesToClock(wall));
}

/** Moves a session to `startsAt` and every later one still booked by the same shift: all or nothing. */
export async function moveSeriesFrom(db: Kysely<Database>, input: ParsedInput<'series.moveFrom'>, req: RequestContext): Promise<SeriesChange> {
  const env = scheduleEnvOf(req);
  const first = await requireSeriesSession(db, input.appointmentId);
  assertStatus(first, ['booked'], 'rescheduled');
  const specialty = await findSpecialty(db, first.specialty_id);
  if (!specialty) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyId' });
  const fromDay = dayOf(env.timeZone, first.starts_at);
  const toDay = dayOf(env.timeZone, input.startsAt);
  const shift = {
    days: daysBetween(fromDay, toDay),
    minutes: wallMinuteOf(env.timeZone, toDay, input.startsAt) - wallMinuteOf(env.timeZone, fromDay, first.starts_at),
  };
  const later = (await bookedSessionsFrom(db, first.series_id, first.series_index + 1)).filter((row) => row.id !== first.id);
  const moves = [first, ...later].map((row) => ({ row, startsAt: row.id === first.id ? input.startsAt : shifted(env, row.starts_at, shift) }));
  // Later sessions first when moving later (earlier first when moving earlier), so that each
  // moves into time its neighbour has already left, never onto a session not moved yet.
  const order = input.startsAt >= first.starts_at ? [...moves].reverse() : moves;
  const practitioners = new Map<number, PractitionerOffering>();
  const written = new Map<number, AppointmentRow>();
  for (const { row, startsAt } of order) {
    let practitioner = practitioners.get(row.practitioner_id);
    if (!practitioner) {
      practitioner = await requireBookablePractitioner(db, row.practitioner_id, specialty);
      practitioners.set(practitioner.id, practitioner);
    }
    const placement: Placement = {
      practitioner,
      specialtyId: specialty.id,
      roomId: row.room_id,
      startsAt,
      endsAt: startsAt + (row.ends_at - row.starts_at),
      excludeId: row.id,
    };
    written.set(
      row.id,
      await asSession(row.series_index!, startsAt, async () => {
        await checkPlacement(db, env, placement);
        return writeOrSlotTaken(db, env, placement, () =>
          updateAppointment(db, row.id, {
            starts_at: startsAt,
            ends_at: placement.endsAt,
            status_changed_at: env.now,
            updated_at: env.now,
            is_combined_visit: 0,
          }),
        );
      }),
    );
  }
  // The patient's other appointments, once every session stands where it goes.
  for (const { row, startsAt } of moves) {
    const moved = written.get(row.id)!;
    await asSession(row.series_index!, startsAt, () =>
      checkPatientFree(db, { patientId: moved.patient_id, startsAt: moved.starts_at, endsAt: moved.ends_at, excludeId: moved.id }, false),
    );
  }
  const rows = moves.map(({ row }) => written.get(row.id)!);
  req.audit({
    action: 'series.moveFrom',
    entity: 'patient',
    entityId: first.patient_id,
    detail: { seriesId: first.series_id, from: { startsAt: first.starts_at }, to: { startsAt: input.startsAt }, appointmentIds: rows.map((row) => row.id) },
  });
  return changeOf(
    env,
    first.series_id,
    rows,
    moves.map(({ row }) => row.starts_at),
  );
}

function summarise(env: { now: number }, seriesId: string, rows: readonly AppointmentRow[]): SeriesSummary {
  const sessions = rows.map(toAppointment);
  const counted = sessions.filter((s) => s.status !== 'cancelled' && s.status !== 'no_show');
  const next = sessions.find((s) => (s.status === 'booked' || s.status === 'checked_in') && s.endsAt > env.now) ?? null;
  return {
    seriesId,
    patientId: sessions[0]!.patientId,
    specialtyId: sessions[0]!.specialtyId,
    practitionerIds: [...new Set(sessions.map((s) => s.practitionerId))],
    total: counted.length,
    done: counted.filter((s) => s.status === 'done').length,
    next,
    sessions,
  };
}

export async function getSeries(db: Kysely<Database>, seriesId: string, env: { now: number }): Promise<SeriesSummary> {
  const rows = await sessionsOfSeries(db, seriesId);
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'There is no such series.', { field: 'seriesId' });
  return summarise(env, seriesId, rows);
}

/** A patient's series, the one starting latest first. */
export async function seriesOfPatient(db: Kysely<Database>, patientId: number, env: { now: number }): Promise<SeriesSummary[]> {
  await requirePatient(db, patientId);
  const bySeries = new Map<string, AppointmentRow[]>();
  for (const row of await seriesSessionsOfPatient(db, patientId)) {
    const list = bySeries.get(row.series_id!);
    if (list) list.push(row);
    else bySeries.set(row.series_id!, [row]);
  }
  return [...bySeries.entries()].map(([id, rows]) => summarise(env, id, rows)).sort((a, b) => b.sessions[0]!.startsAt - a.sessions[0]!.startsAt);
}
