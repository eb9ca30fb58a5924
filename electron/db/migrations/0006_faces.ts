import { sql, type Kysely } from 'kysely';

/**
 * Face check-in. The database keeps only identifiers: an opaque per-patient key (which is
 * also the Rekognition user id and the S3 folder), face ids and S3 keys; never an image, a
 * vector or a secret (AWS keys live sealed in `secrets`). Consents are kept as a history:
 * a withdrawn one stays, marked withdrawn. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE face_settings (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
      region TEXT NOT NULL DEFAULT '' CHECK (length(region) <= 30),
      collection_id TEXT NOT NULL DEFAULT '' CHECK (length(collection_id) <= 255),
      bucket TEXT NOT NULL DEFAULT '' CHECK (length(bucket) <= 63),
      key_prefix TEXT NOT NULL DEFAULT 'faces/' CHECK (length(key_prefix) <= 200),
      match_threshold REAL NOT NULL DEFAULT 95 CHECK (match_threshold BETWEEN 80 AND 100),
      credential_source TEXT NOT NULL DEFAULT 'default' CHECK (credential_source IN ('default', 'stored')),
      rekognition_endpoint TEXT CHECK (length(rekognition_endpoint) <= 300),
      s3_endpoint TEXT CHECK (length(s3_endpoint) <= 300),
      retention_months INTEGER NOT NULL DEFAULT 24 CHECK (retention_months BETWEEN 0 AND 120),
      updated_at INTEGER NOT NULL
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE face_consents (
      id INTEGER PRIMARY KEY,
      patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
      version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 20),
      locale TEXT NOT NULL CHECK (locale IN ('en', 'pt')),
      agreed_at INTEGER NOT NULL,
      staff_id INTEGER REFERENCES staff(id),
      withdrawn_at INTEGER,
      withdrawn_by INTEGER REFERENCES staff(id),
      withdrawal_reason TEXT CHECK (withdrawal_reason IN ('patient', 'retention'))
    ) STRICT`.execute(db);
  await sql`CREATE INDEX face_consents_by_patient ON face_consents (patient_id, withdrawn_at)`.execute(db);

  // One row per enrolled patient. Where the data went (region, collection, bucket) is kept
  // with it, so a withdrawal deletes the right things after the settings have changed.
  // The *_deleted flags record a withdrawal's progress: a retry skips what is done. No
  // cascade from patients: deleting a patient must not leave their faces in the cloud.
  await sql`
    CREATE TABLE face_enrolments (
      patient_id INTEGER PRIMARY KEY REFERENCES patients(id),
      opaque_key TEXT NOT NULL UNIQUE CHECK (length(opaque_key) BETWEEN 16 AND 64),
      state TEXT NOT NULL CHECK (state IN ('enrolled', 'withdrawing')),
      region TEXT NOT NULL,
      collection_id TEXT NOT NULL,
      bucket TEXT NOT NULL,
      user_id TEXT,
      enrolled_at INTEGER NOT NULL,
      enrolled_by INTEGER REFERENCES staff(id),
      user_deleted INTEGER NOT NULL DEFAULT 0 CHECK (user_deleted IN (0, 1)),
      faces_deleted INTEGER NOT NULL DEFAULT 0 CHECK (faces_deleted IN (0, 1)),
      photos_deleted INTEGER NOT NULL DEFAULT 0 CHECK (photos_deleted IN (0, 1)),
      withdrawal_started_at INTEGER
    ) STRICT`.execute(db);
  await sql`CREATE INDEX face_enrolments_by_user ON face_enrolments (user_id)`.execute(db);

  await sql`
    CREATE TABLE face_photos (
      patient_id INTEGER NOT NULL REFERENCES face_enrolments(patient_id) ON DELETE CASCADE,
      position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),
      face_id TEXT CHECK (length(face_id) <= 64),
      s3_key TEXT CHECK (length(s3_key) <= 400),
      PRIMARY KEY (patient_id, position)
    ) STRICT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE face_photos`.execute(db);
  await sql`DROP TABLE face_enrolments`.execute(db);
  await sql`DROP TABLE face_consents`.execute(db);
  await sql`DROP TABLE face_settings`.execute(db);
}
