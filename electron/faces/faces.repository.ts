import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, FaceEnrolmentsTable, FaceSettingsTable } from '../db/schema';

export type FaceSettingsRow = Omit<Selectable<FaceSettingsTable>, 'id' | 'updated_at'>;
export type EnrolmentRow = Selectable<FaceEnrolmentsTable>;

export const defaultFaceSettings: FaceSettingsRow = {
  enabled: 0,
  region: '',
  collection_id: '',
  bucket: '',
  key_prefix: 'faces/',
  match_threshold: 95,
  credential_source: 'default',
  rekognition_endpoint: null,
  s3_endpoint: null,
  retention_months: 24,
};

export async function readFaceSettings(db: Kysely<Database>): Promise<FaceSettingsRow> {
  const row = await db.selectFrom('face_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row) return { ...defaultFaceSettings };
  const { id: _id, updated_at: _updatedAt, ...settings } = row;
  return settings;
}

export async function writeFaceSettings(db: Kysely<Database>, settings: FaceSettingsRow, now: number): Promise<void> {
  const values = { ...settings, updated_at: now };
  await db
    .insertInto('face_settings')
    .values({ id: 1, ...values })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
    .execute();
}

export async function patientLanguage(db: Kysely<Database>, patientId: number): Promise<'en' | 'pt' | null> {
  const row = await db.selectFrom('patients').select('preferred_language').where('id', '=', patientId).executeTakeFirst();
  return row?.preferred_language ?? null;
}

export interface ActiveConsent {
  id: number;
  version: string;
  agreed_at: number;
  staff_name: string | null;
}

/** The patient's latest consent that has not been withdrawn. */
export async function activeConsent(db: Kysely<Database>, patientId: number): Promise<ActiveConsent | null> {
  const row = await db
    .selectFrom('face_consents')
    .leftJoin('staff', 'staff.id', 'face_consents.staff_id')
    .select(['face_consents.id', 'face_consents.version', 'face_consents.agreed_at', 'staff.display_name as staff_name'])
    .where('face_consents.patient_id', '=', patientId)
    .where('face_consents.withdrawn_at', 'is', null)
    .orderBy('face_consents.agreed_at', 'desc')
    .orderBy('face_consents.id', 'desc')
    .executeTakeFirst();
  return row ?? null;
}

export async function insertConsent(
  db: Kysely<Database>,
  consent: { patientId: number; version: string; locale: 'en' | 'pt'; at: number; staffId: number | null },
): Promise<void> {
  await db
    .insertInto('face_consents')
    .values({ patient_id: consent.patientId, version: consent.version, locale: consent.locale, agreed_at: consent.at, staff_id: consent.staffId })
    .execute();
}

/** Marks every open consent of the patient withdrawn; returns how many there were. */
export async function withdrawConsents(
  db: Kysely<Database>,
  patientId: number,
  at: number,
  staffId: number | null,
  reason: 'patient' | 'retention',
): Promise<number> {
  const result = await db
    .updateTable('face_consents')
    .set({ withdrawn_at: at, withdrawn_by: staffId, withdrawal_reason: reason })
    .where('patient_id', '=', patientId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findEnrolment(db: Kysely<Database>, patientId: number): Promise<EnrolmentRow | null> {
  return (await db.selectFrom('face_enrolments').selectAll().where('patient_id', '=', patientId).executeTakeFirst()) ?? null;
}

/** The enrolled (not withdrawing) patient behind a Rekognition user of this collection. */
export async function enrolledPatientOfUser(db: Kysely<Database>, collectionId: string, userId: string): Promise<number | null> {
  const row = await db
    .selectFrom('face_enrolments')
    .select('patient_id')
    .where('user_id', '=', userId)
    .where('collection_id', '=', collectionId)
    .where('state', '=', 'enrolled')
    .executeTakeFirst();
  return row?.patient_id ?? null;
}

export interface PhotoRow {
  position: number;
  face_id: string | null;
  s3_key: string | null;
}

export async function photosOf(db: Kysely<Database>, patientId: number): Promise<PhotoRow[]> {
  return db.selectFrom('face_photos').select(['position', 'face_id', 's3_key']).where('patient_id', '=', patientId).orderBy('position').execute();
}

export async function insertEnrolment(
  db: Kysely<Database>,
  enrolment: Omit<EnrolmentRow, 'user_deleted' | 'faces_deleted' | 'photos_deleted'> &
    Partial<Pick<EnrolmentRow, 'user_deleted' | 'faces_deleted' | 'photos_deleted'>>,
  photos: readonly PhotoRow[],
): Promise<void> {
  await db.insertInto('face_enrolments').values(enrolment).execute();
  if (photos.length > 0) {
    await db
      .insertInto('face_photos')
      .values(photos.map((photo) => ({ patient_id: enrolment.patient_id, ...photo })))
      .execute();
  }
}

export type WithdrawalStep = 'user_deleted' | 'faces_deleted' | 'photos_deleted';

/**
 * An enrolment under way is journalled before its first AWS call as a `withdrawing` row
 * whose withdrawal has not started (withdrawal_started_at NULL): its AWS objects are to be
 * deleted unless the enrolment finishes and promotes the row to `enrolled`. A process that
 * dies halfway therefore leaves a row that the ordinary withdrawal path knows how to clear.
 * 0006 allows only 'enrolled' and 'withdrawing', and widening that CHECK means rebuilding a
 * table that face_photos cascades from: the NULL start says "enrolling" without a migration.
 */
export function isEnrolling(row: Pick<EnrolmentRow, 'state' | 'withdrawal_started_at'>): boolean {
  return row.state === 'withdrawing' && row.withdrawal_started_at === null;
}

export interface EnrolmentStart {
  patientId: number;
  opaqueKey: string;
  region: string;
  collectionId: string;
  bucket: string;
  at: number;
  staffId: number | null;
  /** Chosen here before PutObject, so written ahead: deleting a key never written is harmless. */
  s3Keys: readonly string[];
}

export async function beginEnrolment(db: Kysely<Database>, start: EnrolmentStart): Promise<void> {
  await insertEnrolment(
    db,
    {
      patient_id: start.patientId,
      opaque_key: start.opaqueKey,
      state: 'withdrawing',
      region: start.region,
      collection_id: start.collectionId,
      bucket: start.bucket,
      user_id: null,
      enrolled_at: start.at,
      enrolled_by: start.staffId,
      withdrawal_started_at: null,
    },
    start.s3Keys.map((s3Key, position) => ({ position, face_id: null, s3_key: s3Key })),
  );
}

/** The enrolment journalled under this key, while it is still an enrolment under way. */
async function enrollingPatient(db: Kysely<Database>, opaqueKey: string): Promise<number | null> {
  const row = await db
    .selectFrom('face_enrolments')
    .select('patient_id')
    .where('opaque_key', '=', opaqueKey)
    .where('state', '=', 'withdrawing')
    .where('withdrawal_started_at', 'is', null)
    .executeTakeFirst();
  return row?.patient_id ?? null;
}

/** Records a face id as soon as IndexFaces returns it; false when the enrolment is no longer under way. */
export async function recordEnrolmentFace(db: Kysely<Database>, opaqueKey: string, position: number, faceId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const patientId = await enrollingPatient(trx, opaqueKey);
    if (patientId === null) return false;
    await trx.updateTable('face_photos').set({ face_id: faceId }).where('patient_id', '=', patientId).where('position', '=', position).execute();
    return true;
  });
}

export async function recordEnrolmentUser(db: Kysely<Database>, opaqueKey: string, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const patientId = await enrollingPatient(trx, opaqueKey);
    if (patientId === null) return false;
    await trx.updateTable('face_enrolments').set({ user_id: userId }).where('patient_id', '=', patientId).execute();
    return true;
  });
}

