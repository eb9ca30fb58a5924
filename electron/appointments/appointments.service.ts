import type { Kysely } from 'kysely';
import type { Appointment, AppointmentStatus } from '../../shared/appointments/appointments.contract';
import type { ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import { dayOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { AppointmentRow, Database } from '../db/schema';
import { findRoom, findSpecialty, type SpecialtyRow } from '../practice/practice.repository';
import { bookablePractitioners } from '../schedule/schedule.repository';
import type { RequestContext } from '../rpc/context';
import { scheduleEnvOf, type ScheduleEnv } from '../schedule/schedule.service';
import { assertWorking, checkPlacement, findClash, nextFree, slotTakenError, writeOrSlotTaken, type Placement } from './appointments-placement';
import { checkPatientFree } from './patient-clash';
import {
  appointmentsOfPatient,
  findAppointment,
  findBookingReferences,
  findPractitionerOffering,
  insertAppointment,
  patientExists,
  updateAppointment,
  type Clash,
  type NewBooking,
  type PractitionerOffering,
} from './appointments.repository';

/** An appointment that changed, and the clinic days whose boards must refresh. */
export interface AppointmentChange {
  appointment: Appointment;
  days: string[];
}

export function toAppointment(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    patientId: row.patient_id,
    practitionerId: row.practitioner_id,
    roomId: row.room_id,
    specialtyId: row.specialty_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status,
    statusChangedAt: row.status_changed_at,
    isWalkIn: row.is_walk_in === 1,
    cancelReason: row.cancel_reason,
    notes: row.notes,
    priceCents: row.price_cents,
    code: row.code ?? '',
    seriesId: row.series_id,
    seriesIndex: row.series_index,
  };
}

function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION', message, { fields: [{ path: field, code: 'custom', message }] });
}

// Loading and checking what a booking refers to

export async function requirePatient(db: Kysely<Database>, patientId: number): Promise<void> {
  if (!(await patientExists(db, patientId))) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
}

function assertActiveSpecialty(specialty: SpecialtyRow): SpecialtyRow {
  if (specialty.is_active !== 1) throw fieldError('specialtyId', `${specialty.name_en} is no longer offered.`);
  return specialty;
}

function assertBookable(practitioner: PractitionerOffering, specialty: SpecialtyRow): PractitionerOffering {
  if (practitioner.is_active !== 1) throw fieldError('practitionerId', `${practitioner.full_name} no longer sees patients.`);
  if (practitioner.offers !== 1) throw fieldError('practitionerId', `${practitioner.full_name} does not offer ${specialty.name_en}.`);
  return practitioner;
}

export async function requireActiveSpecialty(db: Kysely<Database>, specialtyId: number): Promise<SpecialtyRow> {
  const specialty = await findSpecialty(db, specialtyId);
  if (!specialty) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyId' });
  return assertActiveSpecialty(specialty);
}

export async function requireBookablePractitioner(db: Kysely<Database>, practitionerId: number, specialty: SpecialtyRow): Promise<PractitionerOffering> {
  const practitioner = await findPractitionerOffering(db, practitionerId, specialty.id);
  if (!practitioner) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
  return assertBookable(practitioner, specialty);
}

/**
 * The patient, specialty and practitioner of a booking, checked. The usual case takes one
 * query; only when something is missing do the separate lookups run, to say what.
 */
async function requireReferences(
  db: Kysely<Database>,
  ids: { patientId: number; specialtyId: number; practitionerId: number },
): Promise<{ specialty: SpecialtyRow; practitioner: PractitionerOffering }> {
  const found = await findBookingReferences(db, ids);
  if (found?.has_patient === 1) {
    const specialty = assertActiveSpecialty(found.specialty);
    return { specialty, practitioner: assertBookable(found.practitioner, specialty) };
  }
  await requirePatient(db, ids.patientId);
  const specialty = await requireActiveSpecialty(db, ids.specialtyId);
  return { specialty, practitioner: await requireBookablePractitioner(db, ids.practitionerId, specialty) };
}

