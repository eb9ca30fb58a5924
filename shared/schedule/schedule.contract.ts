import { z } from 'zod';
import { DESK, STAFF, method } from '../contract/method';
import { id, isoDay } from '../contract/common';

/** A free time a practitioner (and room) can be booked at. */
export const slot = z.strictObject({
  practitionerId: id,
  roomId: id.nullable(),
  startsAt: z.number(),
  endsAt: z.number(),
});
export type Slot = z.infer<typeof slot>;

export const scheduleProblem = z.enum(['clinic_closed', 'time_off', 'outside_hours']);

/** A slot offered to move a stranded appointment to, with whose it is. */
export const suggestedSlot = slot.extend({ practitionerName: z.string() });

/**
 * An appointment still to be seen that its practitioner's time off or working hours no
 * longer cover, or on a day the clinic has since closed (a holiday), with what the desk needs to settle it: the patient's phone and language
 * (to call them), and the next free slot with the same practitioner and with another one
 * who offers the specialty (null when there is none in the next two weeks).
 */
export const unsettledAppointment = z.strictObject({
  appointmentId: id,
  practitionerId: id,
  practitionerName: z.string(),
  specialtyId: id,
  specialtyNameEn: z.string(),
  specialtyNamePt: z.string(),
  patientId: id,
  patientName: z.string(),
  patientPhone: z.string(),
  patientLanguage: z.enum(['en', 'pt']),
  startsAt: z.number(),
  endsAt: z.number(),
  status: z.enum(['booked', 'checked_in']),
  problem: scheduleProblem,
  nextFreeSame: suggestedSlot.nullable(),
  nextFreeOther: suggestedSlot.nullable(),
});
export type UnsettledAppointment = z.infer<typeof unsettledAppointment>;

export const scheduleContract = {
  /**
   * Free slots from working hours minus bookings and time off, in the clinic's time zone,
   * for every practitioner who offers the specialty (or just the one asked for).
   */
  'schedule.freeSlots': method({
    input: z.strictObject({
      specialtyId: id,
      practitionerId: id.optional(),
      day: isoDay,
      days: z.number().int().min(1).max(14).default(1),
    }),
    output: z.strictObject({ slots: z.array(slot) }),
    errors: ['NOT_FOUND'],
    access: STAFF,
  }),
  /**
   * Appointments from now on left inside their practitioner's time off or outside their
   * working hours, not deliberately kept: what adding time off or shortening hours touched.
   */
  'schedule.unsettled': method({
    input: z.strictObject({ practitionerId: id.optional() }),
    output: z.strictObject({ appointments: z.array(unsettledAppointment) }),
    errors: ['NOT_FOUND'],
    access: DESK,
  }),
  /** Keeps an appointment where it is although its practitioner's time no longer covers it: its flag goes. */
  'schedule.keep': method({
    input: z.strictObject({ appointmentId: id }),
    output: z.strictObject({ ok: z.literal(true) }),
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['schedule.keep'],
  }),
} as const;
