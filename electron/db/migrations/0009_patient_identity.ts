import { sql, type Kysely } from 'kysely';

/**
 * Who a patient is, kept straight: tax ids with a country, phones in E.164, duplicates merged
 * into one record, and a patient booked twice at once only on purpose. Frozen in time like
 * every migration.
 *
 * Phones: the numbers typed so far become E.164 where the rule below can read them (a
 * Portuguese number of nine digits with or without 351 / 00351 / +351, or any number typed
 * with + or 00 and a plausible length); any other stays as typed and is flagged
 * `phone_needs_review`, so the desk can fix it when it next opens the record. The rule is
 * written here in SQL, not by the app's phone library, so that this migration does the same
 * on every install and in seconds on a million patients.
 *
 * Merged patients: a duplicate is never deleted (sync and the audit log keep naming it); it
 * points at the record it was merged into, drops out of the name index, and its tax id and
 * merge travel to the cloud with the rest of the patient.
 */

const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;

const PATIENT_COLUMNS_0007 = ['full_name', 'preferred_name', 'date_of_birth', 'sex', 'phone', 'email', 'tax_id', 'address', 'preferred_language', 'notes'];
const PATIENT_COLUMNS = [...PATIENT_COLUMNS_0007, 'tax_country', 'merged_into_id'];

const patientView = (withIdentity: boolean) => `SELECT id, uid, json_object(
    'fullName', full_name, 'preferredName', preferred_name, 'dateOfBirth', date_of_birth, 'sex', sex,
    'phone', phone, 'email', email, 'taxId', tax_id, 'address', address,
    'preferredLanguage', preferred_language, 'notes', notes${
      withIdentity ? `, 'taxCountry', tax_country, 'mergedIntoUid', (SELECT m.uid FROM patients m WHERE m.id = patients.merged_into_id)` : ''
    }) AS data
  FROM patients`;

