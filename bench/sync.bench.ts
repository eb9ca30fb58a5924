import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PULL_PAGE_MAX, PUSH_BATCH_MAX, pullResponse, type Mutation } from '../shared/sync/cloud-api';
import { startFrontDesk, type FrontDesk } from '../electron/app/front-desk';
import { CloudHttp } from '../electron/sync/cloud-http';
import { pullChanges, pushOutbox, type EngineDeps } from '../electron/sync/sync-engine';
import { defaultRetryPolicy } from '../electron/sync/sync-retries';
import { readState } from '../electron/sync/sync.repository';
import { updateSettings } from '../electron/sync/sync.service';
import { noSecretCipher } from '../electron/secrets/secret-cipher';
import { fileKeyCipher } from '../electron/secrets/file-key-cipher';
import { localCaller } from '../electron/rpc/local-caller';
import { cloudClient } from '../cloud/cloud-client';
import { joinCodeResponse } from '../shared/sync/cloud-api';
import { seedBusyClinic } from '../tests/sync/busy-clinic';
import { compare, percentile, round, time, type BenchOptions, type BenchResult, type Timing } from './harness';

/**
 * sync.push, sync.pull: 10,000 appointment changes through the reference cloud server,
 * which runs in its own process (as a real one would: the desk and the server do not share
 * a thread), on this machine. The reference for each is the same traffic made raw: the
 * same number of requests of the same size (10,000 / 500 pushes of 500 fresh mutations,
 * prepared JSON; 10,000 / 1,000 pulls of the same pages, JSON parsed), so the ratio is what
 * the desk adds on top of the network and the server: reading and writing its outbox,
 * checking every answer, applying every row with its triggers, in transactions.
 *
 * sync.idle: a round with nothing to do (its one request: a pull that brings nothing),
 * beside one raw GET /v1/health.
 *
 * sync.join (`--only sync-join`, its own suite): a new desk joins a clinic in use (300
 * patients, 900 appointments) with a code, from `setup.joinClinic` to its return (the code
 * redeemed, the token sealed, the first full pull applied). The reference is a full resync
 * of the same clinic by a desk already set up (its first pull). The issue wants under 10 s.
 */

const CHANGES = 10_000;
const PRACTITIONERS = 10;
const TOKEN = 'bench-desk-token';
const NOW = Date.UTC(2030, 0, 1);
const SLOT_MS = 30 * 60_000;

interface Cloud {
  url: string;
  process: ChildProcess;
}

function startCloud(dataDir: string): Promise<Cloud> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../cloud/main.ts', import.meta.url)), '--port', '0', '--data-dir', dataDir, '--token', TOKEN, '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, process: child });
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`the cloud server exited (${code}): ${output}`)));
  });
}

async function startDesk(dir: string, url: string): Promise<FrontDesk> {
  const desk = await startFrontDesk({ dataDir: dir, now: () => NOW, env: { FRONT_DESK_CLOUD_URL: url, FRONT_DESK_CLOUD_TOKEN: TOKEN }, syncWorker: false });
  await desk.database.db
    .transaction()
    .execute((trx) =>
      updateSettings(
        { db: desk.database.db, secretCipher: noSecretCipher, env: { FRONT_DESK_CLOUD_URL: url, FRONT_DESK_CLOUD_TOKEN: TOKEN } },
        trx,
        { enabled: true },
        NOW,
      ),
    );
  return desk;
}

function engineOf(desk: FrontDesk): EngineDeps {
  return { db: desk.database.db, now: () => NOW, timeZone: async () => 'Europe/Lisbon', publish: () => {}, retry: defaultRetryPolicy };
}

function httpOf(url: string): CloudHttp {
  return new CloudHttp({ baseUrl: url, token: TOKEN, fetch: globalThis.fetch, timeoutMs: 60_000, now: Date.now });
}

/** A specialty, ten practitioners, a hundred patients; then 10,000 back-to-back appointments, all through the outbox triggers. */
function seedClinic(desk: FrontDesk): void {
  const sqlite = desk.database.sqlite;
  sqlite.transaction(() => {
    sqlite.prepare(`INSERT INTO specialties (name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES ('General', 'Geral', 30, 4000, 'G')`).run();
    for (let p = 1; p <= PRACTITIONERS; p++) {
      sqlite.prepare(`INSERT INTO practitioners (full_name) VALUES (?)`).run(`Practitioner ${p}`);
      sqlite.prepare(`INSERT INTO practitioner_specialties (practitioner_id, specialty_id) VALUES (?, 1)`).run(p);
    }
    for (let i = 1; i <= 100; i++) {
      sqlite.prepare(`INSERT INTO patients (full_name, date_of_birth, created_at, updated_at) VALUES (?, '1980-01-01', ?, ?)`).run(`Patient ${i}`, NOW, NOW);
    }
  })();
}

