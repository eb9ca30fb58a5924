import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import pg from 'pg';
import { cloudClient } from '../cloud/cloud-client';
import { createDatabase, startEmbeddedPostgres } from '../cloud/db/postgres';
import { startCloudServer } from '../cloud/server';
import { appointment, seedClinic, upsert } from '../cloud/test-fixtures';
import { PULL_PAGE_MAX, PUSH_BATCH_MAX, type Mutation, type MutationResult } from '../shared/sync/cloud-api';
import { compare, percentile, type BenchOptions, type BenchResult, type Timing } from './harness';

/**
 * The cloud on PostgreSQL (embedded, fsync on, as `npm run cloud` runs it), over HTTP in
 * this process:
 *
 * cloud.push: 10,000 appointment mutations in pushes of 500; reference: the same rows
 * (rows, refs, spans) inserted by plain SQL in one transaction on one connection.
 * cloud.pull: those rows pulled in pages of 1,000; reference: one plain SELECT of them.
 * cloud.bookRace: 100 bookings at once on 10 slots (5 rounds): the latency of each request;
 * reference: one booking alone. Exactly 10 applied per round. The racers are 100 clients
 * already connected (as desks and portals keep their connections open), on a thread of their
 * own (bench/racers.mjs): they stand for other machines, and on the server's event loop their
 * requests' own cost was most of what the race measured.
 */

const MUTATIONS = 10_000;
const SLOT_MS = 20 * 60_000;
const TOKEN = 'bench-cloud-token';
const RACE_ROUNDS = 5;

const single = (ms: number): Timing => ({ p50: ms, p95: ms, samples: 1 });
const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const postgres = await startEmbeddedPostgres({ dataDir: join(options.workDir, 'cloud-pg', 'data'), persistent: true });
  const results: BenchResult[] = [];
  try {
    const databaseUrl = await createDatabase(postgres.adminUrl, 'bench_cloud');
    const server = await startCloudServer({ port: 0, databaseUrl, tokens: { desk: [TOKEN] } });
    try {
      const desk = cloudClient(server.url, TOKEN);
      const clinic = await seedClinic(desk);
      const practitioners = [clinic.practitionerUids[0], clinic.practitionerUids[1]];

      // cloud.push
      const mutations: Mutation[] = Array.from({ length: MUTATIONS }, (_, i) => {
        const startsAt = Date.UTC(2035, 0, 1, 9) + Math.floor(i / 2) * SLOT_MS;
        return upsert(
          'appointment',
          randomUUID(),
          appointment(clinic, { practitionerUid: practitioners[i % 2]!, roomUid: null, startsAt, endsAt: startsAt + SLOT_MS }),
        );
      });
      let started = performance.now();
      for (let i = 0; i < MUTATIONS; i += PUSH_BATCH_MAX) {
        const { results: answers } = await desk.push('bench', mutations.slice(i, i + PUSH_BATCH_MAX));
        if (answers.some((answer) => answer.status !== 'applied'))
          throw new Error(`a bench push was refused: ${JSON.stringify(answers.find((a) => a.status !== 'applied'))}`);
      }
      const pushMs = performance.now() - started;
      const referenceMs = await plainInserts(databaseUrl, server.clinicId, mutations);
      const push = compare(
        'cloud.push',
        single(pushMs),
        single(referenceMs),
        `${MUTATIONS.toLocaleString('en')} mutations in pushes of ${PUSH_BATCH_MAX}; ref: the same rows by plain SQL in one connection; ≥ 5,000/s and ratio ≤ 2`,
        (r) => perSecond(MUTATIONS, r.p95_ms) >= 5000 && (r.ratio ?? Infinity) <= 2,
      );
      push.mutations_per_s = perSecond(MUTATIONS, pushMs);
      push.ref_mutations_per_s = perSecond(MUTATIONS, referenceMs);
      results.push(push);

      // cloud.pull
      started = performance.now();
      let cursor: string | null = null;
      let pulled = 0;
      for (;;) {
        const page = await desk.pull(cursor, PULL_PAGE_MAX);
        pulled += page.changes.length;
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const pullMs = performance.now() - started;
      const selectMs = await plainSelect(databaseUrl, server.clinicId);
      const pull = compare(
        'cloud.pull',
        single(pullMs),
        single(selectMs),
        `${pulled.toLocaleString('en')} rows in pages of ${PULL_PAGE_MAX}; ref: one plain SELECT of them; ≥ 20,000 rows/s`,
        (r) => perSecond(pulled, r.p95_ms) >= 20_000,
      );
      pull.rows_per_s = perSecond(pulled, pullMs);
      pull.ref_rows_per_s = perSecond(pulled, selectMs);
      results.push(pull);

      // cloud.bookRace
      const racers = startRacers(server.url, TOKEN);
      const latencies: number[] = [];
      const alone: number[] = [];
      let appliedEveryRound = true;
      try {
        await racers.ask({ kind: 'connect', count: 100 });
        // Round -1 warms the paths up (the JIT, the plans, the connections' caches) and is not counted.
        for (let round = -1; round < RACE_ROUNDS; round++) {
          const day = Date.UTC(2040, 0, 2 + round, 9);
          const body = (clientId: string, startsAt: number, origin?: string) =>
            JSON.stringify({
              clientId,
              mutations: [upsert('appointment', randomUUID(), appointment(clinic, { startsAt, endsAt: startsAt + SLOT_MS, ...(origin ? { origin } : {}) }))],
            });
          const raced = await racers.ask({
            kind: 'race',
            bodies: Array.from({ length: 100 }, (_, i) => body(`racer-${i}`, day + (i % 10) * SLOT_MS, `race-${i}`)),
          });
          if (raced.filter((answer) => answer.status === 'applied').length !== 10) appliedEveryRound = false;
          const single = await racers.ask({ kind: 'alone', bodies: Array.from({ length: 20 }, (_, i) => body('alone', day + 12 * 3600_000 + i * SLOT_MS)) });
          if (round < 0) continue;
          latencies.push(...raced.map((answer) => answer.ms));
          alone.push(...single.map((answer) => answer.ms));
        }
      } finally {
        await racers.close();
      }
      latencies.sort((a, b) => a - b);
      alone.sort((a, b) => a - b);
      const overlaps = await server.overlaps();
      const race = compare(
        'cloud.bookRace',
        { p50: percentile(latencies, 50), p95: percentile(latencies, 95), samples: latencies.length },
        { p50: percentile(alone, 50), p95: percentile(alone, 95), samples: alone.length },
        `100 bookings at once on 10 slots, ${RACE_ROUNDS} rounds after a warm-up; ref: one booking alone; p95 ≤ 50 ms, exactly 10 applied`,
        (r) => r.p95_ms <= 50 && appliedEveryRound && overlaps.length === 0,
      );
      race.exactly_10_applied = appliedEveryRound;
      results.push(race);
    } finally {
      await server.close();
    }
  } finally {
    await postgres.stop();
  }
  return results;
}

