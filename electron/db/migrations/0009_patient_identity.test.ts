import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-test-database';

const m = useMigrationDatabase();

describe('migration 0009_patient_identity', () => {
  it('rewrites readable phones in E.164, keeps and flags the rest, and can be undone', async () => {
    expect((await m.migrator.migrateTo('0008_sync_resync')).error).toBeUndefined();
    const sqlite = m.database.sqlite;
    const typed = ['912 345 678', '+351 912-345-678', '00351 212345678', '351912345679', '+44 20 7946 0958', '0033 1 23 45 67 89', 'ext. 12', '12345', ''];
    const insert = sqlite.prepare(
      `INSERT INTO patients (full_name, date_of_birth, phone, phone_digits, created_at, updated_at) VALUES ('P', '1980-01-01', ?, ?, 0, 0)`,
    );
    for (const phone of typed) insert.run(phone, phone.replace(/\D+/g, ''));

    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
    const rows = sqlite.prepare('SELECT phone, phone_digits, phone_needs_review, tax_country FROM patients ORDER BY id').all();
    expect(rows).toEqual([
      { phone: '+351912345678', phone_digits: '351912345678', phone_needs_review: 0, tax_country: 'PT' },
      { phone: '+351912345678', phone_digits: '351912345678', phone_needs_review: 0, tax_country: 'PT' },
      { phone: '+351212345678', phone_digits: '351212345678', phone_needs_review: 0, tax_country: 'PT' },
      { phone: '+351912345679', phone_digits: '351912345679', phone_needs_review: 0, tax_country: 'PT' },
      { phone: '+442079460958', phone_digits: '442079460958', phone_needs_review: 0, tax_country: 'PT' },
      { phone: '+33123456789', phone_digits: '33123456789', phone_needs_review: 0, tax_country: 'PT' },
      { phone: 'ext. 12', phone_digits: '12', phone_needs_review: 1, tax_country: 'PT' },
      { phone: '12345', phone_digits: '12345', phone_needs_review: 1, tax_country: 'PT' },
      { phone: '', phone_digits: '', phone_needs_review: 0, tax_country: 'PT' },
    ]);

    // A merged patient leaves the name index, and a patient cannot be merged into itself.
    sqlite.prepare('UPDATE patients SET merged_into_id = 1, merged_at = 5 WHERE id = 2').run();
    expect(sqlite.prepare(`SELECT rowid FROM patient_name_search WHERE patient_name_search MATCH 'p' ORDER BY rowid`).pluck().all()).not.toContain(2);
    expect(() => sqlite.prepare('UPDATE patients SET merged_into_id = 3 WHERE id = 3').run()).toThrow(/CHECK/);

    expect((await m.migrator.migrateTo('0008_sync_resync')).error).toBeUndefined();
    expect(sqlite.prepare(`SELECT rowid FROM patient_name_search WHERE patient_name_search MATCH 'p' ORDER BY rowid`).pluck().all()).toContain(2);
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
  });
});
