import { z } from 'zod';
import { ADMIN, method, roles } from '../contract/method';
import { empty, id, locale, requiredText } from '../contract/common';

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

export const staffContract = {
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
    errors: ['NOT_FOUND', 'ALREADY_EXISTS'],
    access: ADMIN,
    writes: true,
    audits: ['staff.create'],
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
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['staff.update'],
  }),
} as const;
