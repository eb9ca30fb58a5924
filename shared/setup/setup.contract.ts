import { z } from 'zod';
import { method } from '../contract/method';
import { locale, ok, requiredText, timeZone } from '../contract/common';
import { newPassword, username } from '../staff/staff.contract';

export const setupContract = {
  /** First run: fill an empty database with the demo clinic. */
  'setup.startDemo': method({
    input: z.strictObject({ locale: locale.optional() }),
    output: ok,
    errors: ['ALREADY_SET_UP'],
    access: 'public',
    writes: true,
  }),
  /** First run: an empty clinic with its first admin account. */
  'setup.createClinic': method({
    input: z.strictObject({
      clinicName: requiredText(120),
      timeZone,
      locale,
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .default('EUR'),
      admin: z.strictObject({ username, displayName: requiredText(80), password: newPassword }),
    }),
    output: ok,
    errors: ['ALREADY_SET_UP'],
    access: 'public',
    writes: true,
  }),
} as const;
