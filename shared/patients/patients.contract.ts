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
  /** The country that issued the tax id (ISO 3166-1 alpha-2); a Portuguese NIF's check digit is verified. */
  taxCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'two letters (ISO 3166 country code)')
    .default('PT'),
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
  taxCountry: z.string(),
  address: z.string(),
  preferredLanguage: locale,
  notes: z.string(),
  /** The phone is a Portuguese mobile (can take SMS and MB WAY). */
  phoneIsPtMobile: z.boolean(),
  /** The phone was typed before numbers were checked and could not be read: kept as typed, to be fixed. */
  phoneNeedsReview: z.boolean(),
  /** Set when this record was merged, as a duplicate, into that patient. */
  mergedIntoId: id.nullable(),
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

/** What a merge moves (or moved) from the duplicate to the survivor. */
export const mergeOutcome = z.strictObject({
  appointments: z.number().int(),
  consents: z.number().int(),
  /** The duplicate's face enrolment: moved to the survivor, withdrawn (the survivor has one), or none. */
  faceEnrolment: z.enum(['moved', 'withdrawn', 'none']),
  /** The survivor's empty fields filled in from the duplicate. */
  filledFields: z.array(z.string()),
});
export type MergeOutcome = z.infer<typeof mergeOutcome>;

export const patientsContract = {
  /**
   * Search-as-you-type over name (accent- and case-insensitive, prefix of any word),
   * phone digits (prefix or last digits), email, tax id and date of birth.
   * Best matches first. A doctor finds only their own patients (those with an appointment
   * with them that was not cancelled).
   */
  'patients.search': method({
    input: z.strictObject({ query: z.string().max(200), limit: z.number().int().min(1).max(50).default(20) }),
    output: z.strictObject({ results: z.array(patientSummary) }),
    access: STAFF,
  }),
  /** One patient's record; audited for everyone. A doctor reads only their own patients (FORBIDDEN, details.reason NOT_YOUR_PATIENT). */
  'patients.get': method({ input: z.strictObject({ id }), output: patient, errors: ['NOT_FOUND'], access: STAFF, audits: ['patients.read'] }),
  /**
   * Refused with POSSIBLE_DUPLICATE (details.matches; details.sameTaxId: the ids among them
   * with the same tax id) when someone with the same name and birth date, the same phone or
   * the same tax id exists, unless `confirmedNotDuplicate` is set. The phone is stored in E.164.
   */
  'patients.create': method({
    input: z.strictObject({ fields: patientFields, confirmedNotDuplicate: z.boolean().default(false) }),
    output: patient,
    errors: ['POSSIBLE_DUPLICATE', 'INVALID_TAX_ID', 'INVALID_PHONE'],
    access: DESK,
    writes: true,
    audits: ['patients.create'],
  }),
  /** Refused with POSSIBLE_DUPLICATE (as create) when the tax id changes to another patient's, unless `confirmedNotDuplicate` is set. */
  'patients.update': method({
    input: z.strictObject({ id, fields: patientFields, confirmedNotDuplicate: z.boolean().default(false) }),
    output: patient,
    errors: ['NOT_FOUND', 'POSSIBLE_DUPLICATE', 'INVALID_TAX_ID', 'INVALID_PHONE'],
    access: DESK,
    writes: true,
    audits: ['patients.update'],
  }),
  'patients.findDuplicates': method({
    input: z.strictObject({
      fullName: text(120),
      dateOfBirth: isoDay.optional(),
      phone: phone.optional(),
      taxId: text(20).optional(),
      taxCountry: z
        .string()
        .regex(/^[A-Za-z]{2}$/)
        .optional(),
      excludeId: id.optional(),
    }),
    output: z.strictObject({ matches: z.array(patientSummary) }),
    access: DESK,
  }),
  /** What merging `duplicateId` into `survivorId` would move, for the desk to confirm. */
  'patients.mergePreview': method({
    input: z.strictObject({ survivorId: id, duplicateId: id }),
    output: mergeOutcome,
    errors: ['NOT_FOUND', 'MERGE_REFUSED'],
    access: DESK,
  }),
  /**
   * Merges a duplicate record into the surviving one, in one transaction: appointments (with
   * their queue history) and face consents move, the face enrolment moves too unless both
   * have one (the duplicate's is then withdrawn), the survivor's empty fields are filled from
   * the duplicate's, and the duplicate stays, marked merged, out of search.
   */
  'patients.merge': method({
    input: z.strictObject({ survivorId: id, duplicateId: id }),
    output: z.strictObject({ patient, outcome: mergeOutcome }),
    errors: ['NOT_FOUND', 'MERGE_REFUSED'],
    access: DESK,
    writes: true,
    audits: ['patients.merge'],
  }),
} as const;