/** The room asked for (null: none), or the practitioner's default room when not asked. */
export async function resolveRoom(db: Kysely<Database>, asked: number | null | undefined, fallback: number | null): Promise<number | null> {
  if (asked === undefined) return fallback;
  if (asked === null) return null;
  const room = await findRoom(db, asked);
  if (!room) throw new AppError('NOT_FOUND', 'There is no such room.', { field: 'roomId' });
  if (room.is_active !== 1) throw fieldError('roomId', `${room.name} is not in use.`);
  return room.id;
}

export function newAppointmentRow(
  req: RequestContext,
  placement: Placement,
  fields: { patientId: number; notes: string; priceCents: number; isWalkIn: boolean; isCombinedVisit: boolean },
): NewBooking {
  return {
    patient_id: fields.patientId,
    practitioner_id: placement.practitioner.id,
    room_id: placement.roomId,
    specialty_id: placement.specialtyId,
    starts_at: placement.startsAt,
    ends_at: placement.endsAt,
    status_changed_at: req.now,
    is_walk_in: fields.isWalkIn ? 1 : 0,
    notes: fields.notes,
    price_cents: fields.priceCents,
    created_by: req.actor.staffId,
    created_at: req.now,
    updated_at: req.now,
    is_combined_visit: fields.isCombinedVisit ? 1 : 0,
  };
}

/**
 * Refuses an appointment just written over another of the patient's (the caller's
 * transaction then writes nothing), or marks it a combined visit when the desk said so.
 * Checked after the write, so that a practitioner or room already taken is the answer first:
 * booking over it as a combined visit would fail anyway.
 */
async function markCombinedVisit(
  db: Kysely<Database>,
  written: AppointmentRow,
  isCombinedVisit: boolean,
): Promise<{ row: AppointmentRow; combinedWith: number | null }> {
  const span = { patientId: written.patient_id, startsAt: written.starts_at, endsAt: written.ends_at, excludeId: written.id };
  const combinedWith = await checkPatientFree(db, span, isCombinedVisit);
  if (combinedWith === null) return { row: written, combinedWith };
  return { row: await updateAppointment(db, written.id, { is_combined_visit: 1 }), combinedWith };
}

/** The audit note of a combined visit: which appointment of the patient's it was booked over. */
function combined(combinedWith: number | null): { combinedVisitWith?: number } {
  return combinedWith === null ? {} : { combinedVisitWith: combinedWith };
}

export function change(env: ScheduleEnv, row: AppointmentRow, ...otherInstants: number[]): AppointmentChange {
  const days = [...new Set([row.starts_at, ...otherInstants].map((instant) => dayOf(env.timeZone, instant)))].sort();
  return { appointment: toAppointment(row), days };
}

// Operations