interface RacerAnswer {
  ms: number;
  status: MutationResult['status'];
}

/** The racers' thread (bench/racers.mjs): asked one thing at a time. */
function startRacers(url: string, token: string) {
  const worker = new Worker(new URL('./racers.mjs', import.meta.url), { workerData: { url, token } });
  const ask = (message: { kind: 'connect'; count: number } | { kind: 'race' | 'alone'; bodies: string[] } | { kind: 'close' }) =>
    new Promise<RacerAnswer[]>((resolve, reject) => {
      worker.once('message', (reply: { ok: boolean; answers?: RacerAnswer[]; error?: string }) =>
        reply.ok ? resolve(reply.answers ?? []) : reject(new Error(reply.error)),
      );
      worker.postMessage(message);
    });
  return {
    ask,
    async close() {
      await ask({ kind: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}

/** The reference for cloud.push: what storing these rows costs with nothing else, in another clinic. */
async function plainInserts(databaseUrl: string, clinicId: number, mutations: Mutation[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const other = (
      await client.query<{ id: string }>(`INSERT INTO clinics (slug, name, epoch, created_at) VALUES ('bench-reference', 'Reference', 'ref', 0) RETURNING id`)
    ).rows[0]!.id;
    void clinicId;
    const started = performance.now();
    await client.query('BEGIN');
    let seq = 0;
    for (const m of mutations) {
      const data = m.data as {
        practitionerUid: string;
        roomUid: string | null;
        patientUid: string;
        specialtyUid: string;
        startsAt: number;
        endsAt: number;
        status: string;
      };
      await client.query(
        `INSERT INTO rows (clinic_id, entity, uid, version, deleted, data, seq, updated_by, updated_at) VALUES ($1, 'appointment', $2, 1, false, $3, $4, 'ref', 0)`,
        [other, m.uid, JSON.stringify(data), ++seq],
      );
      await client.query(
        `INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid) VALUES ($1, 'appointment', $2, 'patient', $3), ($1, 'appointment', $2, 'practitioner', $4), ($1, 'appointment', $2, 'specialty', $5)`,
        [other, m.uid, data.patientUid, data.practitionerUid, data.specialtyUid],
      );
      await client.query(
        `INSERT INTO appointment_spans (clinic_id, uid, practitioner_uid, room_uid, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [other, m.uid, data.practitionerUid, data.roomUid, data.startsAt, data.endsAt, data.status],
      );
    }
    await client.query(`UPDATE clinics SET last_seq = $2 WHERE id = $1`, [other, seq]);
    await client.query('COMMIT');
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

async function plainSelect(databaseUrl: string, clinicId: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const { rows } = await client.query(`SELECT entity, uid, version, deleted, data, seq FROM rows WHERE clinic_id = $1 ORDER BY seq`, [clinicId]);
    if (rows.length === 0) throw new Error('nothing to select');
    return performance.now() - started;
  } finally {
    await client.end();
  }
}
