import type BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { foldText } from '../shared/patients/patient-keys';
import { openMigratedDatabase, type OpenedDatabase } from '../electron/db/database';
import { insertPatientsBulk, patientRows, type GeneratedPatientRow } from '../electron/demo/patient-generator';
import { createRandom } from '../shared/random/seeded-random';
import { buildProbeStatement, buildSearchStatement, needsProbe, planSearch, splitTokens, type SearchStatement } from '../electron/patients/patient-search';
import { searchPatients } from '../electron/patients/patients.service';
import { compare, round, time, type BenchOptions, type BenchResult, type Timing } from './harness';

const TARGET = 'p95 ≤ 5 ms and ≤ 1.5× raw SQL';
// Each kind alone is a breakdown of the mix: at a few hundred microseconds the service's fixed
// cost weighs more than in the mix, so only the time is held to the target there.
const BREAKDOWN_TARGET = 'p95 ≤ 5 ms (breakdown of the mix)';
const SEED = 20_240_501;
const QUERY_COUNT = 600;
const LIMIT = 20;
const ROUNDS = 3;

type QueryKind = 'name prefix' | 'full name' | 'two words' | 'phone' | 'tax id' | 'date' | 'email';

/**
 * What a desk types, drawn from patients that exist: name prefixes of 2–6 letters (any word,
 * with or without accents), full names, first + last name or two partial words, 3–9 phone
 * digits (start of the number or its last digits, as written), NIF prefixes, birth dates in
 * the three accepted formats and e-mail prefixes.
 */
export function searchMix(sample: GeneratedPatientRow[], count: number, seed: number): Array<{ kind: QueryKind; query: string }> {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const queries: Array<{ kind: QueryKind; query: string }> = [];
  while (queries.length < count) {
    const patient = pick(sample);
    const words = patient.full_name.split(' ').filter((word) => word.length > 2);
    const roll = random();
    if (roll < 0.3) {
      const word = pick(random() < 0.15 && patient.preferred_name ? [patient.preferred_name] : words);
      const prefix = word.slice(0, between(2, 6));
      queries.push({ kind: 'name prefix', query: random() < 0.5 ? prefix : foldText(prefix) });
    } else if (roll < 0.45) {
      queries.push({ kind: 'full name', query: random() < 0.5 ? patient.full_name : patient.name_key });
    } else if (roll < 0.55) {
      const first = words[0]!;
      const last = words[words.length - 1]!;
      queries.push({ kind: 'two words', query: random() < 0.6 ? `${first} ${last}` : `${first.slice(0, 3)} ${last.slice(0, 3)}` });
    } else if (roll < 0.7 && patient.phone) {
      const national = patient.phone.replace(/^\+351\s*/, '');
      const digits = between(3, 9);
      queries.push({ kind: 'phone', query: random() < 0.5 ? national.replace(/\s/g, '').slice(0, digits) : patient.phone_digits.slice(-digits) });
    } else if (roll < 0.8 && patient.tax_id) {
      queries.push({ kind: 'tax id', query: patient.tax_id.slice(0, between(3, 9)) });
    } else if (roll < 0.92) {
      const [year, month, day] = patient.date_of_birth.split('-');
      queries.push({ kind: 'date', query: pick([patient.date_of_birth, `${day}/${month}/${year}`, `${day}-${month}-${year}`]) });
    } else if (patient.email) {
      queries.push({ kind: 'email', query: patient.email.slice(0, between(3, 12)) });
    }
  }
  return queries;
}