export async function getAppointment(db: Kysely<Database>, id: number): Promise<Appointment> {
  const row = await findAppointment(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such appointment.', { field: 'id' });
  return toAppointment(row);
}

export async function appointmentsForPatient(db: Kysely<Database>, patientId: number): Promise<Appointment[]> {
  await requirePatient(db, patientId);
  return (await appointmentsOfPatient(db, patientId)).map(toAppointment);
}

/** A method's input as other features may pass it: `combinedVisit` left out means "not a combined visit". */
type BookingInput<M extends 'appointments.book' | 'appointments.bookWalkIn' | 'appointments.reschedule'> = Omit<ParsedInput<M>, 'combinedVisit'> & {
  combinedVisit?: boolean;
};

export async function bookAppointment(db: Kysely<Database>, input: BookingInput<'appointments.book'>, req: RequestContext): Promise<AppointmentChange> {
  const env = scheduleEnvOf(req);
  const { specialty, practitioner } = await requireReferences(db, input);
  const placement: Placement = {
    practitioner,
    specialtyId: specialty.id,
    roomId: await resolveRoom(db, input.roomId, practitioner.default_room_id),
    startsAt: input.startsAt,
    endsAt: input.startsAt + specialty.duration_minutes * MINUTE_MS,
  };
  await checkPlacement(db, env, placement);

  const fields = { patientId: input.patientId, notes: input.notes, priceCents: specialty.price_cents, isWalkIn: false, isCombinedVisit: false };
  const written = await writeOrSlotTaken(db, env, placement, () => insertAppointment(db, newAppointmentRow(req, placement, fields)));
  const { row, combinedWith } = await markCombinedVisit(db, written, input.combinedVisit ?? false);
  req.audit({
    action: 'appointments.book',
    entity: 'appointment',
    entityId: row.id,
    detail: { startsAt: row.starts_at, practitionerId: row.practitioner_id, roomId: row.room_id, ...combined(combinedWith) },
  });
  return change(env, row);
}

/** Who may see a walk-in for a specialty: the practitioner asked for, or everyone active who offers it (by name). */
export async function walkInCandidates(
  db: Kysely<Database>,
  input: { patientId: number; specialtyId: number; practitionerId?: number | undefined },
): Promise<{ specialty: SpecialtyRow; candidates: Array<{ id: number; full_name: string; default_room_id: number | null }> }> {
  await requirePatient(db, input.patientId);
  const specialty = await requireActiveSpecialty(db, input.specialtyId);
  const candidates: Array<{ id: number; full_name: string; default_room_id: number | null }> =
    input.practitionerId === undefined
      ? await bookablePractitioners(db, specialty.id)
      : [await requireBookablePractitioner(db, input.practitionerId, specialty)];
  if (candidates.length === 0) throw fieldError('specialtyId', `Nobody offers ${specialty.name_en} at the moment.`);
  return { specialty, candidates };
}

/**
 * A patient who walked in: starts now (to the next whole minute), off the slot grid, with
 * the practitioner asked for or the first one (by name) who offers the specialty, is
 * working for the whole visit and is free, along with their room.
 */
export async function bookWalkIn(
  db: Kysely<Database>,
  input: ParsedInput<'appointments.bookWalkIn'>,
  req: RequestContext,
): Promise<AppointmentChange & { practitionerName: string }> {
  const env = scheduleEnvOf(req);
  const { specialty, candidates } = await walkInCandidates(db, input);

  const startsAt = Math.ceil(env.now / MINUTE_MS) * MINUTE_MS;
  const endsAt = startsAt + specialty.duration_minutes * MINUTE_MS;
  const combinedWith = await checkPatientFree(db, { patientId: input.patientId, startsAt, endsAt }, input.combinedVisit ?? false);
  let firstBusy: { placement: Placement; clash: Clash } | undefined;
  let firstAway: AppError | undefined;

  for (const practitioner of candidates) {
    const placement: Placement = { practitioner, specialtyId: specialty.id, roomId: practitioner.default_room_id, startsAt, endsAt };
    try {
      await assertWorking(db, env, placement);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'OUTSIDE_WORKING_HOURS') throw error;
      firstAway ??= error;
      continue;
    }
    const clash = await findClash(db, placement);
    if (clash) {
      firstBusy ??= { placement, clash };
      continue;
    }
    const fields = {
      patientId: input.patientId,
      notes: input.notes,
      priceCents: specialty.price_cents,
      isWalkIn: true,
      isCombinedVisit: combinedWith !== null,
    };
    const row = await writeOrSlotTaken(db, env, placement, () => insertAppointment(db, newAppointmentRow(req, placement, fields)));
    req.audit({
      action: 'appointments.bookWalkIn',
      entity: 'appointment',
      entityId: row.id,
      detail: { startsAt, practitionerId: practitioner.id, roomId: row.room_id, ...combined(combinedWith) },
    });
    return { ...change(env, row), practitionerName: practitioner.full_name };
  }

  if (firstBusy) {
    // Nobody named: everyone's free times (undefined here would mean the first one's only).
    throw await slotTakenError(db, env, firstBusy.placement, firstBusy.clash, input.practitionerId ?? null);
  }
  throw new AppError(
    'OUTSIDE_WORKING_HOURS',
    candidates.length === 1 && firstAway ? firstAway.message : `Nobody who offers ${specialty.name_en} is working now.`,
    { nextFree: await nextFree(db, env, specialty.id, input.practitionerId, startsAt) },
  );
}