/** As 0007 wrote it: fold into the newest unsent entry of this row, or append. */
function recordUpsert(rowId: string): string {
  const newestIsThisRow = `
    seq = (SELECT max(seq) FROM sync_outbox) AND entity = 'patient' AND op = 'upsert' AND attempts = 0
    AND uid = (SELECT uid FROM patients WHERE id = ${rowId})`;
  return `
    UPDATE sync_outbox SET data = (SELECT data FROM sync_data_patient WHERE id = ${rowId}), created_at = ${NOW_MS}
      WHERE ${IS_TRACKING} AND ${newestIsThisRow};
    INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${UUID}, 'patient', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_patient v
      WHERE v.id = ${rowId} AND v.uid IS NOT NULL AND ${IS_TRACKING}
        AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;
}

async function createPatientUpdateTrigger(db: Kysely<any>, columns: string[]): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS patients_sync_after_update`.execute(db);
  const changed = columns.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE TRIGGER patients_sync_after_update AFTER UPDATE OF ${columns.join(', ')} ON patients
       WHEN ${changed}
       BEGIN ${recordUpsert('NEW.id')} END`,
    )
    .execute(db);
}

async function createNameSource(db: Kysely<any>, activeOnly: boolean): Promise<void> {
  await sql`DROP VIEW IF EXISTS patient_name_search_source`.execute(db);
  await sql
    .raw(
      `CREATE VIEW patient_name_search_source AS
       SELECT id, full_name || ' ' || preferred_name AS name FROM patients${activeOnly ? ' WHERE merged_into_id IS NULL' : ''}`,
    )
    .execute(db);
}

// Digits only of what was typed, and the E.164 reading of it (NULL: none).
const DIGITS = 'phone_digits';
const TYPED_PLUS = `ltrim(phone) LIKE '+%'`;
const E164_FROM_TYPED = `CASE
  WHEN phone = '' THEN ''
  WHEN NOT ${TYPED_PLUS} AND length(${DIGITS}) = 9 AND ${DIGITS} GLOB '[239]*' THEN '+351' || ${DIGITS}
  WHEN length(${DIGITS}) = 12 AND ${DIGITS} GLOB '351[239]*' THEN '+' || ${DIGITS}
  WHEN length(${DIGITS}) = 14 AND ${DIGITS} GLOB '00351[239]*' THEN '+' || substr(${DIGITS}, 3)
  WHEN ${TYPED_PLUS} AND length(${DIGITS}) BETWEEN 8 AND 15 AND ${DIGITS} GLOB '[1-9]*' THEN '+' || ${DIGITS}
  WHEN NOT ${TYPED_PLUS} AND length(${DIGITS}) BETWEEN 10 AND 17 AND ${DIGITS} GLOB '00[1-9]*' THEN '+' || substr(${DIGITS}, 3)
  ELSE NULL END`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE patients ADD COLUMN tax_country TEXT NOT NULL DEFAULT 'PT' CHECK (length(tax_country) = 2 AND tax_country = upper(tax_country))`.execute(
    db,
  );
  await sql`ALTER TABLE patients ADD COLUMN phone_needs_review INTEGER NOT NULL DEFAULT 0 CHECK (phone_needs_review IN (0, 1))`.execute(db);
  await sql`ALTER TABLE patients ADD COLUMN merged_into_id INTEGER REFERENCES patients (id) CHECK (merged_into_id IS NOT id)`.execute(db);
  await sql`ALTER TABLE patients ADD COLUMN merged_at INTEGER`.execute(db);
  await sql`CREATE INDEX patients_by_merged_into ON patients (merged_into_id) WHERE merged_into_id IS NOT NULL`.execute(db);

  // A visit with two practitioners at once, booked so on purpose.
  await sql`ALTER TABLE appointments ADD COLUMN is_combined_visit INTEGER NOT NULL DEFAULT 0 CHECK (is_combined_visit IN (0, 1))`.execute(db);

  // The sync view and trigger first, so that the phones rewritten below travel in the new shape.
  await sql`DROP VIEW IF EXISTS sync_data_patient`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_patient AS ${patientView(true)}`).execute(db);
  await createPatientUpdateTrigger(db, PATIENT_COLUMNS);
  await createNameSource(db, true);
  await sql`
    CREATE TRIGGER patients_search_after_merge AFTER UPDATE OF merged_into_id ON patients BEGIN
      DELETE FROM patient_name_search WHERE rowid = OLD.id;
      INSERT INTO patient_name_search (rowid, name) SELECT id, name FROM patient_name_search_source WHERE id = NEW.id;
    END`.execute(db);

  await sql
    .raw(
      `UPDATE patients SET
         phone = coalesce(${E164_FROM_TYPED}, phone),
         phone_digits = CASE WHEN (${E164_FROM_TYPED}) IS NULL THEN phone_digits ELSE substr(${E164_FROM_TYPED}, 2) END,
         phone_needs_review = CASE WHEN phone <> '' AND (${E164_FROM_TYPED}) IS NULL THEN 1 ELSE 0 END
       WHERE phone <> ''`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS patients_search_after_merge`.execute(db);
  await createNameSource(db, false);
  // Merged patients come back into the name index.
  await sql`INSERT INTO patient_name_search (rowid, name) SELECT id, full_name || ' ' || preferred_name FROM patients WHERE merged_into_id IS NOT NULL`.execute(
    db,
  );
  await createPatientUpdateTrigger(db, PATIENT_COLUMNS_0007);
  await sql`DROP VIEW IF EXISTS sync_data_patient`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_patient AS ${patientView(false)}`).execute(db);
  await sql`DROP INDEX IF EXISTS patients_by_merged_into`.execute(db);
  await sql`ALTER TABLE appointments DROP COLUMN is_combined_visit`.execute(db);
  for (const column of ['merged_at', 'merged_into_id', 'phone_needs_review', 'tax_country']) {
    await sql.raw(`ALTER TABLE patients DROP COLUMN ${column}`).execute(db);
  }
}
