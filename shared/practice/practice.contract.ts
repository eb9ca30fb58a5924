import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { clockTime, id, instant, requiredText, text } from '../contract/common';

export const specialty = z.strictObject({
  id,
  nameEn: z.string(),
  namePt: z.string(),
  durationMinutes: z.number().int(),
  priceCents: z.number().int(),
  ticketPrefix: z.string(),
  isActive: z.boolean(),
});
export type Specialty = z.infer<typeof specialty>;

export const room = z.strictObject({ id, name: z.string(), isActive: z.boolean() });
export type Room = z.infer<typeof room>;

export const practitioner = z.strictObject({
  id,
  fullName: z.string(),
  specialtyIds: z.array(id),
  defaultRoomId: id.nullable(),
  descriptionEn: z.string(),
  descriptionPt: z.string(),
  color: z.string(),
  isActive: z.boolean(),
});
export type Practitioner = z.infer<typeof practitioner>;

/** ISO weekday: 1 = Monday … 7 = Sunday. Times are wall-clock in the clinic's time zone. */
export const workingInterval = z.strictObject({
  weekday: z.number().int().min(1).max(7),
  start: clockTime,
  end: clockTime,
});
export type WorkingInterval = z.infer<typeof workingInterval>;

export const timeOff = z.strictObject({ id, practitionerId: id, startsAt: instant, endsAt: instant, reason: z.string() });
export type TimeOff = z.infer<typeof timeOff>;

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected #RRGGBB');

export const practiceContract = {
  'specialties.list': method({ input: z.strictObject({}), output: z.array(specialty), access: STAFF }),
  'specialties.save': method({
    input: z.strictObject({
      id: id.optional(),
      nameEn: requiredText(80),
      namePt: requiredText(80),
      durationMinutes: z.number().int().min(5).max(480),
      priceCents: z.number().int().min(0).max(10_000_000),
      ticketPrefix: z.string().regex(/^[A-Z]{1,2}$/, 'one or two capital letters'),
      isActive: z.boolean().default(true),
    }),
    output: specialty,
    /** TICKET_PREFIX_TAKEN: another active specialty hands out tickets with that prefix. */
    errors: ['NOT_FOUND', 'TICKET_PREFIX_TAKEN'],
    access: ADMIN,
    writes: true,
    audits: ['specialties.save'],
  }),
  'rooms.list': method({ input: z.strictObject({}), output: z.array(room), access: STAFF }),
  'rooms.save': method({
    input: z.strictObject({ id: id.optional(), name: requiredText(40), isActive: z.boolean().default(true) }),
    output: room,
    errors: ['NOT_FOUND', 'ALREADY_EXISTS'],
    access: ADMIN,
    writes: true,
    audits: ['rooms.save'],
  }),
  'practitioners.list': method({ input: z.strictObject({}), output: z.array(practitioner), access: STAFF }),
  'practitioners.save': method({
    input: z.strictObject({
      id: id.optional(),
      fullName: requiredText(120),
      specialtyIds: z.array(id).max(50),
      defaultRoomId: id.nullable(),
      descriptionEn: text(1000).default(''),
      descriptionPt: text(1000).default(''),
      color: color.default('#3b82f6'),
      isActive: z.boolean().default(true),
    }),
    output: practitioner,
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['practitioners.save'],
  }),
  'workingHours.get': method({
    input: z.strictObject({ practitionerId: id }),
    output: z.strictObject({ practitionerId: id, intervals: z.array(workingInterval) }),
    errors: ['NOT_FOUND'],
    access: STAFF,
  }),
  /** Replaces the practitioner's whole week; intervals of one day may not overlap. */
  'workingHours.set': method({
    input: z.strictObject({ practitionerId: id, intervals: z.array(workingInterval).max(7 * 12) }),
    output: z.strictObject({ practitionerId: id, intervals: z.array(workingInterval) }),
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['workingHours.set'],
  }),
  'timeOff.list': method({
    input: z.strictObject({ practitionerId: id.optional(), from: instant.optional(), to: instant.optional() }),
    output: z.array(timeOff),
    access: STAFF,
  }),
  'timeOff.add': method({
    input: z.strictObject({ practitionerId: id, startsAt: instant, endsAt: instant, reason: text(200).default('') }),
    output: timeOff,
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['timeOff.add'],
  }),
  'timeOff.remove': method({
    input: z.strictObject({ id }),
    output: z.strictObject({ ok: z.literal(true) }),
    errors: ['NOT_FOUND'],
    access: ADMIN,
    writes: true,
    audits: ['timeOff.remove'],
  }),
} as const;