export function assertStatus(row: AppointmentRow, allowed: readonly AppointmentStatus[], action: string): void {
  if (!allowed.includes(row.status)) {
    throw new AppError('INVALID_TRANSITION', `An appointment that is ${row.status.replace('_', ' ')} cannot be ${action}.`, {
      status: row.status,
    });
  }
}

export async function requireAppointment(db: Kysely<Database>, id: number): Promise<AppointmentRow> {
  const row = await findAppointment(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such appointment.', { field: 'id' });
  return row;
}

/** Moves a booked appointment; it keeps its length, price and (unless the practitioner changes) its room. */
export async function rescheduleAppointment(
  db: Kysely<Database>,
  input: BookingInput<'appointments.reschedule'>,
  req: RequestContext,
): Promise<AppointmentChange> {
  const env = scheduleEnvOf(req);
  const current = await requireAppointment(db, input.id);
  assertStatus(current, ['booked'], 'rescheduled');
  const specialty = await findSpecialty(db, current.specialty_id);
  if (!specialty) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyId' });
  const practitioner = await requireBookablePractitioner(db, input.practitionerId ?? current.practitioner_id, specialty);
  const keepsPractitioner = practitioner.id === current.practitioner_id;
  const placement: Placement = {
    practitioner,
    specialtyId: specialty.id,
    roomId: await resolveRoom(db, input.roomId, keepsPractitioner ? current.room_id : practitioner.default_room_id),
    startsAt: input.startsAt,
    endsAt: input.startsAt + (current.ends_at - current.starts_at),
    excludeId: current.id,
  };
  await checkPlacement(db, env, placement);
  const written = await writeOrSlotTaken(db, env, placement, () =>
    updateAppointment(db, current.id, {
      practitioner_id: practitioner.id,
      room_id: placement.roomId,
      starts_at: placement.startsAt,
      ends_at: placement.endsAt,
      status_changed_at: env.now,
      updated_at: env.now,
      is_combined_visit: 0,
    }),
  );
  const { row, combinedWith } = await markCombinedVisit(db, written, input.combinedVisit ?? false);
  req.audit({
    action: 'appointments.reschedule',
    entity: 'appointment',
    entityId: row.id,
    detail: {
      from: { startsAt: current.starts_at, practitionerId: current.practitioner_id, roomId: current.room_id },
      to: { startsAt: row.starts_at, practitionerId: row.practitioner_id, roomId: row.room_id },
      ...combined(combinedWith),
    },
  });
  return change(env, row, current.starts_at);
}

export async function cancelAppointment(db: Kysely<Database>, input: ParsedInput<'appointments.cancel'>, req: RequestContext): Promise<AppointmentChange> {
  const env = scheduleEnvOf(req);
  const current = await requireAppointment(db, input.id);
  assertStatus(current, ['booked', 'checked_in'], 'cancelled');
  const row = await updateAppointment(db, current.id, {
    status: 'cancelled',
    cancel_reason: input.reason,
    status_changed_at: env.now,
    updated_at: env.now,
  });
  req.audit({ action: 'appointments.cancel', entity: 'appointment', entityId: row.id, detail: { from: current.status, reason: input.reason } });
  return change(env, row);
}

export async function markNoShow(db: Kysely<Database>, id: number, req: RequestContext): Promise<AppointmentChange> {
  const env = scheduleEnvOf(req);
  const current = await requireAppointment(db, id);
  assertStatus(current, ['booked'], 'marked as a no-show');
  const row = await updateAppointment(db, current.id, { status: 'no_show', status_changed_at: env.now, updated_at: env.now });
  req.audit({ action: 'appointments.markNoShow', entity: 'appointment', entityId: row.id, detail: { from: current.status } });
  return change(env, row);
}
