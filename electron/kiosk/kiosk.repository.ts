import type { Kysely } from 'kysely';
import type { AppointmentStatusColumn, Database } from '../db/schema';

/** One of a patient's appointments of today, as the kiosk's rule looks at it. */
export interface Candidate {
  id: number;
  patient_id: number;
  status: AppointmentStatusColumn;
  starts_at: number;
}

/** A clinic day as instants: [from, to). */
export interface DayRange {
  from: number;
  to: number;
}

const LOOKED_AT: readonly AppointmentStatusColumn[] = ['booked', 'no_show', 'checked_in', 'called', 'in_consultation'];

/** The day's appointments a kiosk may act on: still to check in, or already in the queue. */
function candidatesOfDay(db: Kysely<Database>, range: DayRange) {
  return db
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'status', 'starts_at'])
    .where('starts_at', '>=', range.from)
    .where('starts_at', '<', range.to)
    .where('status', 'in', LOOKED_AT);
}

export function findCandidateByCode(db: Kysely<Database>, code: string, range: DayRange): Promise<Candidate | undefined> {
  return candidatesOfDay(db, range).where('code', '=', code).executeTakeFirst();
}

export function findPatientsByBirthDateAndPhone(db: Kysely<Database>, dateOfBirth: string, phoneLast4: string, limit: number): Promise<Array<{ id: number }>> {
  return db
    .selectFrom('patients')
    .select('id')
    .where('date_of_birth', '=', dateOfBirth)
    .where((eb) => eb(eb.fn('substr', ['phone_digits', eb.val(-4)]), '=', phoneLast4))
    .limit(limit)
    .execute();
}

export function candidatesOfPatient(db: Kysely<Database>, patientId: number, range: DayRange): Promise<Candidate[]> {
  return candidatesOfDay(db, range).where('patient_id', '=', patientId).execute();
}
