import { z } from 'zod';
import { DESK, method } from '../contract/method';
import { id } from '../contract/common';
import { ticketCode } from './tickets';

/** What check-in (desk, walk-in or kiosk) hands back: the ticket and the honest estimate. */
export const checkInResult = z.strictObject({
  appointmentId: id,
  ticket: ticketCode,
  roomName: z.string().nullable(),
  practitionerName: z.string(),
  estimatedWaitMinutes: z.number().int(),
  expectedStartAt: z.number(),
});
export type CheckInResult = z.infer<typeof checkInResult>;

export const checkinContract = {
  /** Checks in a booked appointment of today: stamps the arrival and issues the day's next ticket for its specialty. */
  'checkin.checkIn': method({
    input: z.strictObject({ appointmentId: id }),
    output: checkInResult,
    errors: ['NOT_FOUND', 'SLOT_TAKEN', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['checkin.checkIn'],
  }),
  /**
   * A walk-in joins a queue at once, however busy: the practitioner asked for, or whoever
   * offers the specialty and would see them soonest (named in the answer), with the
   * estimated wait. They hold no slot until called. OUTSIDE_WORKING_HOURS when nobody
   * works then.
   */
  'checkin.walkIn': method({
    input: z.strictObject({ patientId: id, specialtyId: id, practitionerId: id.optional() }),
    output: checkInResult,
    errors: ['NOT_FOUND', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['appointments.bookWalkIn', 'checkin.walkIn'],
  }),
} as const;
