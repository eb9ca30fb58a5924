import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../shared/contract/errors';
import { getCountries } from 'libphonenumber-js/max';
import type { Patient, PatientFields, PatientSummary } from '../../shared/patients/patients.contract';
import { foldText, phoneDigits, phoneVariants } from '../../shared/patients/patient-keys';
import { DEFAULT_TAX_COUNTRY, nifProblem, normaliseNif } from '../../shared/patients/tax-id';
import type { Database, PatientRow } from '../db/schema';
import { isPtMobile, readPhone } from './patient-phone';
import { buildProbeStatement, buildSearchStatement, needsProbe, planSearch, splitTokens } from './patient-search';
import {
  findDuplicateRows,
  findPatient,
  findSameTaxId,
  insertPatient,
  runStatement,
  updatePatient,
  type PatientValues,
  type SummaryRow,
} from './patients.repository';

const MAX_DUPLICATES = 10;

export function toPatient(row: PatientRow): Patient {
  return {
    id: row.id,
    fullName: row.full_name,
    preferredName: row.preferred_name,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    phone: row.phone,
    email: row.email,
    taxId: row.tax_id,
    taxCountry: row.tax_country,
    address: row.address,
    preferredLanguage: row.preferred_language,
    notes: row.notes,
    phoneIsPtMobile: row.phone_needs_review === 0 && isPtMobile(row.phone),
    phoneNeedsReview: row.phone_needs_review === 1,
    mergedIntoId: row.merged_into_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSummary(row: SummaryRow): PatientSummary {
  return {
    id: row.id,
    fullName: row.full_name,
    preferredName: row.preferred_name,
    dateOfBirth: row.date_of_birth,
    phone: row.phone,
    taxId: row.tax_id,
    email: row.email,
  };
}

function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION', `Some of the information is not valid (${path}: ${message}).`, {
    fields: [{ path, code: 'custom', message }],
  });
}

const countries = new Set<string>(getCountries());

/** The tax id as stored (a NIF: its nine digits) and its country, or INVALID_TAX_ID. */
function checkedTaxId(typed: string, typedCountry: string): { taxId: string; taxCountry: string } {
  const taxCountry = typedCountry.toUpperCase();
  if (!countries.has(taxCountry)) {
    throw new AppError('INVALID_TAX_ID', `${taxCountry} is not a country code.`, { field: 'fields.taxCountry', reason: 'country' });
  }
  if (taxCountry !== DEFAULT_TAX_COUNTRY || typed.trim() === '') return { taxId: typed.trim(), taxCountry };
  const nif = normaliseNif(typed);
  const problem = nifProblem(nif);
  if (problem)
    throw new AppError('INVALID_TAX_ID', `${typed.trim()} is not a valid Portuguese tax number (${problem}).`, { field: 'fields.taxId', reason: problem });
  return { taxId: nif, taxCountry };
}

/**
 * The phone in E.164, or INVALID_PHONE. A number stored before phones were checked, that
 * could not be read then, is kept as it is while the desk leaves it untouched.
 */
function checkedPhone(typed: string, before: PatientRow | undefined): { phone: string; needsReview: 0 | 1 } {
  if (typed.trim() === '') return { phone: '', needsReview: 0 };
  if (before?.phone_needs_review === 1 && typed === before.phone) return { phone: typed, needsReview: 1 };
  const reading = readPhone(typed);
  if (!reading.ok) throw new AppError('INVALID_PHONE', `${typed.trim()} is not a phone number.`, { field: 'fields.phone', reason: reading.reason });
  return { phone: reading.e164, needsReview: 0 };
}

/** The row values for the form's fields, with the derived search and duplicate keys. */
function toValues(fields: PatientFields, now: number, before?: PatientRow): PatientValues {
  const nameKey = foldText(fields.fullName);
  if (!nameKey) throw fieldError('fields.fullName', 'a name needs at least one letter');
  // A day of slack: the desk's "today" may already be tomorrow in UTC.
  const latestBirth = DateTime.fromMillis(now, { zone: 'utc' }).plus({ days: 1 }).toISODate();
  if (latestBirth && fields.dateOfBirth > latestBirth) throw fieldError('fields.dateOfBirth', 'the date of birth is in the future');
  const { taxId, taxCountry } = checkedTaxId(fields.taxId, fields.taxCountry);
  const { phone, needsReview } = checkedPhone(fields.phone, before);
  return {
    full_name: fields.fullName,
    preferred_name: fields.preferredName,
    date_of_birth: fields.dateOfBirth,
    sex: fields.sex,
    phone,
    email: fields.email,
    tax_id: taxId,
    tax_country: taxCountry,
    address: fields.address,
    preferred_language: fields.preferredLanguage,
    notes: fields.notes,
    name_key: nameKey,
    phone_digits: phoneDigits(phone),
    phone_needs_review: needsReview,
  };
}

