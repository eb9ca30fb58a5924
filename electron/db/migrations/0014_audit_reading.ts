import { sql, type Kysely } from 'kysely';

/**
 * Reading the audit log on screen: by patient, member of staff, workstation and action, newest
 * first, a page at a time (keyset on `at`, `id`). Frozen in time like every migration.
 *
 * `patient_id` says whose record an entry is about: the patient's own (entity `patient`) or
 * their appointment's (entity `appointment`, looked up when the entry is written, so a later
 * move of the appointment does not rewrite history). It has no foreign key: the log must
 * outlive whatever happens to the record it speaks of. The log does not sync (0007 has no
 * trigger on it), so the column stays local like the rest of the table.
 *
 * Each index ends in `at` (and SQLite's rowid, the `id`), so every filter walks its index in
 * the log's order and a page costs the same in the first week and after ten years.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN patient_id INTEGER`.execute(db);
  await sql`
    UPDATE audit_log SET patient_id = CASE entity
      WHEN 'patient' THEN entity_id
      WHEN 'appointment' THEN (SELECT a.patient_id FROM appointments a WHERE a.id = audit_log.entity_id)
    END
    WHERE entity IN ('patient', 'appointment') AND entity_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX audit_log_by_patient ON audit_log (patient_id, at) WHERE patient_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX audit_log_by_staff ON audit_log (staff_id, at) WHERE staff_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX audit_log_by_workstation ON audit_log (workstation, at)`.execute(db);
  await sql`CREATE INDEX audit_log_by_action ON audit_log (action, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['audit_log_by_patient', 'audit_log_by_staff', 'audit_log_by_workstation', 'audit_log_by_action']) {
    await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db);
  }
  await sql`ALTER TABLE audit_log DROP COLUMN patient_id`.execute(db);
}
