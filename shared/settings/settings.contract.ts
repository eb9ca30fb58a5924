import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { empty, locale, requiredText, timeZone } from '../contract/common';

export const clinicSettings = z.strictObject({
  clinicName: z.string(),
  timeZone: z.string(),
  locale,
  currency: z.string(),
  idleLockMinutes: z.number().int(),
  slotStepMinutes: z.number().int(),
  isDemo: z.boolean(),
});
export type ClinicSettings = z.infer<typeof clinicSettings>;

export const settingsContract = {
  'settings.get': method({ input: empty, output: clinicSettings, access: STAFF }),
  'settings.update': method({
    input: z.strictObject({
      clinicName: requiredText(120).optional(),
      timeZone: timeZone.optional(),
      locale: locale.optional(),
      currency: z.string().regex(/^[A-Z]{3}$/).optional(),
      idleLockMinutes: z.number().int().min(1).max(480).optional(),
      slotStepMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]).optional(),
    }),
    output: clinicSettings,
    access: ADMIN,
    writes: true,
  }),
} as const;
