import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, type MigrationProvider } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../database';
import { searchPatients } from '../../patients/patients.service';
import { migrations } from './index';

const provider: MigrationProvider = { getMigrations: async () => migrations };

describe('0002_patient_search', () => {
  let dir: string;
  let database: OpenedDatabase;

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the patients a database already had, and can be undone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-'));
    database = openDatabase(join(dir, 'front-desk.db'));
    const migrator = new Migrator({ db: database.db, provider });
    expect((await migrator.migrateTo('0001_initial')).error).toBeUndefined();
    database.sqlite
      .prepare(
        `INSERT INTO patients (full_name, preferred_name, date_of_birth, phone, email, tax_id, name_key, phone_digits, created_at, updated_at)
         VALUES ('Benedita Magalhães', 'Dita', '1933-03-03', '+351 912 777 888', 'Dita@Mail.pt', '123 456-789', 'benedita magalhaes', '351912777888', 0, 0)`,
      )
      .run();

    expect((await migrator.migrateTo('0002_patient_search')).error).toBeUndefined();
    const indexes = database.sqlite
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'patients' AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all();
    expect(indexes).toEqual([
      'patients_by_birth',
      'patients_by_email_key',
      'patients_by_name_and_birth',
      'patients_by_phone',
      'patients_by_phone_tail',
      'patients_by_tax_key',
    ]);
    // Searched with today's search, so on today's schema: the rows indexed here are still found after every later migration.
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    for (const query of ['magalhaes', 'dita', '7888', '912 777', '1234', 'dita@', '03/03/1933']) {
      expect(
        (await searchPatients(database.db, query, 20)).map((patient) => patient.fullName),
        query,
      ).toEqual(['Benedita Magalhães']);
    }

    expect((await migrator.migrateTo('0001_initial')).error).toBeUndefined();
    const left = database.sqlite.prepare(`SELECT name FROM sqlite_schema WHERE name LIKE '%search%' OR name LIKE '%tail%'`).all();
    expect(left).toEqual([]);
    expect(database.sqlite.prepare('SELECT full_name FROM patients').pluck().all()).toEqual(['Benedita Magalhães']);
  });
});
