import { z } from 'zod';
import { method } from '../contract/method';
import { isoDay, locale } from '../contract/common';

/**
 * How much of a patient the waiting-room screen may show. Nothing else about a patient
 * reaches the display, not even in its network traffic: names are reduced in the main
 * process before they leave it.
 */
export const displayPrivacy = z.enum(['ticketOnly', 'initials', 'firstNameLastInitial']);
export type DisplayPrivacy = z.infer<typeof displayPrivacy>;

export const displayCall = z.strictObject({
  /** Changes on every call and recall, so the screen knows to announce again. */
  callId: z.string(),
  ticket: z.string(),
  /** Already reduced to what the privacy setting allows; empty in ticket-only mode. */
  displayName: z.string(),
  roomName: z.string(),
  calledAt: z.number(),
  /** Language of the spoken announcement: the clinic's or the patient's, as configured. */
  language: locale,
});
export type DisplayCall = z.infer<typeof displayCall>;

export const displayWaiting = z.strictObject({
  ticket: z.string(),
  displayName: z.string(),
  estimatedWaitMinutes: z.number().int(),
});

/** Everything the waiting-room screen shows: pushed whole on every change. */
export const displayState = z.strictObject({
  clinicName: z.string(),
  locale,
  timeZone: z.string(),
  day: isoDay,
  privacy: displayPrivacy,
  generatedAt: z.number(),
  current: displayCall.nullable(),
  recentCalls: z.array(displayCall).max(10),
  waiting: z.array(displayWaiting).max(100),
});
export type DisplayState = z.infer<typeof displayState>;

export const displayContract = {
  'display.state': method({ input: z.strictObject({}), output: displayState, access: ['display', 'admin', 'receptionist', 'doctor'] }),
} as const;
