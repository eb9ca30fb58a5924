import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../shared/patients/patient-keys';
import { patientFields, type PatientFields } from '../../shared/patients/patients.contract';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { generatePatients, insertPatientsBulk } from '../demo/patient-generator';
import { buildSearchStatement, planSearch } from './patient-search';
import { createPatient, searchPatients } from './patients.service';

// searchPatients (patients.service.ts) on a migrated database: what it finds, in what order,
// that every kind of query is read from an index, and properties over generated patients.
// Reading a query and building its statement, without a database: patient-search.test.ts.

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

describe('search', () => {
  beforeAll(async () => {
    await add({
      fullName: 'João Conceição Gonçalves',
      preferredName: 'Joca',
      dateOfBirth: '1990-05-12',
      phone: '+351 912 345 678',
      email: 'joao.goncalves@sapo.pt',
      taxId: '245123458',
    });
    await add({ fullName: 'Maria João Albuquerque', dateOfBirth: '1971-03-04', phone: '933 222 111', taxId: '198765436' });
    await add({ fullName: 'Ana Maria Silvestre', preferredName: 'Mimi', dateOfBirth: '1990-05-12', email: 'ana.silvestre@gmail.com' });
    await add({ fullName: 'Silvestre Ramalho', dateOfBirth: '1955-11-30', phone: '(+351) 213-456-789' });
    await add({ fullName: 'Albuquerque Silvestrino Matos', dateOfBirth: '2001-01-01' });
    await add({ fullName: 'Abel Silvestres', dateOfBirth: '2002-02-02' });
    await add({ fullName: 'Mariana Silvestres', dateOfBirth: '2003-03-03' });
  });

  it('finds a surname by its first letters, whatever the case', async () => {
    expect(await names('gonç')).toEqual(['João Conceição Gonçalves']);
    expect(await names('ALBUQ')).toEqual(['Albuquerque Silvestrino Matos', 'Maria João Albuquerque']);
  });

  it('ignores accents both ways', async () => {
    expect(await names('conceicao')).toEqual(['João Conceição Gonçalves']);
    expect(await names('CONCEIÇÃO')).toEqual(['João Conceição Gonçalves']);
    expect(await names('joão conceicão')).toEqual(['João Conceição Gonçalves']);
  });

  it('finds the preferred name', async () => {
    expect(await names('joca')).toEqual(['João Conceição Gonçalves']);
    expect(await names('mimi silv')).toEqual(['Ana Maria Silvestre']);
  });

  it('needs every word, each as the start of a word, in any order', async () => {
    expect(await names('silv mar')).toEqual(['Ana Maria Silvestre', 'Mariana Silvestres']);
    expect(await names('maria jo alb')).toEqual(['Maria João Albuquerque']);
    expect(await names('gonçalves joão conc')).toEqual(['João Conceição Gonçalves']);
    expect(await names('lvestre')).toEqual([]);
  });

  it('ranks whole words and the start of the full name before mere prefixes', async () => {
    // The full name starts with it, then it is a whole word, then a word merely starts with it;
    // alphabetical within each.
    expect(await names('silvestre')).toEqual(['Silvestre Ramalho', 'Ana Maria Silvestre', 'Abel Silvestres', 'Mariana Silvestres']);
    expect(await names('silvestr')).toEqual([
      'Silvestre Ramalho',
      'Abel Silvestres',
      'Albuquerque Silvestrino Matos',
      'Ana Maria Silvestre',
      'Mariana Silvestres',
    ]);
    expect(await names('maria')).toEqual(['Maria João Albuquerque', 'Ana Maria Silvestre', 'Mariana Silvestres']);
    expect(await names('maria silvestre')).toEqual(['Ana Maria Silvestre', 'Mariana Silvestres']);
    expect(await names('silvestre', 2)).toEqual(['Silvestre Ramalho', 'Ana Maria Silvestre']);
  });

  it('finds a phone by its last digits or its start, ignoring spaces, + and -', async () => {
    expect(await names('5678')).toEqual(['João Conceição Gonçalves']);
    expect(await names('345 678')).toEqual(['João Conceição Gonçalves']);
    expect(await names('912 34')).toEqual(['João Conceição Gonçalves']);
    expect(await names('+351 912-345')).toEqual(['João Conceição Gonçalves']);
    expect(await names('+351 933')).toEqual(['Maria João Albuquerque']);
    expect(await names('213 456')).toEqual(['Silvestre Ramalho']);
    expect(await names('6789')).toEqual(['Silvestre Ramalho']);
  });

  it('ranks the whole number before a number that merely starts or ends with the digits', async () => {
    // A whole (foreign) tax id: a phone that short is no longer accepted.
    const whole = await add({ fullName: 'Zacarias Exato', taxId: '345678', taxCountry: 'ES' });
    const results = await searchPatients(database.db, '345678', 20);
    expect(results[0]?.id).toBe(whole.id);
    expect(results.map((patient) => patient.fullName)).toContain('João Conceição Gonçalves');
  });

  it('finds a tax id by its start', async () => {
    expect(await names('245 12')).toEqual(['João Conceição Gonçalves']);
    expect(await names('198765436')).toEqual(['Maria João Albuquerque']);
  });

  it('finds an e-mail by its start', async () => {
    expect(await names('joao.gon')).toEqual(['João Conceição Gonçalves']);
    expect(await names('ANA.SILVESTRE@g')).toEqual(['Ana Maria Silvestre']);
    expect(await names('nobody@')).toEqual([]);
  });

  it('finds a birth date written three ways', async () => {
    for (const query of ['1990-05-12', '12/05/1990', '12-05-1990']) {
      expect(await names(query)).toEqual(['Ana Maria Silvestre', 'João Conceição Gonçalves']);
    }
    expect(await names('04/03/1971')).toEqual(['Maria João Albuquerque']);
  });

  it('reads every kind of query from an index, never by scanning the patients', () => {
    for (const query of ['mari', 'maria sil', '912 34', '12/05/1990', 'ana@g', 'PT12', 'BTW877', '234567']) {
      const statement = buildSearchStatement(planSearch(query)!, 20);
      const plan = database.sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.parameters) as Array<{ detail: string }>;
      const steps = plan.map((step) => step.detail);
      expect(
        steps.filter((step) => /^SCAN (patients|p)\b/.test(step)),
        query,
      ).toEqual([]);
      for (const step of steps.filter((step) => step.startsWith('SEARCH patients')))
        expect(step, query).toMatch(/COVERING INDEX|INTEGER PRIMARY KEY|patients_by_birth/);
    }
    const digits = buildSearchStatement(planSearch('5678')!, 20);
    const digitSteps = (database.sqlite.prepare(`EXPLAIN QUERY PLAN ${digits.sql}`).all(...digits.parameters) as Array<{ detail: string }>).map(
      (step) => step.detail,
    );
    for (const index of ['patients_by_phone', 'patients_by_tax_key', 'patients_by_phone_tail']) {
      expect(digitSteps.some((step) => step.includes(`COVERING INDEX ${index} `))).toBe(true);
    }
    // An appointment code is one lookup in the codes' unique index, and no appointment is scanned.
    const code = buildSearchStatement(planSearch('btw877')!, 20);
    const codeSteps = (database.sqlite.prepare(`EXPLAIN QUERY PLAN ${code.sql}`).all(...code.parameters) as Array<{ detail: string }>).map(
      (step) => step.detail,
    );
    expect(codeSteps.some((step) => /SEARCH appointments USING INDEX appointments_by_code \(code=\?\)/.test(step))).toBe(true);
    expect(codeSteps.filter((step) => step.startsWith('SCAN appointments'))).toEqual([]);
  });

  it('answers nothing for an empty query', async () => {
    expect(await searchPatients(database.db, '', 20)).toEqual([]);
    expect(await searchPatients(database.db, '   \t ', 20)).toEqual([]);
  });

  it('treats hostile input as text: no error, no injection', async () => {
    const hostile = [
      '"',
      '""',
      '*',
      'silv*',
      'NEAR(silvestre maria)',
      'silvestre OR maria',
      'silvestre AND NOT maria',
      '-maria',
      '^maria',
      'maria:',
      '{full_name}: maria',
      "'; DROP TABLE patients; --",
      '\\',
      '%',
      '_',
      '🙂 maria 🙂',
      '\u0000',
      'ﷺ ꙮ 𒀀',
      // A letter to JavaScript, a separator to SQLite's older Unicode tables: would be a phrase query.
      'silvᦰestre',
      'silvᦰestre maria ana',
      'a'.repeat(200),
      'a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(4).slice(0, 200),
      '9'.repeat(200),
      '@'.repeat(200),
    ];
    for (const query of hostile) {
      await expect(searchPatients(database.db, query, 20), query).resolves.toBeInstanceOf(Array);
    }
    expect(await names('silvestre OR maria')).toEqual([]);
    expect(await names('🙂 silvestre 🙂')).toContain('Silvestre Ramalho');
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM patients').get()).toMatchObject({ n: expect.any(Number) });
  });

  it('keeps the index in step with direct SQL writes (triggers)', async () => {
    const { lastInsertRowid } = database.sqlite
      .prepare(
        `INSERT INTO patients (full_name, date_of_birth, name_key, created_at, updated_at) VALUES ('Quitéria Direta', '1960-01-01', 'quiteria direta', 0, 0)`,
      )
      .run();
    expect(await names('quiteria')).toEqual(['Quitéria Direta']);
    database.sqlite.prepare(`UPDATE patients SET preferred_name = 'Teca' WHERE id = ?`).run(lastInsertRowid);
    expect(await names('teca')).toEqual(['Quitéria Direta']);
    database.sqlite.prepare('DELETE FROM patients WHERE id = ?').run(lastInsertRowid);
    expect(await names('quiteria')).toEqual([]);
  });
});

