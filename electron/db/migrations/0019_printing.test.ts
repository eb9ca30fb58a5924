import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const m = useMigrationDatabase();

describe('migration 0019_printing', () => {
  it('gives devices a printer flag, off, that is 0 or 1', async () => {
    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`INSERT INTO devices (id, name, role, token_hash, created_at) VALUES (1, 'Kiosk', 'kiosk', 'h', 0)`);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
    expect(sqlite.prepare('SELECT has_printer FROM devices WHERE id = 1').pluck().get()).toBe(0);
    sqlite.exec(`UPDATE devices SET has_printer = 1 WHERE id = 1`);
    expect(() => sqlite.exec(`UPDATE devices SET has_printer = 2 WHERE id = 1`)).toThrow(/CHECK/);
    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    expect(sqlite.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(1);
  });

  it("sends the clinic's address and phone with its row, records a change of either, and can be undone", async () => {
    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('clinicName', '"Clínica"'), ('setUpAt', '1')`);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
    const clinicRow = () => JSON.parse(sqlite.prepare('SELECT data FROM sync_data_clinic').pluck().get() as string) as Record<string, unknown>;
    // Unset: empty, like the name.
    expect(clinicRow()).toMatchObject({ clinicName: 'Clínica', clinicAddress: '', clinicPhone: '' });

    sqlite.exec(`UPDATE sync_state SET tracking = 1`);
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('clinicPhone', '"+351 210 000 000"')`);
    sqlite.exec(`INSERT INTO settings (key, value) VALUES ('clinicAddress', '"Rua Augusta 1, Lisboa"')`);
    const entries = sqlite.prepare(`SELECT entity, data FROM sync_outbox ORDER BY seq`).all() as Array<{ entity: string; data: string }>;
    // Folded into one entry, the whole row.
    expect(entries.map((entry) => entry.entity)).toEqual(['clinic']);
    expect(JSON.parse(entries[0]!.data)).toMatchObject({ clinicName: 'Clínica', clinicAddress: 'Rua Augusta 1, Lisboa', clinicPhone: '+351 210 000 000' });

    expect((await m.migrator.migrateTo('0015_clinic_holidays')).error).toBeUndefined();
    expect(clinicRow()).not.toHaveProperty('clinicAddress');
    expect(sqlite.prepare(`SELECT count(*) FROM settings WHERE key IN ('clinicAddress', 'clinicPhone')`).pluck().get()).toBe(0);
    // The old triggers are back: a name change is still recorded.
    sqlite.exec(`DELETE FROM sync_outbox`);
    sqlite.exec(`UPDATE settings SET value = '"Clínica Nova"' WHERE key = 'clinicName'`);
    expect(sqlite.prepare(`SELECT count(*) FROM sync_outbox WHERE entity = 'clinic'`).pluck().get()).toBe(1);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
  });
});
