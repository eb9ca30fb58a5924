import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const m = useMigrationDatabase();

describe('migration 0007_sync', () => {
  it('gives existing rows a uid, makes this desk an id, writes no outbox, and can be undone', async () => {
    expect((await m.migrator.migrateTo('0005_secrets')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`
      INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'General', 'Geral', 30, 4000, 'G');
      INSERT INTO rooms (id, name) VALUES (1, 'Room 1');
      INSERT INTO practitioners (id, full_name, default_room_id) VALUES (1, 'Ana', 1), (2, 'Bruno', NULL);
      INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Maria', '1980-01-01', 0, 0);
      INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at)
        VALUES (1, 1, 1, 1, 0, 1800000, 0, 0, 0), (1, 2, NULL, 1, 0, 1800000, 0, 0, 0);`);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();

    const uids = ['specialties', 'rooms', 'practitioners', 'patients', 'appointments'].flatMap((table) =>
      (sqlite.prepare(`SELECT uid FROM ${table}`).all() as Array<{ uid: string }>).map((row) => row.uid),
    );
    expect(uids).toHaveLength(7);
    for (const uid of uids) expect(uid).toMatch(UUID_V4);
    expect(new Set(uids).size).toBe(7);
    expect(sqlite.prepare(`SELECT origin FROM appointments`).pluck().all()).toEqual(['', '']);
    const state = sqlite.prepare('SELECT client_id, enabled, tracking, applying, pull_interval_seconds, cursor FROM sync_state').get();
    expect(state).toEqual({ client_id: expect.stringMatching(UUID_V4), enabled: 0, tracking: 0, applying: 0, pull_interval_seconds: 15, cursor: null });
    expect(sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(0);
    expect(() => sqlite.prepare(`UPDATE rooms SET uid = (SELECT uid FROM specialties) WHERE id = 1`).run()).not.toThrow(); // uids are unique per table
    expect(() => sqlite.prepare(`UPDATE practitioners SET uid = (SELECT uid FROM practitioners WHERE id = 1) WHERE id = 2`).run()).toThrow(/UNIQUE/);

    expect((await m.migrator.migrateTo('0005_secrets')).error).toBeUndefined();
    expect(sqlite.prepare(`SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sync_%' OR sql LIKE '%uid TEXT%'`).pluck().get()).toBe(0);
    expect(sqlite.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(2);
  });
});
