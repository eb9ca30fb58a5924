import { z } from 'zod';
import { DESK, STAFF, method } from '../contract/method';
import { id, instant, text } from '../contract/common';
import { slot } from '../schedule/schedule.contract';

export const appointmentStatuses = ['booked', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'left_unseen', 'cancelled'] as const;
export const appointmentStatus = z.enum(appointmentStatuses);
export type AppointmentStatus = z.infer<typeof appointmentStatus>;

/** Statuses that hold their slot. A cancelled or no-show appointment frees it; one left unseen keeps it, like a done one. */
export const activeStatuses: readonly AppointmentStatus[] = ['booked', 'checked_in', 'called', 'in_consultation', 'done', 'left_unseen'];

export const appointment = z.strictObject({
  id,
  patientId: id,
  practitionerId: id,
  roomId: id.nullable(),
  specialtyId: id,
  startsAt: z.number(),
  endsAt: z.number(),
  status: appointmentStatus,
  statusChangedAt: z.number(),
  isWalkIn: z.boolean(),
  cancelReason: z.string(),
  notes: z.string(),
  priceCents: z.number().int(),
  /** Six characters the patient may type at the kiosk instead of birth date and phone. */
  code: z.string(),
  /** The series (course of sessions) it belongs to, and its number there; null: none. */
  seriesId: z.string().nullable(),
  seriesIndex: z.number().int().nullable(),
});
export type Appointment = z.infer<typeof appointment>;

/** Details of a SLOT_TAKEN error: what is in the way and what is free instead. */
export const slotTakenDetails = z.strictObject({
  clash: z.strictObject({
    kind: z.enum(['practitioner', 'room']),
    appointmentId: id,
    startsAt: z.number(),
    endsAt: z.number(),
  }),
  nextFree: z.array(slot),
});
export type SlotTakenDetails = z.infer<typeof slotTakenDetails>;

/** Details of a PATIENT_ALREADY_BOOKED error: the patient's appointment at that time. */
export const patientClashDetails = z.strictObject({
  clash: z.strictObject({
    appointmentId: id,
    startsAt: z.number(),
    endsAt: z.number(),
    practitionerId: id,
    practitionerName: z.string(),
  }),
});
export type PatientClashDetails = z.infer<typeof patientClashDetails>;

/** Set when the desk means the patient to be seen by two practitioners at once. */
const combinedVisit = z.boolean().default(false);

export const appointmentsContract = {
  /** A doctor reads only their own patients' appointments (FORBIDDEN, details.reason NOT_YOUR_PATIENT). */
  'appointments.get': method({ input: z.strictObject({ id }), output: appointment, errors: ['NOT_FOUND'], access: STAFF }),
  /**
   * Refused with SLOT_TAKEN (details: SlotTakenDetails) when the practitioner or the room is busy,
   * and with PATIENT_ALREADY_BOOKED (details: PatientClashDetails) when the patient has another
   * appointment at that time, unless `combinedVisit` says it is meant so.
   */
  'appointments.book': method({
    input: z.strictObject({
      patientId: id,
      specialtyId: id,
      practitionerId: id,
      startsAt: instant,
      roomId: id.nullable().optional(),
      notes: text(1000).default(''),
      combinedVisit,
    }),
    output: appointment,
    errors: ['NOT_FOUND', 'SLOT_TAKEN', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'IN_THE_PAST', 'PATIENT_ALREADY_BOOKED'],
    access: DESK,
    writes: true,
    audits: ['appointments.book'],
  }),
  /**
   * A patient who walked in, booked from now: the practitioner asked for, or the first (by
   * name) free right now, named in the answer. To wait for whoever is busy, use checkin.walkIn.
   */
  'appointments.bookWalkIn': method({
    input: z.strictObject({ patientId: id, specialtyId: id, practitionerId: id.optional(), notes: text(1000).default(''), combinedVisit }),
    output: appointment.extend({ practitionerName: z.string() }),
    errors: ['NOT_FOUND', 'SLOT_TAKEN', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'PATIENT_ALREADY_BOOKED'],
    access: DESK,
    writes: true,
    audits: ['appointments.bookWalkIn'],
  }),
  /** Refused as `appointments.book` is when the new time overlaps another of the patient's appointments. */
  'appointments.reschedule': method({
    input: z.strictObject({ id, startsAt: instant, practitionerId: id.optional(), roomId: id.nullable().optional(), combinedVisit }),
    output: appointment,
    errors: ['NOT_FOUND', 'SLOT_TAKEN', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'IN_THE_PAST', 'INVALID_TRANSITION', 'PATIENT_ALREADY_BOOKED'],
    access: DESK,
    writes: true,
    audits: ['appointments.reschedule'],
  }),
  'appointments.cancel': method({
    input: z.strictObject({ id, reason: z.string().trim().min(1).max(300) }),
    output: appointment,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['appointments.cancel'],
  }),
  'appointments.markNoShow': method({
    input: z.strictObject({ id }),
    output: appointment,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['appointments.markNoShow'],
  }),
  /** A patient's appointments: part of their record, so audited; a doctor reads only their own patients'. */
  'appointments.listForPatient': method({
    input: z.strictObject({ patientId: id }),
    output: z.array(appointment),
    errors: ['NOT_FOUND'],
    access: STAFF,
    audits: ['patients.read'],
  }),
} as const;
