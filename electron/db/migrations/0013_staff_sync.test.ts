import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const m = useMigrationDatabase();

describe('migration 0013_staff_sync', () => {
  it('gives accounts a uid and records account and clinic-wide settings changes (only those) once tracking, and can be undone', async () => {
    expect((await m.migrator.migrateTo('0011_schedule_kept')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`
      INSERT INTO practitioners (id, full_name) VALUES (1, 'Ana');
      INSERT INTO staff (id, username, display_name, role, password_hash, practitioner_id, created_at) VALUES
        (1, 'boss', 'The Boss', 'admin', 'scrypt$hash-1', NULL, 0), (2, 'ana', 'Dr Ana', 'doctor', 'scrypt$hash-2', 1, 0);
      INSERT INTO settings (key, value) VALUES ('clinicName', '"Clínica"'), ('hostNames', '[]');`);
    expect((await m.migrator.migrateTo('0013_staff_sync')).error).toBeUndefined();

    const uids = sqlite.prepare('SELECT uid FROM staff ORDER BY id').pluck().all() as string[];
    expect(uids).toHaveLength(2);
    for (const uid of uids) expect(uid).toMatch(UUID_V4);
    expect(uids[0]).not.toBe(uids[1]);
    const outbox = () =>
      sqlite.prepare('SELECT entity, uid, op, data FROM sync_outbox ORDER BY seq').all() as Array<{ entity: string; uid: string; data: string }>;
    // Not set up (no setUpAt): no clinic row to send, and a settings change is no error.
    expect(sqlite.prepare('SELECT count(*) FROM sync_data_clinic').pluck().get()).toBe(0);
    sqlite.exec(`UPDATE sync_state SET tracking = 1`);
    sqlite.exec(`UPDATE settings SET value = '"Clínica Nova"' WHERE key = 'clinicName'`);
    expect(outbox()).toEqual([]);

    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('setUpAt', '1')`);
    // Per-desk keys and account state that is not the account's definition: nothing to send.
    sqlite.exec(`UPDATE settings SET value = '["recepcao.local"]' WHERE key = 'hostNames'`);
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('displayOnSecondScreen', 'false'), ('isDemo', 'false')`);
    sqlite.exec(`UPDATE staff SET created_at = 5 WHERE id = 1`);
    expect(outbox()).toEqual([]);

    sqlite.exec(`UPDATE staff SET display_name = 'Dr Ana Almeida', is_active = 0 WHERE id = 2`);
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('displayPrivacy', '"ticketOnly"')`);
    sqlite.exec(`UPDATE settings SET value = '"Atlantic/Azores"' WHERE key = 'timeZone'`); // not stored yet: no row, no change
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('timeZone', '"Atlantic/Azores"')`);
    sqlite.exec(`INSERT INTO staff (username, display_name, role, password_hash, created_at) VALUES ('rita', 'Rita', 'receptionist', 'scrypt$hash-3', 9)`);
    const entries = outbox();
    expect(entries.map((entry) => entry.entity)).toEqual(['staff', 'clinic', 'staff']);
    expect(entries[0]!.uid).toBe(uids[1]);
    expect(JSON.parse(entries[0]!.data)).toEqual({
      username: 'ana',
      displayName: 'Dr Ana Almeida',
      role: 'doctor',
      passwordHash: 'scrypt$hash-2',
      practitionerUid: sqlite.prepare('SELECT uid FROM practitioners WHERE id = 1').pluck().get(),
      locale: 'en',
      isDisabled: true,
    });
    // The whole clinic row, folded into one entry; unset keys at their defaults.
    expect(entries[1]!.uid).toBe('00000000-0000-4000-8000-000000000001');
    expect(JSON.parse(entries[1]!.data)).toEqual({
      clinicName: 'Clínica Nova',
      timeZone: 'Atlantic/Azores',
      locale: 'en',
      currency: 'EUR',
      idleLockMinutes: 10,
      slotStepMinutes: 15,
      graceMinutes: 10,
      noShowAfterMinutes: 30,
      kioskEarlyMinutes: 60,
      kioskLateMinutes: 30,
      displayPrivacy: 'ticketOnly',
      announcementLanguage: 'clinic',
    });
    expect(entries[2]!.uid).toMatch(UUID_V4);

    expect((await m.migrator.migrateTo('0011_schedule_kept')).error).toBeUndefined();
    expect(
      sqlite.prepare(`SELECT count(*) FROM sqlite_schema WHERE name LIKE '%staff_%sync%' OR name LIKE 'settings_sync%' OR name = 'staff_by_uid'`).pluck().get(),
    ).toBe(0);
    expect(sqlite.prepare(`SELECT count(*) FROM sync_outbox WHERE entity IN ('staff', 'clinic')`).pluck().get()).toBe(0);
    expect(sqlite.prepare('SELECT count(*) FROM staff').pluck().get()).toBe(3);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
  });
});
