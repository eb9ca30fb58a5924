import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../shared/contract/errors';
import type { Patient, PatientFields, PatientSummary } from '../../shared/patients/patients.contract';
import { foldText, phoneDigits, phoneVariants } from '../../shared/patients/patient-keys';
import type { Database, PatientRow } from '../db/schema';
import { buildProbeStatement, buildSearchStatement, needsProbe, planSearch, splitTokens } from './patient-search';
import { findDuplicateRows, findPatient, insertPatient, runStatement, updatePatient, type PatientValues, type SummaryRow } from './patients.repository';

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
    address: row.address,
    preferredLanguage: row.preferred_language,
    notes: row.notes,
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

/** The row values for the form's fields, with the derived search and duplicate keys. */
function toValues(fields: PatientFields, now: number): PatientValues {
  const nameKey = foldText(fields.fullName);
  if (!nameKey) throw fieldError('fields.fullName', 'a name needs at least one letter');
  // A day of slack: the desk's "today" may already be tomorrow in UTC.
  const latestBirth = DateTime.fromMillis(now, { zone: 'utc' }).plus({ days: 1 }).toISODate();
  if (latestBirth && fields.dateOfBirth > latestBirth) throw fieldError('fields.dateOfBirth', 'the date of birth is in the future');
  return {
    full_name: fields.fullName,
    preferred_name: fields.preferredName,
    date_of_birth: fields.dateOfBirth,
    sex: fields.sex,
    phone: fields.phone,
    email: fields.email,
    tax_id: fields.taxId,
    address: fields.address,
    preferred_language: fields.preferredLanguage,
    notes: fields.notes,
    name_key: nameKey,
    phone_digits: phoneDigits(fields.phone),
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

export function findDuplicates(
  db: Kysely<Database>,
  candidate: { fullName: string; dateOfBirth?: string | undefined; phone?: string | undefined; excludeId?: number | undefined },
): Promise<PatientSummary[]> {
  return findDuplicateRows(db, {
    nameKey: foldText(candidate.fullName),
    dateOfBirth: candidate.dateOfBirth ?? null,
    phoneForms: phoneVariants(phoneDigits(candidate.phone ?? '')),
    excludeId: candidate.excludeId ?? null,
    limit: MAX_DUPLICATES,
  }).then((rows) => rows.map(toSummary));
}

export async function createPatient(db: Kysely<Database>, input: { fields: PatientFields; confirmedNotDuplicate: boolean }, now: number): Promise<Patient> {
  const values = toValues(input.fields, now);
  if (!input.confirmedNotDuplicate) {
    const matches = await findDuplicates(db, input.fields);
    if (matches.length > 0) {
      throw new AppError('POSSIBLE_DUPLICATE', 'A patient with the same name and date of birth, or the same phone, already exists.', { matches });
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
): Promise<{ patient: Patient; changed: string[] }> {
  const before = await findPatient(db, id);
  if (!before) throw new AppError('NOT_FOUND', 'There is no such patient.');
  const row = await updatePatient(db, id, toValues(fields, now), now);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such patient.');
  const previous = toPatient(before);
  const patient = toPatient(row);
  const changed = (Object.keys(fields) as Array<keyof PatientFields>).filter((key) => previous[key] !== patient[key]);
  return { patient, changed };
}
