import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { MergeOutcome, Patient } from '../../shared/patients/patients.contract';
import type { Database, PatientRow } from '../db/schema';
import { findEnrolment, markWithdrawing, withdrawConsents, type EnrolmentRow } from '../faces/faces.repository';
import { countAppointments, countConsents, fillPatient, markMerged, moveAppointments, moveConsents, moveEnrolment } from './patients-merge.repository';
import { findPatient } from './patients.repository';
import { toPatient } from './patients.service';

/** Fields the survivor takes from the duplicate when its own is empty, with the columns that go along. */
const FILLABLE: Array<{ field: keyof Patient; columns: Array<keyof PatientRow>; isEmpty: (row: PatientRow) => boolean }> = [
  { field: 'preferredName', columns: ['preferred_name'], isEmpty: (row) => row.preferred_name === '' },
  { field: 'sex', columns: ['sex'], isEmpty: (row) => row.sex === 'unknown' },
  { field: 'phone', columns: ['phone', 'phone_digits', 'phone_needs_review'], isEmpty: (row) => row.phone === '' },
  { field: 'email', columns: ['email'], isEmpty: (row) => row.email === '' },
  { field: 'taxId', columns: ['tax_id', 'tax_country'], isEmpty: (row) => row.tax_id === '' },
  { field: 'address', columns: ['address'], isEmpty: (row) => row.address === '' },
  { field: 'notes', columns: ['notes'], isEmpty: (row) => row.notes === '' },
];

interface Pair {
  survivor: PatientRow;
  duplicate: PatientRow;
  survivorEnrolment: EnrolmentRow | null;
  duplicateEnrolment: EnrolmentRow | null;
}

async function loadPair(db: Kysely<Database>, survivorId: number, duplicateId: number): Promise<Pair> {
  if (survivorId === duplicateId) throw new AppError('MERGE_REFUSED', 'A patient cannot be merged with itself.', { reason: 'same_patient' });
  const [survivor, duplicate] = await Promise.all([findPatient(db, survivorId), findPatient(db, duplicateId)]);
  if (!survivor) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'survivorId' });
  if (!duplicate) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'duplicateId' });
  for (const row of [survivor, duplicate]) {
    if (row.merged_into_id !== null) {
      throw new AppError('MERGE_REFUSED', `${row.full_name} was already merged into another record.`, { reason: 'already_merged', patientId: row.id });
    }
  }
  const [survivorEnrolment, duplicateEnrolment] = await Promise.all([findEnrolment(db, survivorId), findEnrolment(db, duplicateId)]);
  return { survivor, duplicate, survivorEnrolment, duplicateEnrolment };
}

/**
 * The duplicate's face enrolment moves only when the survivor has none and it is complete;
 * otherwise (two faces for one person, or one still enrolling or being withdrawn) it is withdrawn.
 */
function enrolmentFate(pair: Pair): MergeOutcome['faceEnrolment'] {
  if (!pair.duplicateEnrolment) return 'none';
  return !pair.survivorEnrolment && pair.duplicateEnrolment.state === 'enrolled' ? 'moved' : 'withdrawn';
}

function fillsOf(pair: Pair): { fields: string[]; values: Partial<PatientRow> } {
  const values: Record<string, unknown> = {};
  const fields: string[] = [];
  for (const fill of FILLABLE) {
    if (!fill.isEmpty(pair.survivor) || fill.isEmpty(pair.duplicate)) continue;
    fields.push(fill.field);
    for (const column of fill.columns) values[column] = pair.duplicate[column];
  }
  return { fields, values: values as Partial<PatientRow> };
}

export async function previewMerge(db: Kysely<Database>, survivorId: number, duplicateId: number): Promise<MergeOutcome> {
  const pair = await loadPair(db, survivorId, duplicateId);
  return {
    appointments: await countAppointments(db, duplicateId),
    consents: await countConsents(db, duplicateId),
    faceEnrolment: enrolmentFate(pair),
    filledFields: fillsOf(pair).fields,
  };
}

/**
 * Merges the duplicate into the survivor; the caller's transaction makes it all or nothing.
 * A withdrawn enrolment is only marked here: its AWS objects are deleted by the faces
 * feature's withdrawal path, which finishes any withdrawal it finds started.
 */
export async function mergePatients(
  db: Kysely<Database>,
  input: { survivorId: number; duplicateId: number },
  at: { now: number; staffId: number | null },
): Promise<{ patient: Patient; outcome: MergeOutcome }> {
  const { survivorId, duplicateId } = input;
  const pair = await loadPair(db, survivorId, duplicateId);
  const faceEnrolment = enrolmentFate(pair);
  const fills = fillsOf(pair);

  const appointments = await moveAppointments(db, duplicateId, survivorId, at.now);
  if (faceEnrolment === 'withdrawn') {
    await withdrawConsents(db, duplicateId, at.now, at.staffId, 'patient');
    await markWithdrawing(db, duplicateId, at.now);
  }
  // The duplicate's consents follow the person; a withdrawn enrolment keeps its own row until deleted.
  const consents = await moveConsents(db, duplicateId, survivorId);
  if (faceEnrolment === 'moved') await moveEnrolment(db, duplicateId, survivorId);
  await fillPatient(db, survivorId, fills.values, at.now);
  await markMerged(db, duplicateId, survivorId, at.now);

  const survivor = await findPatient(db, survivorId);
  return { patient: toPatient(survivor!), outcome: { appointments, consents, faceEnrolment, filledFields: fills.fields } };
}
