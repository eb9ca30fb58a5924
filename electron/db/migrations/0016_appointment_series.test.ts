import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const m = useMigrationDatabase();

describe('migration 0016_appointment_series', () => {
  it('keeps existing appointments out of any series, sends a series on the wire only when set, refuses half a series, and can be undone', async () => {
    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`
      INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Maria', '1980-01-01', 0, 0);
      INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'Physio', 'Fisio', 30, 0, 'F');
      INSERT INTO practitioners (id, full_name) VALUES (1, 'Ana');
      INSERT INTO appointments (id, patient_id, practitioner_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at)
        VALUES (1, 1, 1, 1, 1000, 2000, 0, 0, 0);`);
    const before = sqlite.prepare('SELECT data FROM sync_data_appointment WHERE id = 1').pluck().get() as string;
    expect((await m.migrator.migrateTo('0016_appointment_series')).error).toBeUndefined();

    expect(sqlite.prepare('SELECT series_id, series_index FROM appointments WHERE id = 1').get()).toEqual({ series_id: null, series_index: null });
    expect(JSON.parse(sqlite.prepare('SELECT data FROM sync_data_appointment WHERE id = 1').pluck().get() as string)).toEqual(JSON.parse(before));

    const seriesId = '3f0e4a52-5b1c-4c6e-9d3a-2b7f8e9a1c4d';
    sqlite.exec('UPDATE sync_state SET tracking = 1');
    sqlite
      .prepare(
        `INSERT INTO appointments (id, patient_id, practitioner_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at, series_id, series_index)
         VALUES (2, 1, 1, 1, 5000, 6000, 0, 0, 0, ?, 1)`,
      )
      .run(seriesId);
    const sent = JSON.parse(sqlite.prepare(`SELECT data FROM sync_outbox ORDER BY seq DESC LIMIT 1`).pluck().get() as string);
    expect(sent).toMatchObject({ seriesId, seriesIndex: 1 });
    expect(() => sqlite.exec(`UPDATE appointments SET series_index = NULL WHERE id = 2`)).toThrow(/set together/);
    expect(() => sqlite.prepare(`UPDATE appointments SET series_id = ?, series_index = 1 WHERE id = 1`).run(seriesId)).toThrow(/UNIQUE/);

    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    expect(JSON.parse(sqlite.prepare('SELECT data FROM sync_data_appointment WHERE id = 2').pluck().get() as string)).not.toHaveProperty('seriesId');
  });
});
