import { sql, type Kysely } from 'kysely';
import type { Database, PatientRow } from '../db/schema';

/** Moves every appointment (with its check-in, ticket and queue history) of one patient to another. */
export async function moveAppointments(db: Kysely<Database>, fromId: number, toId: number, now: number): Promise<number> {
  const result = await db.updateTable('appointments').set({ patient_id: toId, updated_at: now }).where('patient_id', '=', fromId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countAppointments(db: Kysely<Database>, patientId: number): Promise<number> {
  const row = await db
    .selectFrom('appointments')
    .select(sql<number>`count(*)`.as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function countConsents(db: Kysely<Database>, patientId: number): Promise<number> {
  const row = await db
    .selectFrom('face_consents')
    .select(sql<number>`count(*)`.as('n'))
    .where('patient_id', '=', patientId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Moves the consent history, withdrawn consents included. */
export async function moveConsents(db: Kysely<Database>, fromId: number, toId: number): Promise<number> {
  const result = await db.updateTable('face_consents').set({ patient_id: toId }).where('patient_id', '=', fromId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives an enrolment, and its photos, to another patient. The photos reference the
 * enrolment's key, so the check waits for the commit, when both sides agree again.
 */
export async function moveEnrolment(db: Kysely<Database>, fromId: number, toId: number): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(db);
  await db.updateTable('face_enrolments').set({ patient_id: toId }).where('patient_id', '=', fromId).execute();
  await db.updateTable('face_photos').set({ patient_id: toId }).where('patient_id', '=', fromId).execute();
}

export async function fillPatient(db: Kysely<Database>, id: number, values: Partial<PatientRow>, now: number): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db
    .updateTable('patients')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Marks the duplicate merged, and points whatever was merged into it at the survivor. */
export async function markMerged(db: Kysely<Database>, duplicateId: number, survivorId: number, now: number): Promise<void> {
  await db.updateTable('patients').set({ merged_into_id: survivorId, merged_at: now, updated_at: now }).where('merged_into_id', '=', duplicateId).execute();
  await db.updateTable('patients').set({ merged_into_id: survivorId, merged_at: now, updated_at: now }).where('id', '=', duplicateId).execute();
}
