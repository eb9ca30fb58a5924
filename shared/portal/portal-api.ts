import { z } from 'zod';
import { isoDay } from '../contract/common';
import { uid } from '../sync/cloud-api';

/**
 * The patient portal's questions to the clinic cloud (issue 14), beside the sync API: what
 * a patient may book. Free times are computed in the cloud with the desk's own code
 * (shared/schedule/slots.ts) from what the desks synced: hours, time off, bookings, holidays.
 */

export const FREE_TIMES_MAX_DAYS = 31;

export const freeTimesQuery = z.strictObject({
  specialtyUid: uid,
  /** One practitioner, or everyone who offers the specialty. */
  practitionerUid: uid.optional(),
  /** The first day, on the clinic's calendar. */
  fromDay: isoDay,
  days: z.coerce.number().int().min(1).max(FREE_TIMES_MAX_DAYS).default(7),
});
export type FreeTimesQuery = z.infer<typeof freeTimesQuery>;

export const freeTime = z.strictObject({
  practitionerUid: uid,
  roomUid: uid.nullable(),
  startsAt: z.number().int(),
  endsAt: z.number().int(),
});
export type FreeTime = z.infer<typeof freeTime>;

export const freeTimesResponse = z.strictObject({
  /** The clinic's time zone: the days asked for are its days. */
  timeZone: z.string(),
  /** No time starts before this instant (now and the clinic's minimum notice). */
  bookableFrom: z.number().int(),
  /** The last day the clinic takes online bookings for, as far ahead as it allows. */
  bookableUntilDay: isoDay,
  /** By start, then practitioner. */
  slots: z.array(freeTime),
});
export type FreeTimesResponse = z.infer<typeof freeTimesResponse>;
