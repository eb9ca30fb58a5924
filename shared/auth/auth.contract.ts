import { z } from 'zod';
import { ADMIN, STAFF, method, roles } from '../contract/method';
import { empty, id, locale, ok, requiredText, timeZone } from '../contract/common';

export const role = z.enum(roles);

export const username = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

/** Long enough to resist guessing at the desk; the demo accounts are the only exception. */
export const newPassword = z.string().min(8).max(200);

export const staffView = z.strictObject({
  id,
  username: z.string(),
  displayName: z.string(),
  role,
  practitionerId: id.nullable(),
  locale,
  isActive: z.boolean(),
});
export type StaffView = z.infer<typeof staffView>;

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
    access: 'public',
  }),
  'auth.signOut': method({ input: empty, output: ok, access: 'public' }),
  /** Unlocks after the idle lock: the signed-in user proves it is still them. */
  'auth.unlock': method({
    input: z.strictObject({ password: z.string().min(1).max(200) }),
    output: ok,
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
    access: STAFF,
    writes: true,
  }),

  /** First run: fill an empty database with the demo clinic. */
  'setup.startDemo': method({
    input: z.strictObject({ locale: locale.optional() }),
    output: ok,
    access: 'public',
    writes: true,
  }),
  /** First run: an empty clinic with its first admin account. */
  'setup.createClinic': method({
    input: z.strictObject({
      clinicName: requiredText(120),
      timeZone,
      locale,
      currency: z.string().regex(/^[A-Z]{3}$/).default('EUR'),
      admin: z.strictObject({ username, displayName: requiredText(80), password: newPassword }),
    }),
    output: ok,
    access: 'public',
    writes: true,
  }),

  'staff.list': method({ input: empty, output: z.array(staffView), access: ADMIN }),
  'staff.create': method({
    input: z.strictObject({
      username,
      displayName: requiredText(80),
      role,
      password: newPassword,
      practitionerId: id.nullable().default(null),
      locale: locale.default('en'),
    }),
    output: staffView,
    access: ADMIN,
    writes: true,
  }),
  'staff.update': method({
    input: z.strictObject({
      id,
      displayName: requiredText(80).optional(),
      role: role.optional(),
      practitionerId: id.nullable().optional(),
      isActive: z.boolean().optional(),
      password: newPassword.optional(),
    }),
    output: staffView,
    access: ADMIN,
    writes: true,
  }),
} as const;