function bookEverything(desk: FrontDesk, count: number, firstStart: number): void {
  const sqlite = desk.database.sqlite;
  const insert = sqlite.prepare(
    `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at)
     VALUES (?, ?, NULL, 1, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const startsAt = firstStart + Math.floor(i / PRACTITIONERS) * SLOT_MS;
      insert.run(1 + (i % 100), 1 + (i % PRACTITIONERS), startsAt, startsAt + SLOT_MS, NOW, NOW, NOW);
    }
  })();
}

const outboxSize = (desk: FrontDesk) => desk.database.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get() as number;
const single = (ms: number): Timing => ({ p50: ms, p95: ms, samples: 1 });

async function raw(url: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const cloud = await startCloud(join(options.workDir, 'cloud'));
  const results: BenchResult[] = [];
  const deskA = await startDesk(join(options.workDir, 'sync-a'), cloud.url);
  const deskB = await startDesk(join(options.workDir, 'sync-b'), cloud.url);
  try {
    const http = httpOf(cloud.url);
    seedClinic(deskA);
    const clientId = (await readState(deskA.database.db)).client_id;
    // The clinic itself, untimed (sync is on, so the triggers queued every row).
    await pushOutbox(engineOf(deskA), http, clientId);
    bookEverything(deskA, CHANGES, Date.UTC(2031, 0, 6, 9));
    if (outboxSize(deskA) !== CHANGES) throw new Error(`expected ${CHANGES} outbox entries, found ${outboxSize(deskA)}`);

    // sync.push
    let started = performance.now();
    await pushOutbox(engineOf(deskA), http, clientId);
    const pushMs = performance.now() - started;
    if (outboxSize(deskA) !== 0) throw new Error('the push left entries behind');

    const refs = deskA.database.sqlite.prepare(`SELECT (SELECT uid FROM specialties) AS specialty, (SELECT uid FROM patients LIMIT 1) AS patient`).get() as {
      specialty: string;
      patient: string;
    };
    const practitionerUids = (deskA.database.sqlite.prepare('SELECT uid FROM practitioners ORDER BY id').all() as Array<{ uid: string }>).map((row) => row.uid);
    const bodies: string[] = [];
    for (let start = 0; start < CHANGES; start += PUSH_BATCH_MAX) {
      const mutations: Mutation[] = [];
      for (let i = start; i < Math.min(CHANGES, start + PUSH_BATCH_MAX); i++) {
        const startsAt = Date.UTC(2033, 0, 3, 9) + Math.floor(i / PRACTITIONERS) * SLOT_MS;
        mutations.push({
          mutationId: randomUUID(),
          entity: 'appointment',
          uid: randomUUID(),
          op: 'upsert',
          baseVersion: null,
          data: {
            patientUid: refs.patient,
            practitionerUid: practitionerUids[i % PRACTITIONERS]!,
            roomUid: null,
            specialtyUid: refs.specialty,
            startsAt,
            endsAt: startsAt + SLOT_MS,
            status: 'booked',
            cancelReason: '',
            notes: '',
            priceCents: 4000,
            isWalkIn: false,
            origin: 'bench-reference',
          },
        });
      }
      bodies.push(JSON.stringify({ clientId: 'bench-reference', mutations }));
    }

    // sync.pull: desk B, new, receives the clinic and the 10,000 (its first pull).
    started = performance.now();
    const pulled = await pullChanges(engineOf(deskB), http);
    const pullMs = performance.now() - started;
    const appointmentsAtB = deskB.database.sqlite.prepare('SELECT count(*) FROM appointments').pluck().get() as number;
    if (appointmentsAtB !== CHANGES) throw new Error(`desk B has ${appointmentsAtB} appointments after the pull`);

    // The floor under any pull: the same number of appointments written by plain SQL, with the
    // schema's triggers (overlap, kiosk code, outbox guard), in one transaction.
    const floorInsert = deskB.database.sqlite.prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, cancel_reason, notes,
         price_cents, is_walk_in, origin, updated_at, status_changed_at, created_at, uid)
       VALUES (?, ?, NULL, 1, ?, ?, 'booked', '', '', 4000, 0, 'floor', ?, ?, ?, ?) RETURNING id`,
    );
    const firstPatient = deskB.database.sqlite.prepare('SELECT min(id) FROM patients').pluck().get() as number;
    const firstPractitioner = deskB.database.sqlite.prepare('SELECT min(id) FROM practitioners').pluck().get() as number;
    started = performance.now();
    deskB.database.sqlite.transaction(() => {
      deskB.database.sqlite.prepare('UPDATE sync_state SET applying = 1').run();
      for (let i = 0; i < CHANGES; i++) {
        const startsAt = Date.UTC(2035, 0, 1, 9) + Math.floor(i / PRACTITIONERS) * SLOT_MS;
        floorInsert.get(firstPatient + (i % 100), firstPractitioner + (i % PRACTITIONERS), startsAt, startsAt + SLOT_MS, NOW, NOW, NOW, randomUUID());
      }
      deskB.database.sqlite.prepare('UPDATE sync_state SET applying = 0').run();
    })();
    const floorMs = performance.now() - started;

    started = performance.now();
    let cursor: string | null = null;
    let rawPulled = 0;
    for (;;) {
      const page = pullResponse.parse(await raw(cloud.url, `/v1/changes?limit=${PULL_PAGE_MAX}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      rawPulled += page.changes.length;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const rawPullMs = performance.now() - started;

    started = performance.now();
    for (const body of bodies) await raw(cloud.url, '/v1/push', { method: 'POST', body });
    const rawPushMs = performance.now() - started;

    const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);
    const push = compare(
      'sync.push',
      single(pushMs),
      single(rawPushMs),
      `10,000 changes in ${CHANGES / PUSH_BATCH_MAX} pushes of ${PUSH_BATCH_MAX}; ref: the same pushes sent raw (prepared JSON); ratio ≤ 1.5`,
      (r) => (r.ratio ?? Infinity) <= 1.5,
    );
    push.changes_per_s = perSecond(CHANGES, pushMs);
    push.ref_changes_per_s = perSecond(CHANGES, rawPushMs);
    results.push(push);

    const pull = compare(
      'sync.pull',
      single(pullMs),
      single(rawPullMs),
      `${pulled.toLocaleString('en')} changes in pages of ${PULL_PAGE_MAX}, applied; ref: the same pages fetched and parsed raw; ` +
        `≤ 2.5× (ref + the same rows inserted by plain SQL with the triggers: insert_floor_ms)`,
      (r) => r.p95_ms <= 2.5 * ((r.ref_p95_ms ?? 0) + floorMs),
    );
    pull.insert_floor_ms = round(floorMs);
    pull.changes_per_s = perSecond(pulled, pullMs);
    pull.ref_changes_per_s = perSecond(rawPulled, rawPullMs);
    results.push(pull);

    // sync.idle: desk B is up to date but for the reference rows; one round brings them, then nothing is left to do.
    await deskB.sync.runOnce();
    const idle = await time(() => deskB.sync.runOnce(), 300, 20);
    const health = await time(
      async () => {
        const response = await fetch(`${cloud.url}/v1/health`);
        await response.text();
      },
      300,
      20,
    );
    results.push(
      compare('sync.idle', idle, health, 'a round with nothing to do (one GET /v1/changes); ref: one raw GET /v1/health; p95 ≤ 10 ms', (r) => r.p95_ms <= 10),
    );
    return results.map((result) => ({ ...result, p50_ms: round(result.p50_ms), p95_ms: round(result.p95_ms) }));
  } finally {
    await deskA.close();
    await deskB.close();
    cloud.process.kill('SIGTERM');
  }
}

const JOIN_SAMPLES = 3;

function timingOf(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), samples: sorted.length };
}

export async function runJoin(options: BenchOptions): Promise<BenchResult[]> {
  const cloud = await startCloud(join(options.workDir, 'join-cloud'));
  try {
    await seedBusyClinic(cloudClient(cloud.url, TOKEN), { patients: 300, appointments: 900, firstDay: '2030-01-07', timeZone: 'Europe/Lisbon' });
    const joins: number[] = [];
    const resyncs: number[] = [];
    for (let sample = 0; sample < JOIN_SAMPLES; sample++) {
      const { code } = joinCodeResponse.parse(await raw(cloud.url, '/v1/join-codes', { method: 'POST', body: '{}' }));
      const dir = join(options.workDir, `join-${sample}`);
      // As the browser host runs: its secrets sealed with the data folder's key.
      const joining = await startFrontDesk({ dataDir: dir, now: () => NOW, env: {}, syncWorker: false, secretCipher: fileKeyCipher(dir) });
      try {
        const started = performance.now();
        const result = await joining.dispatch(localCaller(joining.sessions), 'setup.joinClinic', { cloudUrl: cloud.url, code });
        joins.push(performance.now() - started);
        if (!result.ok) throw new Error(`the join failed: ${JSON.stringify(result.error)}`);
        const appointments = joining.database.sqlite.prepare('SELECT count(*) FROM appointments').pluck().get() as number;
        if (appointments !== 900) throw new Error(`the joined desk has ${appointments} appointments`);
      } finally {
        await joining.close();
      }

      const resyncing = await startDesk(join(options.workDir, `resync-${sample}`), cloud.url);
      try {
        const started = performance.now();
        await pullChanges(engineOf(resyncing), httpOf(cloud.url));
        resyncs.push(performance.now() - started);
      } finally {
        await resyncing.close();
      }
    }
    const result = compare(
      'sync.join',
      timingOf(joins),
      timingOf(resyncs),
      'a new desk joins with a code: 300 patients, 900 appointments downloaded; ref: a full resync of the same clinic; < 10 s',
      (r) => r.p95_ms < 10_000,
    );
    return [result];
  } finally {
    cloud.process.kill('SIGTERM');
  }
}
