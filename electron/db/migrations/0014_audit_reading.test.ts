import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const m = useMigrationDatabase();

describe('migration 0014_audit_reading', () => {
  it('files the entries already written under their patient, leaves the rest alone, and can be undone', async () => {
    expect((await m.migrator.migrateTo('0013_staff_sync')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`
      INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'GP', 'MG', 30, 0, 'G');
      INSERT INTO practitioners (id, full_name) VALUES (1, 'Ana');
      INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (7, 'Maria', '1980-01-01', 0, 0), (8, 'João', '1980-01-01', 0, 0);
      INSERT INTO appointments (id, patient_id, practitioner_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at)
        VALUES (3, 8, 1, 1, 1000, 2000, 0, 0, 0);
      INSERT INTO audit_log (at, action, entity, entity_id) VALUES
        (1, 'patients.read', 'patient', 7), (2, 'appointments.book', 'appointment', 3), (3, 'rooms.save', 'room', 3),
        (4, 'appointments.cancel', 'appointment', 99), (5, 'auth.signIn', '', NULL);`);
    // To this migration, not the latest: later ones add indexes of their own (0017).
    expect((await m.migrator.migrateTo('0014_audit_reading')).error).toBeUndefined();
    expect(sqlite.prepare('SELECT patient_id FROM audit_log ORDER BY at').pluck().all()).toEqual([7, 8, null, null, null]);
    const indexes = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log' ORDER BY name`).pluck().all();
    expect(indexes).toEqual(['audit_log_by_action', 'audit_log_by_patient', 'audit_log_by_staff', 'audit_log_by_time', 'audit_log_by_workstation']);

    expect((await m.migrator.migrateTo('0013_staff_sync')).error).toBeUndefined();
    expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'patient_id'`).pluck().get()).toBe(0);
    expect(sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(5);
  });
});