/** Search-as-you-type; see planSearch and buildSearchStatement for what matches and in which order. */
export async function searchPatients(db: Kysely<Database>, query: string, limit: number): Promise<PatientSummary[]> {
  const plan = planSearch(query);
  if (!plan) return [];
  try {
    const split = needsProbe(plan)
      ? splitTokens(plan.tokens, (await runStatement<Record<string, unknown>>(db, buildProbeStatement(plan.tokens)))[0] ?? {})
      : undefined;
    return (await runStatement<SummaryRow>(db, buildSearchStatement(plan, limit, split))).map(toSummary);
  } catch (error) {
    // Words are quoted, so no input is read as query syntax; a word SQLite's tokenizer splits
    // differently from ours (a script newer than its Unicode tables) can still be refused: no match.
    if (plan.kind === 'name' && error instanceof Error && /fts5/i.test(error.message)) return [];
    throw error;
  }
}

export async function getPatient(db: Kysely<Database>, id: number): Promise<Patient> {
  const row = await findPatient(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such patient.');
  return toPatient(row);
}

interface DuplicateCandidate {
  fullName: string;
  dateOfBirth?: string | undefined;
  phone?: string | undefined;
  taxId?: string | undefined;
  taxCountry?: string | undefined;
  excludeId?: number | undefined;
}

/** The tax id's search key as the index holds it (see TAX_KEY); a NIF in its nine digits. */
function taxKeyOf(taxId: string, taxCountry: string): string {
  const country = taxCountry.toUpperCase();
  const typed = country === DEFAULT_TAX_COUNTRY ? normaliseNif(taxId) : taxId;
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/** Patients who may be this one: same name and birth date, same phone, or same tax id (and country). */
export async function findDuplicates(db: Kysely<Database>, candidate: DuplicateCandidate): Promise<PatientSummary[]> {
  const excludeId = candidate.excludeId ?? null;
  const byTax = await sameTaxId(db, candidate.taxId ?? '', candidate.taxCountry ?? DEFAULT_TAX_COUNTRY, excludeId);
  const others = await findDuplicateRows(db, {
    nameKey: foldText(candidate.fullName),
    dateOfBirth: candidate.dateOfBirth ?? null,
    phoneForms: phoneVariants(phoneDigits(candidate.phone ?? '')),
    excludeId,
    limit: MAX_DUPLICATES,
  });
  const seen = new Set(byTax.map((row) => row.id));
  return [...byTax, ...others.filter((row) => !seen.has(row.id))].slice(0, MAX_DUPLICATES).map(toSummary);
}

function sameTaxId(db: Kysely<Database>, taxId: string, taxCountry: string, excludeId: number | null): Promise<SummaryRow[]> {
  const key = taxKeyOf(taxId, taxCountry);
  if (!key) return Promise.resolve([]);
  return findSameTaxId(db, { key, country: taxCountry.toUpperCase(), excludeId, limit: MAX_DUPLICATES });
}

/** POSSIBLE_DUPLICATE as the form shows it: the matches, and which of them share the tax id. */
function possibleDuplicate(matches: PatientSummary[], sameTax: number[]): AppError {
  const message =
    sameTax.length > 0
      ? 'A patient with the same tax number already exists.'
      : 'A patient with the same name and date of birth, or the same phone, already exists.';
  return new AppError('POSSIBLE_DUPLICATE', message, { matches, sameTaxId: sameTax });
}

export async function createPatient(db: Kysely<Database>, input: { fields: PatientFields; confirmedNotDuplicate: boolean }, now: number): Promise<Patient> {
  const values = toValues(input.fields, now);
  if (!input.confirmedNotDuplicate) {
    const candidate = { ...input.fields, phone: values.phone, taxId: values.tax_id, taxCountry: values.tax_country };
    const matches = await findDuplicates(db, candidate);
    if (matches.length > 0) {
      const sameTax = (await sameTaxId(db, values.tax_id, values.tax_country, null)).map((row) => row.id);
      throw possibleDuplicate(matches, sameTax);
    }
  }
  return toPatient(await insertPatient(db, values, now));
}

/** Saves the form; returns the patient and which fields changed (names only, for the audit log). */
export async function updatePatientFields(
  db: Kysely<Database>,
  id: number,
  fields: PatientFields,
  now: number,
  confirmedNotDuplicate = false,
): Promise<{ patient: Patient; changed: string[] }> {
  const before = await findPatient(db, id);
  if (!before) throw new AppError('NOT_FOUND', 'There is no such patient.');
  const values = toValues(fields, now, before);
  // Only a tax id that changes is checked: names and phones are shared within families.
  const taxChanged = values.tax_id !== before.tax_id || values.tax_country !== before.tax_country;
  if (taxChanged && !confirmedNotDuplicate) {
    const sameTax = await sameTaxId(db, values.tax_id, values.tax_country, id);
    if (sameTax.length > 0)
      throw possibleDuplicate(
        sameTax.map(toSummary),
        sameTax.map((row) => row.id),
      );
  }
  const row = await updatePatient(db, id, values, now);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such patient.');
  const previous = toPatient(before);
  const patient = toPatient(row);
  const changed = (Object.keys(fields) as Array<keyof PatientFields>).filter((key) => previous[key] !== patient[key]);
  return { patient, changed };
}
