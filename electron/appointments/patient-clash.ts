import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Database } from '../db/schema';
import { findPatientClash } from './appointments.repository';

/**
 * One patient cannot be in two consultations at once: a booking over another of the
 * patient's active appointments is refused, unless the desk says it is a combined visit
 * (two practitioners seeing the patient together), which is then recorded on the appointment.
 * Returns the appointment it is combined with (null: no overlap).
 */
export async function checkPatientFree(
  db: Kysely<Database>,
  span: { patientId: number; startsAt: number; endsAt: number; excludeId?: number | undefined },
  isCombinedVisit: boolean,
): Promise<number | null> {
  const clash = await findPatientClash(db, span);
  if (!clash) return null;
  if (isCombinedVisit) return clash.id;
  throw new AppError('PATIENT_ALREADY_BOOKED', `The patient already has an appointment with ${clash.practitioner_name} at that time.`, {
    clash: {
      appointmentId: clash.id,
      startsAt: clash.starts_at,
      endsAt: clash.ends_at,
      practitionerId: clash.practitioner_id,
      practitionerName: clash.practitioner_name,
    },
  });
}