/** Loads N generated patients into a fresh database; returns the sample the queries are drawn from. */
function load(sqlite: BetterSqlite3.Database, count: number): { sample: GeneratedPatientRow[]; insertMs: number } {
  const sample: GeneratedPatientRow[] = [];
  const every = Math.max(1, Math.floor(count / 2000));
  let index = 0;
  const started = performance.now();
  insertPatientsBulk(
    sqlite,
    (function* () {
      for (const row of patientRows(count, SEED)) {
        if (index++ % every === 0) sample.push(row);
        yield row;
      }
    })(),
  );
  return { sample, insertMs: performance.now() - started };
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const database = await openMigratedDatabase(join(options.workDir, 'patients.db'));
  try {
    const { sample, insertMs } = load(database.sqlite, options.patients);
    const [overall, ...byKind] = await measureSearch(database, sample);
    overall!.patients = options.patients;
    overall!.insert_s = round(insertMs / 1000, 1);
    return [overall!, ...byKind];
  } finally {
    await database.close();
  }
}

/** The whole mix, then each kind of query alone; service beside the raw statements it runs. */
export async function measureSearch(database: OpenedDatabase, sample: GeneratedPatientRow[]): Promise<BenchResult[]> {
  const { db, sqlite } = database;
  const queries = searchMix(sample, QUERY_COUNT, SEED + 1);

  // The reference: the very statements the service issues (the density probe, then the
  // search), prepared once and run on the same connection, with nothing around them.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statementOf = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = sqlite.prepare(sql)));
    return statement;
  };
  const issued = queries.map(({ query }) => {
    const plan = planSearch(query);
    if (!plan) return [];
    const steps: Array<{ statement: BetterSqlite3.Statement; parameters: SearchStatement['parameters'] }> = [];
    let split;
    if (needsProbe(plan)) {
      const probe = buildProbeStatement(plan.tokens);
      steps.push({ statement: statementOf(probe.sql), parameters: probe.parameters });
      split = splitTokens(plan.tokens, statementOf(probe.sql).get(...probe.parameters) as Record<string, unknown>);
    }
    const search = buildSearchStatement(plan, LIMIT, split);
    steps.push({ statement: statementOf(search.sql), parameters: search.parameters });
    return steps;
  });
  const raw = (index: number) => {
    let rows: unknown[] = [];
    for (const step of issued[index]!) rows = step.statement.all(...step.parameters);
    return rows;
  };
  const service = (index: number) => searchPatients(db, queries[index]!.query, LIMIT);

  // Both paths once over every query first, so neither pays for a cold page cache.
  for (let index = 0; index < queries.length; index++) {
    await service(index);
    raw(index);
  }

  const results: BenchResult[] = [];
  // Best of a few rounds, taking turns at going first: on a shared two-core machine a burst of
  // someone else's work would otherwise land on one side of the comparison only.
  const measure = async (name: string, indexes: number[], target: string, isMet: (result: BenchResult) => boolean) => {
    let ours: Timing | undefined;
    let reference: Timing | undefined;
    const better = (best: Timing | undefined, next: Timing) => (best && best.p95 <= next.p95 ? best : next);
    for (let round = 0; round < ROUNDS; round++) {
      const timeOurs = async () => (ours = better(ours, await time((i) => service(indexes[i]!), indexes.length, 0)));
      const timeReference = async () => (reference = better(reference, await time((i) => raw(indexes[i]!), indexes.length, 0)));
      if (round % 2 === 0) await timeOurs().then(timeReference);
      else await timeReference().then(timeOurs);
    }
    return compare(name, ours!, reference, target, isMet);
  };

  const all = queries.map((_, index) => index);
  results.push(await measure('patients.search', all, TARGET, (r) => r.p95_ms <= 5 && (r.ratio ?? Infinity) <= 1.5));
  for (const kind of [...new Set(queries.map((query) => query.kind))]) {
    const indexes = queries.flatMap((query, index) => (query.kind === kind ? [index] : []));
    results.push(await measure(`patients.search (${kind})`, indexes, BREAKDOWN_TARGET, (r) => r.p95_ms <= 5));
  }
  return results;
}

// `npx tsx bench/patients.bench.ts [patients]`: this suite alone, without the rest of `npm run bench`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const workDir = mkdtempSync(join(tmpdir(), 'fd-bench-patients-'));
  try {
    const results = await run({ patients: Number(process.argv[2] ?? 1_000_000), json: false, workDir });
    for (const result of results) console.log(JSON.stringify(result));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
