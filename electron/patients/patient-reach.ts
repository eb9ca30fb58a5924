import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import { patientsOfPractitioner } from './patients.repository';

/**
 * Who may read which patient's record. The desk (admins, receptionists) reads everyone: it
 * registers, books and bills them all. A doctor reads the patients they have seen or are due
 * to see: those with an appointment with their practitioner that was not cancelled (past,
 * today or booked ahead, no-shows included, since the doctor was due to see them). A doctor
 * account linked to no practitioner reads nobody. Every read of a record is audited by the
 * method that reads it.
 */
export async function readablePatientIds(db: Kysely<Database>, actor: Actor, patientIds: readonly number[]): Promise<Set<number>> {
  if (actor.role !== 'doctor') return new Set(patientIds);
  if (actor.practitionerId === null) return new Set();
  return patientsOfPractitioner(db, actor.practitionerId, patientIds);
}

/** Refuses (FORBIDDEN) a doctor's read of someone who is not their patient. */
export async function assertMayReadPatient(db: Kysely<Database>, actor: Actor, patientId: number): Promise<void> {
  if (!(await readablePatientIds(db, actor, [patientId])).has(patientId)) {
    throw new AppError('FORBIDDEN', 'This patient is not one of yours: a doctor sees the patients they have seen or are due to see.', {
      reason: 'NOT_YOUR_PATIENT',
    });
  }
}
