import { z } from 'zod';
import { DESK, STAFF, method } from '../contract/method';
import { id, isoDay, locale, requiredText, text } from '../contract/common';

export const sex = z.enum(['female', 'male', 'other', 'unknown']);

const phone = text(30).regex(/^[0-9+()\-.\s]*$/, 'digits, spaces, +, (, ), - and . only');
const email = text(254).refine((value) => value === '' || z.email().safeParse(value).success, 'not an email address');
const dateOfBirth = isoDay.refine((value) => value >= '1900-01-01', 'too far in the past');

/** What the desk types in the patient form. */
export const patientFields = z.strictObject({
  fullName: requiredText(120),
  preferredName: text(60).default(''),
  dateOfBirth,
  sex: sex.default('unknown'),
  phone: phone.default(''),
  email: email.default(''),
  taxId: text(20)
    .regex(/^[A-Za-z0-9\-\s]*$/, 'letters, digits and dashes only')
    .default(''),
  address: text(300).default(''),
  preferredLanguage: locale.default('pt'),
  notes: text(2000).default(''),
});
export type PatientFields = z.infer<typeof patientFields>;

export const patient = z.strictObject({
  id,
  fullName: z.string(),
  preferredName: z.string(),
  dateOfBirth: z.string(),
  sex,
  phone: z.string(),
  email: z.string(),
  taxId: z.string(),
  address: z.string(),
  preferredLanguage: locale,
  notes: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Patient = z.infer<typeof patient>;

/** One search hit: enough to pick the right person at the desk. */
export const patientSummary = z.strictObject({
  id,
  fullName: z.string(),
  preferredName: z.string(),
  dateOfBirth: z.string(),
  phone: z.string(),
  taxId: z.string(),
  email: z.string(),
});
export type PatientSummary = z.infer<typeof patientSummary>;

export const patientsContract = {
  /**
   * Search-as-you-type over name (accent- and case-insensitive, prefix of any word),
   * phone digits (prefix or last digits), email, tax id and date of birth.
   * Best matches first.
   */
  'patients.search': method({
    input: z.strictObject({ query: z.string().max(200), limit: z.number().int().min(1).max(50).default(20) }),
    output: z.strictObject({ results: z.array(patientSummary) }),
    access: STAFF,
  }),
  'patients.get': method({ input: z.strictObject({ id }), output: patient, errors: ['NOT_FOUND'], access: STAFF }),
  /**
   * Refused with POSSIBLE_DUPLICATE (details.matches) when someone with the same name
   * and birth date, or the same phone, exists, unless `confirmedNotDuplicate` is set.
   */
  'patients.create': method({
    input: z.strictObject({ fields: patientFields, confirmedNotDuplicate: z.boolean().default(false) }),
    output: patient,
    errors: ['POSSIBLE_DUPLICATE'],
    access: DESK,
    writes: true,
    audits: ['patients.create'],
  }),
  'patients.update': method({
    input: z.strictObject({ id, fields: patientFields }),
    output: patient,
    errors: ['NOT_FOUND'],
    access: DESK,
    writes: true,
    audits: ['patients.update'],
  }),
  'patients.findDuplicates': method({
    input: z.strictObject({ fullName: text(120), dateOfBirth: isoDay.optional(), phone: phone.optional(), excludeId: id.optional() }),
    output: z.strictObject({ matches: z.array(patientSummary) }),
    access: DESK,
  }),
} as const;
