import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { id, isoDay, requiredText } from '../contract/common';

/** A day the whole clinic is closed: no bookings, no free times. `isNational`: it came from Portugal's list. */
export const holiday = z.strictObject({ id, day: isoDay, nameEn: z.string(), namePt: z.string(), isNational: z.boolean() });
export type Holiday = z.infer<typeof holiday>;

/** An appointment still to be seen on a day that was just closed: for the desk to move or cancel. */
export const appointmentOnHoliday = z.strictObject({
  appointmentId: id,
  patientId: id,
  patientName: z.string(),
  practitionerId: id,
  startsAt: z.number(),
  endsAt: z.number(),
});
export type AppointmentOnHoliday = z.infer<typeof appointmentOnHoliday>;

const year = z.number().int().min(2000).max(2200);
const names = { nameEn: requiredText(120), namePt: requiredText(120) };

export const holidaysContract = {
  /** The clinic's holidays of one year, by day. */
  'holidays.list': method({ input: z.strictObject({ year }), output: z.array(holiday), access: STAFF }),
  /**
   * Adds Portugal's national holidays of a year that are not on the list yet. A day already
   * there (edited, or a holiday of the clinic's own) is left as it is; run twice, it adds nothing.
   */
  'holidays.prefillNational': method({
    input: z.strictObject({ year }),
    output: z.strictObject({ added: z.array(holiday), appointments: z.array(appointmentOnHoliday) }),
    access: ADMIN,
    writes: true,
    audits: ['holidays.prefillNational'],
  }),
  /**
   * Closes the clinic on a day. Appointments already booked that day stay, and are returned
   * to be moved or cancelled. ALREADY_EXISTS: that day is a holiday already.
   */
  'holidays.add': method({
    input: z.strictObject({ day: isoDay, ...names }),
    output: z.strictObject({ holiday, appointments: z.array(appointmentOnHoliday) }),
    errors: ['ALREADY_EXISTS'],
    access: ADMIN,
    writes: true,
    audits: ['holidays.add'],
  }),
  /** Renames a holiday or moves it to another day (ALREADY_EXISTS: that day is a holiday already). */
  'holidays.update': method({
    input: z.strictObject({ id, day: isoDay, ...names }),
    output: z.strictObject({ holiday, appointments: z.array(appointmentOnHoliday) }),
    errors: ['NOT_FOUND', 'ALREADY_EXISTS'],
    access: ADMIN,
    writes: true,
    audits: ['holidays.update'],
  }),
  /** Opens the clinic again on that day. */
  'holidays.remove': method({
    input: z.strictObject({ id }),
    output: z.strictObject({ ok: z.literal(true) }),
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['holidays.remove'],
  }),
} as const;
