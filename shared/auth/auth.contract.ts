import { z } from 'zod';
import { STAFF, method } from '../contract/method';
import { empty, locale, ok, requiredText } from '../contract/common';
import { newPassword, role, staffView } from '../staff/staff.contract';

export const authContract = {
  /** What the sign-in screen needs before anybody has signed in. */
  'auth.status': method({
    input: empty,
    output: z.strictObject({
      isSetUp: z.boolean(),
      isDemo: z.boolean(),
      clinicName: z.string(),
      locale,
      idleLockMinutes: z.number().int(),
      /** Only in demo mode: the accounts printed on the sign-in screen. */
      demoAccounts: z.array(z.strictObject({ username: z.string(), password: z.string(), role })),
      /** The signed-in member of staff, also while their session is locked. */
      staff: staffView.nullable(),
      /** Locked by inactivity: only `auth.unlock` or `auth.signOut` will work. */
      isLocked: z.boolean(),
    }),
    access: 'public',
  }),
  'auth.signIn': method({
    input: z.strictObject({ username: z.string().trim().min(1).max(40), password: z.string().min(1).max(200) }),
    output: z.strictObject({ staff: staffView }),
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
    access: 'public',
    audits: ['auth.signIn', 'auth.signIn.failed'],
  }),
  'auth.signOut': method({ input: empty, output: ok, access: 'public' }),
  /** Unlocks after the idle lock: the signed-in user proves it is still them. */
  'auth.unlock': method({
    input: z.strictObject({ password: z.string().min(1).max(200) }),
    output: ok,
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
    access: STAFF,
  }),
  'auth.updateMe': method({
    input: z.strictObject({ locale: locale.optional(), displayName: requiredText(80).optional() }),
    output: staffView,
    access: STAFF,
    writes: true,
  }),
  'auth.changePassword': method({
    input: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword }),
    output: ok,
    errors: ['INVALID_CREDENTIALS'],
    access: STAFF,
    writes: true,
    audits: ['auth.changePassword'],
  }),
} as const;