describe('search over generated patients (property)', () => {
  let rows: Array<{ id: number; name_key: string; preferred_name: string; email_key: string }> = [];

  beforeAll(() => {
    insertPatientsBulk(database.sqlite, generatePatients(3000, 77));
    rows = database.sqlite.prepare('SELECT id, name_key, preferred_name, lower(email) AS email_key FROM patients').all() as typeof rows;
  });

  /** What the search promises, computed the slow way: every word starts a word of the name (or nickname). */
  function expected(query: string): Set<number> {
    const tokens = foldText(query).split(' ').filter(Boolean);
    const isOneWord = !/\s/.test(query.trim());
    const ids = new Set<number>();
    for (const row of rows) {
      const words = `${row.name_key} ${foldText(row.preferred_name)}`.split(' ');
      const byName = tokens.every((token) => words.some((word) => word.startsWith(token)));
      const byEmail = isOneWord && row.email_key !== '' && row.email_key.startsWith(query.trim().toLowerCase());
      if (byName || byEmail) ids.add(row.id);
    }
    return ids;
  }

  it('finds a patient by any prefix of any word of the name, and only matching patients', async () => {
    const limit = 50;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 12 }), fc.boolean(), async (rowPick, wordPick, length, isFolded) => {
        const row = rows[rowPick % rows.length]!;
        const full = database.sqlite.prepare('SELECT full_name FROM patients WHERE id = ?').pluck().get(row.id) as string;
        const words = full.split(' ');
        const word = words[wordPick % words.length]!;
        const query = isFolded ? foldText(word).slice(0, length) : word.slice(0, length);
        const results = await searchPatients(database.db, query, limit);
        const truth = expected(query);
        expect(results.length).toBe(Math.min(limit, truth.size));
        for (const result of results) expect(truth.has(result.id)).toBe(true);
        if (truth.size <= limit) expect(results.map((result) => result.id)).toContain(row.id);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('finds a patient by prefixes of several words, common or rare', async () => {
    const limit = 50;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(fc.nat(), { minLength: 2, maxLength: 4 }), fc.integer({ min: 2, max: 8 }), async (rowPick, wordPicks, length) => {
        const row = rows[rowPick % rows.length]!;
        const words = row.name_key.split(' ');
        const query = wordPicks.map((pick) => words[pick % words.length]!.slice(0, length)).join(' ');
        const results = await searchPatients(database.db, query, limit);
        const truth = expected(query);
        expect(results.length).toBe(Math.min(limit, truth.size));
        for (const result of results) expect(truth.has(result.id)).toBe(true);
        if (truth.size <= limit) expect(results.map((result) => result.id)).toContain(row.id);
      }),
      { numRuns: 150, seed: 4243 },
    );
  });

  it('finds the same patients whichever words the index intersects and which are checked on the rows', async () => {
    const limit = 50;
    const withNickname = rows.filter((row) => row.preferred_name !== '');
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 2, maxLength: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        async (rowPick, nickPick, wordPicks, length, splitAt) => {
          const row = withNickname[rowPick % withNickname.length]!;
          const words = row.name_key.split(' ');
          // A nickname word too, so the check on the row also meets accents ("Zé", "São").
          const nickname = foldText(row.preferred_name).split(' ');
          const query = [
            ...wordPicks.map((pick) => words[pick % words.length]!.slice(0, length + 1)),
            nickname[nickPick % nickname.length]!.slice(0, length),
          ].join(' ');
          const plan = planSearch(query);
          if (plan?.kind !== 'name' || plan.tokens.length < 2) return;
          const cut = 1 + (splitAt % plan.tokens.length);
          const split = { matched: plan.tokens.slice(0, cut), verified: plan.tokens.slice(cut) };
          const statement = buildSearchStatement(plan, limit, split);
          const results = database.sqlite.prepare(statement.sql).all(...statement.parameters) as Array<{ id: number }>;
          const truth = expected(query);
          expect(results.length).toBe(Math.min(limit, truth.size));
          for (const result of results) expect(truth.has(result.id)).toBe(true);
          if (truth.size <= limit) expect(results.map((result) => result.id)).toContain(row.id);
        },
      ),
      { numRuns: 200, seed: 4244 },
    );
  });
});
