import { z } from 'zod';
import { STAFF, method } from '../contract/method';
import { id, isoDay } from '../contract/common';

/** A free time a practitioner (and room) can be booked at. */
export const slot = z.strictObject({
  practitionerId: id,
  roomId: id.nullable(),
  startsAt: z.number(),
  endsAt: z.number(),
});
export type Slot = z.infer<typeof slot>;

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
} as const;