/** Promotes the journalled enrolment to `enrolled`; false when it is no longer under way. */
export async function completeEnrolment(db: Kysely<Database>, opaqueKey: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('face_enrolments')
    .set({ state: 'enrolled', enrolled_at: at })
    .where('opaque_key', '=', opaqueKey)
    .where('state', '=', 'withdrawing')
    .where('withdrawal_started_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findEnrolmentByKey(db: Kysely<Database>, opaqueKey: string): Promise<EnrolmentRow | null> {
  return (await db.selectFrom('face_enrolments').selectAll().where('opaque_key', '=', opaqueKey).executeTakeFirst()) ?? null;
}

/**
 * Rows a finished process should not have left: enrolments under way that started, and
 * withdrawals that started, before `cutoff`.
 */
export async function unfinishedBefore(db: Kysely<Database>, cutoff: number): Promise<EnrolmentRow[]> {
  return db
    .selectFrom('face_enrolments')
    .selectAll()
    .where('state', '=', 'withdrawing')
    .where((eb) => eb.or([eb.and([eb('withdrawal_started_at', 'is', null), eb('enrolled_at', '<', cutoff)]), eb('withdrawal_started_at', '<', cutoff)]))
    .orderBy('patient_id')
    .execute();
}

/** The keys of every unfinished row, young ones included. */
export async function unfinishedKeys(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('face_enrolments').select('opaque_key').where('state', '=', 'withdrawing').execute();
  return rows.map((row) => row.opaque_key);
}

export async function markWithdrawing(db: Kysely<Database>, patientId: number, at: number): Promise<void> {
  await db
    .updateTable('face_enrolments')
    .set({ state: 'withdrawing', withdrawal_started_at: sql<number>`coalesce(withdrawal_started_at, ${at})` })
    .where('patient_id', '=', patientId)
    .execute();
}

// By opaque key, not patient: a slow clean-up must never touch the patient's next enrolment.
export async function markStepDone(db: Kysely<Database>, opaqueKey: string, step: WithdrawalStep): Promise<void> {
  await db
    .updateTable('face_enrolments')
    .set({ [step]: 1 })
    .where('opaque_key', '=', opaqueKey)
    .execute();
}

export async function deleteEnrolment(db: Kysely<Database>, opaqueKey: string): Promise<void> {
  const row = await db.selectFrom('face_enrolments').select('patient_id').where('opaque_key', '=', opaqueKey).executeTakeFirst();
  if (!row) return;
  await db.deleteFrom('face_photos').where('patient_id', '=', row.patient_id).execute();
  await db.deleteFrom('face_enrolments').where('opaque_key', '=', opaqueKey).execute();
}

/**
 * Patients with face data or an open consent whose last sign of life (an appointment that
 * was not cancelled, past or booked ahead; their consent; their enrolment) is before `cutoff`.
 */
export async function patientsPastRetention(db: Kysely<Database>, cutoff: number): Promise<number[]> {
  const rows = await sql<{ patient_id: number }>`
    WITH holders AS (
      SELECT patient_id, enrolled_at AS seen_at FROM face_enrolments
      UNION ALL
      SELECT patient_id, agreed_at AS seen_at FROM face_consents WHERE withdrawn_at IS NULL
    ),
    last_seen AS (
      SELECT h.patient_id,
             max(max(h.seen_at), coalesce((SELECT max(a.starts_at) FROM appointments a
                                           WHERE a.patient_id = h.patient_id AND a.status <> 'cancelled'), 0)) AS at
      FROM holders h
      GROUP BY h.patient_id
    )
    SELECT patient_id FROM last_seen WHERE at < ${cutoff} ORDER BY patient_id`.execute(db);
  return rows.rows.map((row) => row.patient_id);
}
