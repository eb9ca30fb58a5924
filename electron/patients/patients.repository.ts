import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database, PatientRow } from '../db/schema';
import { indexedExpressions, type SearchStatement } from './patient-search';

/** The stored columns a write sets; derived keys included, generated columns excluded. */
export interface PatientValues {
  full_name: string;
  preferred_name: string;
  date_of_birth: string;
  sex: PatientRow['sex'];
  phone: string;
  email: string;
  tax_id: string;
  tax_country: string;
  address: string;
  preferred_language: PatientRow['preferred_language'];
  notes: string;
  name_key: string;
  phone_digits: string;
  phone_needs_review: 0 | 1;
}

export interface SummaryRow {
  id: number;
  full_name: string;
  preferred_name: string;
  date_of_birth: string;
  phone: string;
  tax_id: string;
  email: string;
}

const summaryColumns = ['id', 'full_name', 'preferred_name', 'date_of_birth', 'phone', 'tax_id', 'email'] as const;

export function findPatient(db: Kysely<Database>, id: number): Promise<PatientRow | undefined> {
  return db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertPatient(db: Kysely<Database>, values: PatientValues, now: number): Promise<PatientRow> {
  return db
    .insertInto('patients')
    .values({ ...values, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updatePatient(db: Kysely<Database>, id: number, values: PatientValues, now: number): Promise<PatientRow | undefined> {
  return db
    .updateTable('patients')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Same folded name and birth date, or the same phone in any of its stored forms. */
export function findDuplicateRows(
  db: Kysely<Database>,
  criteria: { nameKey: string; dateOfBirth: string | null; phoneForms: string[]; excludeId: number | null; limit: number },
): Promise<SummaryRow[]> {
  const { nameKey, dateOfBirth, phoneForms, excludeId, limit } = criteria;
  if (!(nameKey && dateOfBirth) && phoneForms.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where((eb) => {
      const either = [];
      if (nameKey && dateOfBirth) either.push(eb.and([eb('name_key', '=', nameKey), eb('date_of_birth', '=', dateOfBirth)]));
      if (phoneForms.length > 0) either.push(eb.and([eb('phone_digits', 'in', phoneForms), eb('phone_digits', '<>', '')]));
      return eb.or(either);
    })
    .where('merged_into_id', 'is', null)
    .$if(excludeId !== null, (query) => query.where('id', '<>', excludeId!))
    .orderBy('name_key')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Patients (not merged away) with this tax id key and country, from the tax-key index. */
export function findSameTaxId(
  db: Kysely<Database>,
  criteria: { key: string; country: string; excludeId: number | null; limit: number },
): Promise<SummaryRow[]> {
  const taxKey = sql.raw(`(${indexedExpressions.TAX_KEY})`);
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where(sql<boolean>`${taxKey} = ${criteria.key} AND ${taxKey} <> ''`)
    .where('tax_country', '=', criteria.country)
    .where('merged_into_id', 'is', null)
    .$if(criteria.excludeId !== null, (query) => query.where('id', '<>', criteria.excludeId!))
    .orderBy('id')
    .limit(criteria.limit)
    .execute();
}

/** Runs one of the search module's statements as written (see patient-search.ts). */
export async function runStatement<Row>(db: Kysely<Database>, statement: SearchStatement): Promise<Row[]> {
  return (await db.executeQuery<Row>(CompiledQuery.raw(statement.sql, statement.parameters))).rows;
}

/**
 * Of `patientIds`, those with an appointment with this practitioner that was not
 * cancelled: the patients a doctor has seen or is due to see (see patient-reach.ts).
 */
export async function patientsOfPractitioner(db: Kysely<Database>, practitionerId: number, patientIds: readonly number[]): Promise<Set<number>> {
  if (patientIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('appointments')
    .select('patient_id')
    .distinct()
    .where('practitioner_id', '=', practitionerId)
    .where('status', '!=', 'cancelled')
    .where('patient_id', 'in', [...patientIds])
    .execute();
  return new Set(rows.map((row) => row.patient_id));
}
