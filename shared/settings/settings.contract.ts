import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { empty, locale, requiredText, timeZone } from '../contract/common';
import { displayPrivacy } from '../display/display.contract';

export const clinicSettings = z.strictObject({
  clinicName: z.string(),
  timeZone: z.string(),
  locale,
  currency: z.string(),
  idleLockMinutes: z.number().int(),
  slotStepMinutes: z.number().int(),
  isDemo: z.boolean(),
  /** Queue rules: minutes after the start that still count as on time. */
  graceMinutes: z.number().int(),
  /** Minutes after the start with no check-in before an appointment becomes a no-show. */
  noShowAfterMinutes: z.number().int(),
  /** The kiosk finds today's appointment from this long before its start… */
  kioskEarlyMinutes: z.number().int(),
  /** …to this long after it. */
  kioskLateMinutes: z.number().int(),
  displayPrivacy,
  /** Speak calls in the clinic's language, or in each patient's preferred language. */
  announcementLanguage: z.enum(['clinic', 'patient']),
  /** In the desktop app: open the waiting-room display full screen on a second screen when there is one. */
  displayOnSecondScreen: z.boolean(),
});
export type ClinicSettings = z.infer<typeof clinicSettings>;

export const settingsContract = {
  'settings.get': method({ input: empty, output: clinicSettings, access: STAFF }),
  'settings.update': method({
    input: z.strictObject({
      clinicName: requiredText(120).optional(),
      timeZone: timeZone.optional(),
      locale: locale.optional(),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      idleLockMinutes: z.number().int().min(1).max(480).optional(),
      slotStepMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]).optional(),
      graceMinutes: z.number().int().min(0).max(60).optional(),
      noShowAfterMinutes: z.number().int().min(5).max(240).optional(),
      kioskEarlyMinutes: z.number().int().min(0).max(240).optional(),
      kioskLateMinutes: z.number().int().min(0).max(120).optional(),
      displayPrivacy: displayPrivacy.optional(),
      announcementLanguage: z.enum(['clinic', 'patient']).optional(),
      displayOnSecondScreen: z.boolean().optional(),
    }),
    output: clinicSettings,
    access: ADMIN,
    writes: true,
  }),
} as const;
