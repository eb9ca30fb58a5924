import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { foldText, phoneDigits } from '../../shared/patients/patient-keys';
import { patientFields } from '../../shared/patients/patients.contract';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { searchPatients } from '../patients/patients.service';
import { generatePatients, insertPatientsBulk, isValidNif, nifCheckDigit, patientRows } from './patient-generator';

describe('generatePatients', () => {
  const rows = generatePatients(5000, 1234);

  it('gives the same patients for the same seed, and others for another seed', () => {
    expect(generatePatients(50, 1234)).toEqual(rows.slice(0, 50));
    expect(generatePatients(50, 1235)).not.toEqual(rows.slice(0, 50));
    expect(Array.from(patientRows(50, 1234))).toEqual(rows.slice(0, 50));
  });

  it('makes rows the patient form would accept, with the derived keys filled', () => {
    for (const row of rows) {
      const parsed = patientFields.safeParse({
        fullName: row.full_name,
        preferredName: row.preferred_name,
        dateOfBirth: row.date_of_birth,
        sex: row.sex,
        phone: row.phone,
        email: row.email,
        taxId: row.tax_id,
        address: row.address,
        preferredLanguage: row.preferred_language,
        notes: row.notes,
      });
      expect(parsed.success, JSON.stringify(row)).toBe(true);
      expect(row.name_key).toBe(foldText(row.full_name));
      expect(row.phone_digits).toBe(phoneDigits(row.phone));
      expect(row.updated_at).toBe(row.created_at);
    }
  });

  it('looks Portuguese: accents, nicknames, births 1930–2024, +351 mobiles, mostly pt', () => {
    expect(rows.some((row) => /[ãçéíóúâêô]/i.test(row.full_name))).toBe(true);
    expect(rows.every((row) => row.full_name.split(' ').length >= 2)).toBe(true);
    const share = (test: (row: (typeof rows)[number]) => boolean) => rows.filter(test).length / rows.length;
    expect(share((row) => row.preferred_name !== '')).toBeGreaterThan(0.05);
    expect(share((row) => row.preferred_name !== '')).toBeLessThan(0.3);
    expect(share((row) => row.email !== '')).toBeGreaterThan(0.6);
    expect(share((row) => row.preferred_language === 'pt')).toBeGreaterThan(0.85);
    expect(share((row) => /^\+3519[1236]\d{7}$/.test(row.phone))).toBeGreaterThan(0.8);
    const births = rows.map((row) => row.date_of_birth).sort();
    expect(births[0]! >= '1930-01-01' && births.at(-1)! <= '2024-12-31').toBe(true);
    expect(births[0]! < '1940-01-01' && births.at(-1)! > '2015-01-01').toBe(true);
    expect(new Set(rows.map((row) => row.sex))).toEqual(new Set(['female', 'male', 'other', 'unknown']));
  });

  it('gives valid NIFs and phones that do not repeat', () => {
    const nifs = rows.map((row) => row.tax_id).filter(Boolean);
    expect(nifs.length).toBeGreaterThan(rows.length * 0.85);
    for (const nif of nifs) expect(isValidNif(nif), nif).toBe(true);
    expect(new Set(nifs).size).toBe(nifs.length);
    const phones = rows.map((row) => row.phone_digits.slice(-9)).filter(Boolean);
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('computes the NIF check digit (modulo 11, 10 and 11 become 0)', () => {
    expect(nifCheckDigit('12345678')).toBe(9);
    expect(isValidNif('123456789')).toBe(true);
    expect(isValidNif('123456780')).toBe(false);
    expect(isValidNif('12345678')).toBe(false);
  });
});

describe('insertPatientsBulk', () => {
  let dir: string | null = null;
  let database: OpenedDatabase | null = null;

  async function open(): Promise<OpenedDatabase> {
    dir = mkdtempSync(join(tmpdir(), 'fd-'));
    database = await openMigratedDatabase(join(dir, 'front-desk.db'));
    return database;
  }

  afterEach(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    database = null;
    dir = null;
  });

  const schema = (db: OpenedDatabase) => db.sqlite.prepare(`SELECT type, name, sql FROM sqlite_schema ORDER BY name`).all();

  it('inserts every row, leaves the schema as it was and the rows searchable', async () => {
    const db = await open();
    const before = schema(db);
    const rows = generatePatients(2000, 9);
    expect(insertPatientsBulk(db.sqlite, rows)).toBe(2000);
    expect(schema(db)).toEqual(before);
    expect(db.sqlite.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(2000);
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.sqlite.exec(`INSERT INTO patient_name_search (patient_name_search) VALUES ('integrity-check')`)).not.toThrow();
    expect(db.sqlite.prepare('SELECT count(*) FROM patient_name_search').pluck().get()).toBe(2000);

    const target = rows[1234]!;
    const found = await searchPatients(db.db, target.full_name, 50);
    expect(found.map((patient) => patient.fullName)).toContain(target.full_name);
    expect((await searchPatients(db.db, target.phone_digits.slice(-6), 50)).map((patient) => patient.id)).toContain(1235);

    // The triggers are back: a write after the load is indexed as usual.
    db.sqlite
      .prepare(
        `INSERT INTO patients (full_name, date_of_birth, name_key, created_at, updated_at) VALUES ('Ondina Pós-Carga', '1970-01-01', 'ondina pos carga', 0, 0)`,
      )
      .run();
    expect((await searchPatients(db.db, 'ondina', 20)).map((patient) => patient.fullName)).toEqual(['Ondina Pós-Carga']);
  });

  it('adds to a table that already has patients, indexing only the new ones once', async () => {
    const db = await open();
    insertPatientsBulk(db.sqlite, generatePatients(300, 1));
    insertPatientsBulk(db.sqlite, generatePatients(300, 2));
    expect(db.sqlite.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(600);
    const first = db.sqlite.prepare('SELECT full_name FROM patients WHERE id = 1').pluck().get() as string;
    const results = await searchPatients(db.db, first, 50);
    expect(results.filter((patient) => patient.id === 1)).toHaveLength(1);
    expect(db.sqlite.prepare('SELECT count(*) FROM patient_name_search').pluck().get()).toBe(600);
  });

  it('changes nothing when a row is refused', async () => {
    const db = await open();
    insertPatientsBulk(db.sqlite, generatePatients(10, 3));
    const before = schema(db);
    const rows = generatePatients(20, 4);
    rows[15] = { ...rows[15]!, sex: 'robot' as never };
    expect(() => insertPatientsBulk(db.sqlite, rows)).toThrow(/CHECK/);
    expect(db.sqlite.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(10);
    expect(schema(db)).toEqual(before);
  });
});
