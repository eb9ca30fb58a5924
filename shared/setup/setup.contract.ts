import { z } from 'zod';
import { method } from '../contract/method';
import { locale, ok, requiredText, timeZone } from '../contract/common';
import { newPassword, username } from '../staff/staff.contract';
import { isSecureServiceUrl, SERVICE_URL_HINT } from '../settings/service-url';
import { normaliseJoinCode } from '../sync/join-code';

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
  /**
   * First run: join the clinic another desk syncs with, with a one-time code from that desk's
   * Settings (or the cloud's console). Answers once the clinic is downloaded: its practice,
   * patients and appointments are here, and the desk is set up. A refused code, an unreachable
   * cloud or an address that is not HTTPS write nothing (CLOUD_UNAVAILABLE with
   * details.joined: the code was used but the download failed; call again to finish).
   */
  'setup.joinClinic': method({
    input: z.strictObject({
      cloudUrl: z.string().trim().min(1).max(300).refine(isSecureServiceUrl, SERVICE_URL_HINT),
      code: z
        .string()
        .trim()
        .max(40)
        .refine((value) => normaliseJoinCode(value) !== null, 'ten letters and digits, as XXXXX-XXXXX'),
    }),
    output: ok,
    errors: ['ALREADY_SET_UP', 'JOIN_CODE_INVALID', 'CLOUD_UNAVAILABLE', 'RATE_LIMITED', 'SECURE_STORAGE_UNAVAILABLE'],
    access: 'public',
  }),
} as const;
