import { z } from 'zod';
import { method } from '../contract/method';
import { isoDay, locale } from '../contract/common';
import { ticketCode } from '../checkin/tickets';

/**
 * Self check-in without a camera. The kiosk never reveals another patient's name or any
 * detail to someone who has not matched, nor whether the details belong to a patient at
 * all: every answer that is not a ticket is the one `seeDesk`.
 */
export const kioskCheckInInput = z.union([
  z.strictObject({
    dateOfBirth: isoDay,
    phoneLast4: z.string().regex(/^\d{4}$/, 'the last four digits of the phone'),
  }),
  z.strictObject({
    appointmentCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{6}$/, 'six letters or digits'),
  }),
]);

export const kioskCheckInResult = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('checkedIn'),
    /** Preferred name, or first name: never the full name. */
    greetingName: z.string(),
    /** The name as the waiting-room privacy setting allows (initials, first name and initial, or ''), for the printed ticket. */
    ticketName: z.string(),
    ticket: ticketCode,
    roomName: z.string().nullable(),
    practitionerName: z.string(),
    estimatedWaitMinutes: z.number().int(),
    startsAt: z.number(),
    language: locale,
  }),
  /** Already checked in today: the same ticket again, so a second tap is harmless. */
  z.strictObject({
    outcome: z.literal('alreadyCheckedIn'),
    greetingName: z.string(),
    ticketName: z.string(),
    ticket: ticketCode,
    roomName: z.string().nullable(),
    estimatedWaitMinutes: z.number().int(),
    startsAt: z.number(),
    language: locale,
  }),
  /**
   * No ticket, whatever the reason (nobody matched, nothing today, too early or too late,
   * twins on one phone): the same answer, after the same time, so that nobody learns from
   * the kiosk whether someone is a patient here or when they are due.
   */
  z.strictObject({ outcome: z.literal('seeDesk') }),
]);
export type KioskCheckInResult = z.infer<typeof kioskCheckInResult>;

export const kioskContract = {
  /**
   * Limited per kiosk and per identity tried (birth date and phone digits, or code), with
   * waits that grow rather than a lock: RATE_LIMITED with details.retryAfterSeconds, which
   * depends only on the tries, never on whether the details belong to anyone. Every answer
   * but a ticket (and a refusal to try) is padded to the same minimum time; the check-in
   * has a transaction of its own, so that the pause holds up no one else. The desk sees a
   * waiting kiosk in `devices.list` (throttledUntil) and may clear it (`devices.clearThrottle`).
   */
  'kiosk.checkIn': method({
    input: kioskCheckInInput,
    output: kioskCheckInResult,
    errors: ['RATE_LIMITED'],
    access: ['kiosk', 'admin', 'receptionist'],
    audits: ['kiosk.checkIn'],
  }),
  /** What the start screen shows: the clinic's name and language; and whether this kiosk prints tickets. */
  'kiosk.info': method({
    input: z.strictObject({}),
    output: z.strictObject({ clinicName: z.string(), locale, timeZone: z.string(), hasPrinter: z.boolean() }),
    access: ['kiosk', 'admin', 'receptionist'],
  }),
} as const;
