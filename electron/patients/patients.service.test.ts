import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { patientFields, type PatientFields } from '../../shared/patients/patients.contract';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { indexedExpressions } from './patient-search';
import { createPatient, findDuplicates, getPatient, searchPatients, updatePatientFields } from './patients.service';

// Creating, reading and updating patients, and the duplicate checks. The search is tested
// in patients-search.test.ts.

const NOW = Date.UTC(2026, 5, 15, 9, 0);

let dir: string;
let database: OpenedDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-'));
  database = await openMigratedDatabase(join(dir, 'front-desk.db'));
});

afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

function fields(values: Partial<PatientFields> & { fullName: string }): PatientFields {
  return patientFields.parse({ dateOfBirth: '1980-01-01', ...values });
}

async function add(values: Partial<PatientFields> & { fullName: string }) {
  return createPatient(database.db, { fields: fields(values), confirmedNotDuplicate: true }, NOW);
}

async function names(query: string, limit = 20): Promise<string[]> {
  return (await searchPatients(database.db, query, limit)).map((patient) => patient.fullName);
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('create, get and update', () => {
  it('stores the fields and the derived keys, and reads them back', async () => {
    const created = await add({ fullName: 'Zulmira Assunção Mourão', phone: '+351 912 000 111', email: 'zulmira@example.pt', taxId: '123456789' });
    expect(created).toMatchObject({
      fullName: 'Zulmira Assunção Mourão',
      phone: '+351912000111',
      phoneIsPtMobile: true,
      taxCountry: 'PT',
      sex: 'unknown',
      preferredLanguage: 'pt',
      createdAt: NOW,
    });
    expect(await getPatient(database.db, created.id)).toEqual(created);
    const { PHONE_TAIL, TAX_KEY, EMAIL_KEY } = indexedExpressions;
    const row = database.sqlite
      .prepare(`SELECT name_key, phone_digits, ${PHONE_TAIL} AS tail, ${TAX_KEY} AS tax, ${EMAIL_KEY} AS email FROM patients WHERE id = ?`)
      .get(created.id);
    expect(row).toEqual({
      name_key: 'zulmira assuncao mourao',
      phone_digits: '351912000111',
      tail: '111000219153',
      tax: '123456789',
      email: 'zulmira@example.pt',
    });
  });

  it('updates, reports which fields changed and keeps the search index in step', async () => {
    const created = await add({ fullName: 'Gertrudes Abrantes', phone: '919 111 222' });
    expect(await names('gertrudes')).toContain('Gertrudes Abrantes');
    const { patient, changed } = await updatePatientFields(
      database.db,
      created.id,
      fields({ fullName: 'Gertrudes Valadares', phone: '919 111 222' }),
      NOW + 1000,
    );
    expect(patient).toMatchObject({ fullName: 'Gertrudes Valadares', updatedAt: NOW + 1000, createdAt: NOW });
    expect(changed).toEqual(['fullName']);
    expect(await names('abrantes')).not.toContain('Gertrudes Valadares');
    expect(await names('valadares')).toEqual(['Gertrudes Valadares']);
    expect(await names('gertrudes abr')).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown patient', async () => {
    expect((await failure(getPatient(database.db, 999_999))).code).toBe('NOT_FOUND');
    expect((await failure(updatePatientFields(database.db, 999_999, fields({ fullName: 'Nobody' }), NOW))).code).toBe('NOT_FOUND');
  });

  it('refuses a name without letters and a birth date in the future, writing nothing', async () => {
    const before = database.sqlite.prepare('SELECT count(*) AS n FROM patients').get();
    const noName = await failure(add({ fullName: '---' }));
    expect(noName.code).toBe('VALIDATION');
    expect(noName.details).toMatchObject({ fields: [{ path: 'fields.fullName' }] });
    expect((await failure(add({ fullName: 'Futuro', dateOfBirth: '2027-01-01' }))).code).toBe('VALIDATION');
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM patients').get()).toEqual(before);
  });
});

describe('duplicates', () => {
  it('refuses a patient with the same name and birth date, unless confirmed', async () => {
    const first = await add({ fullName: 'Leopoldina Faria', dateOfBirth: '1944-02-29' });
    const error = await failure(
      createPatient(database.db, { fields: fields({ fullName: 'leopoldina  FÁRIA', dateOfBirth: '1944-02-29' }), confirmedNotDuplicate: false }, NOW),
    );
    expect(error.code).toBe('POSSIBLE_DUPLICATE');
    expect(error.details).toEqual({ matches: [expect.objectContaining({ id: first.id, fullName: 'Leopoldina Faria' })], sameTaxId: [] });
    const second = await createPatient(
      database.db,
      { fields: fields({ fullName: 'leopoldina  FÁRIA', dateOfBirth: '1944-02-29' }), confirmedNotDuplicate: true },
      NOW,
    );
    expect(second.id).not.toBe(first.id);
  });

  it('does not call the same name with another birth date a duplicate', async () => {
    await add({ fullName: 'Teodora Pimenta', dateOfBirth: '1950-01-01' });
    const other = await createPatient(
      database.db,
      { fields: fields({ fullName: 'Teodora Pimenta', dateOfBirth: '1951-01-01' }), confirmedNotDuplicate: false },
      NOW,
    );
    expect(other.fullName).toBe('Teodora Pimenta');
  });

  it('refuses the same phone written another way', async () => {
    const first = await add({ fullName: 'Heitor Brás', phone: '+351 967 000 999' });
    const error = await failure(
      createPatient(database.db, { fields: fields({ fullName: 'Outra Pessoa', phone: '967000999' }), confirmedNotDuplicate: false }, NOW),
    );
    expect(error.code).toBe('POSSIBLE_DUPLICATE');
    expect((error.details as { matches: Array<{ id: number }> }).matches.map((match) => match.id)).toEqual([first.id]);
  });

  it('lists matches for the form, leaving out the patient being edited', async () => {
    const patient = await add({ fullName: 'Crisóstomo Leal', dateOfBirth: '1966-06-06', phone: '00351 925 555 444' });
    expect((await findDuplicates(database.db, { fullName: 'Crisostomo Leal', dateOfBirth: '1966-06-06' })).map((match) => match.id)).toEqual([patient.id]);
    expect((await findDuplicates(database.db, { fullName: '', phone: '925 555 444' })).map((match) => match.id)).toEqual([patient.id]);
    expect(await findDuplicates(database.db, { fullName: 'Crisostomo Leal', dateOfBirth: '1966-06-06', excludeId: patient.id })).toEqual([]);
    expect(await findDuplicates(database.db, { fullName: 'Crisostomo Leal' })).toEqual([]);
  });
});
