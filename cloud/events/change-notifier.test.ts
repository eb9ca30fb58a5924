import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCloudDb, type CloudDb } from '../db/cloud-db';
import { clinicState, ensureClinic, lockClinic, runStatement, setLastSeq } from '../db/cloud.repository';
import { CHANGES_CHANNEL } from '../db/notify.repository';
import { inClinic } from '../db/tenancy.repository';
import { createTestDatabase, type TestDatabase } from '../db/test-database';
import { applyPush } from '../push.service';
import { patient, upsert } from '../test-fixtures';
import { startChangeNotifier, type ChangeNotifier, type ChangeNotifierOptions } from './change-notifier';

/**
 * Two notifiers on one database stand for two server processes: each hears every push,
 * whichever process made it; a dropped listening connection comes back and catches up.
 */

const NOW = Date.UTC(2030, 0, 1, 12);

let database: TestDatabase;
let db: CloudDb;
let clinicA: number;
let clinicB: number;
const notifiers: ChangeNotifier[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  db = await openCloudDb(database.url, 4);
  clinicA = await ensureClinic(db, 'a', NOW);
  clinicB = await ensureClinic(db, 'b', NOW);
});
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((notifier) => notifier.close()));
  await db.destroy();
  await database.drop();
});

async function notifier(options: Partial<ChangeNotifierOptions> = {}): Promise<ChangeNotifier> {
  const started = await startChangeNotifier({ databaseUrl: database.url, ...options });
  notifiers.push(started);
  return started;
}

/** What one subscriber was handed, in order. */
function listenTo(on: ChangeNotifier, clinic: number, from = 0): number[] {
  const seqs: number[] = [];
  on.subscribe(clinic, (seq) => seqs.push(seq)).start(from);
  return seqs;
}

const pushPatient = (clinic: number) => applyPush(db, clinic, { clientId: 'desk', mutations: [upsert('patient', randomUUID(), patient())] }, 'desk', NOW);

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Drops a connection as a restarting database or a cut network would. */
const terminate = (pid: number | null) => runStatement(db, 'SELECT pg_terminate_backend($1)', [pid]);

/** A TCP relay to the database whose open connections can be made to go silent, as over a cut network (nothing closes). */
async function freezableRelay(target: URL): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const pairs: Array<[Socket, Socket]> = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.pipe(upstream);
    upstream.pipe(client);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    freeze: () => {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        pairs.push([client, upstream]);
      }
    },
    close: async () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const increasing = (seqs: number[]) => seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!);

describe('the change notifier', () => {
  it('tells every process of a push made through any of them, for the clinic subscribed to only', async () => {
    const [one, two] = [await notifier(), await notifier()];
    const onOne = listenTo(one, clinicA);
    const onTwo = listenTo(two, clinicA);
    const otherClinic = listenTo(two, clinicB);
    expect(onOne).toEqual([0]);

    const pushes = await Promise.all(Array.from({ length: 20 }, () => pushPatient(clinicA)));
    const last = Math.max(...pushes.map((push) => push.lastSeq));
    expect(last).toBe(20);
    await waitFor(() => onOne.at(-1) === last && onTwo.at(-1) === last);
    // Never backwards, never twice: pushes that commit together may come as one.
    expect(increasing(onOne) && increasing(onTwo)).toBe(true);
    expect(otherClinic).toEqual([0]);

    await pushPatient(clinicB);
    await waitFor(() => otherClinic.length === 2);
    expect(otherClinic).toEqual([0, 1]);
    expect(onOne.at(-1)).toBe(last);
  });

  it('notifies only at commit: a rolled-back transaction says nothing', async () => {
    const listener = await notifier();
    const seqs = listenTo(listener, clinicA);
    await expect(
      inClinic(db, clinicA, async (trx) => {
        await lockClinic(trx, clinicA);
        await setLastSeq(trx, clinicA, 5);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await inClinic(db, clinicA, async (trx) => {
      await lockClinic(trx, clinicA);
      await setLastSeq(trx, clinicA, 3);
    });
    await waitFor(() => seqs.length === 2);
    // A pause: anything from the rolled-back transaction would be here by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seqs).toEqual([0, 3]);
  });

  it('hands a burst of notifications on as one delivery of the latest seq', async () => {
    const listener = await notifier();
    const seqs = listenTo(listener, clinicA);
    const writer = new pg.Client({ connectionString: database.url });
    await writer.connect();
    try {
      const notices = [4, 2, 7, 6].map((seq) => `BEGIN; SELECT pg_notify('${CHANGES_CHANNEL}', '{"clinic":${clinicA},"seq":${seq}}'); COMMIT;`);
      // Sent, and the event loop held at once: the four commits' notifications wait in the socket and are read as one.
      const sent = writer.query(notices.join(' '));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      await sent;
      await waitFor(() => seqs.at(-1) === 7);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seqs).toEqual([0, 7]);
    } finally {
      await writer.end();
    }
  });

  it('reconnects after its connection is dropped and hands on what was pushed meanwhile', async () => {
    const lines: string[] = [];
    // A fixed reconnect delay, long enough to push while it is away.
    const dropped = await notifier({ backoff: { initialMs: 1500, maxMs: 1500 }, random: () => 1, log: (line) => lines.push(line) });
    const steady = await notifier();
    const onDropped = listenTo(dropped, clinicA);
    const onSteady = listenTo(steady, clinicA);
    await pushPatient(clinicA);
    await waitFor(() => onDropped.at(-1) === 1 && onSteady.at(-1) === 1);

    const pid = dropped.backendPid;
    expect(pid).not.toBeNull();
    await terminate(pid);
    await waitFor(() => !dropped.listening);
    const { lastSeq } = await pushPatient(clinicA);
    expect(lastSeq).toBe(2);
    await waitFor(() => onSteady.at(-1) === 2);
    expect(dropped.listening).toBe(false);
    expect(onDropped.at(-1)).toBe(1);

    // Back: the missed push's seq comes from reading the clinic, then pushes are heard again.
    await waitFor(() => dropped.listening && onDropped.at(-1) === 2);
    expect(dropped.backendPid).not.toBe(pid);
    await pushPatient(clinicA);
    await waitFor(() => onDropped.at(-1) === 3);
    expect(onDropped).toEqual([0, 1, 2, 3]);
    expect(lines.some((line) => /connection lost .*reconnecting in 1500 ms/.test(line))).toBe(true);
    expect(lines).toContain('change notifications: listening again');
    expect((await clinicState(db, clinicA)).lastSeq).toBe(3);
  });

  it('finds a connection gone silent (a cut network) by its round trip, and catches up', async () => {
    const relay = await freezableRelay(new URL(database.url));
    try {
      const lines: string[] = [];
      const listener = await notifier({
        databaseUrl: relay.url,
        pingMs: 100,
        pingTimeoutMs: 300,
        backoff: { initialMs: 10, maxMs: 10 },
        log: (line) => lines.push(line),
      });
      const seqs = listenTo(listener, clinicA);
      const pid = listener.backendPid;
      relay.freeze();
      await pushPatient(clinicA);
      // Not heard on the silent connection: read once a new one listens.
      await waitFor(() => seqs.at(-1) === 1);
      expect(listener.backendPid).not.toBe(pid);
      expect(lines.some((line) => line.includes('connection lost (no answer in 300 ms)'))).toBe(true);

      // Closing while the database does not answer: the server's shutdown is not held up.
      relay.freeze();
      const closing = Date.now();
      await listener.close();
      expect(Date.now() - closing).toBeLessThan(3000);
    } finally {
      await relay.close();
    }
  });

  it('comes back after each of several drops in a row, and leaves no connection behind when closed', async () => {
    const listener = await notifier({ backoff: { initialMs: 20, maxMs: 50 } });
    const seqs = listenTo(listener, clinicA);
    const listeners = async () =>
      Number(
        (
          await runStatement<{ n: string }>(
            db,
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'front-desk-cloud-listener'`,
            [],
          )
        )[0]!.n,
      );
    expect(await listeners()).toBe(1);
    // Several drops in a row: each new connection is dropped again, until one holds.
    for (let i = 0; i < 3; i++) {
      await waitFor(() => listener.listening);
      const pid = listener.backendPid;
      await terminate(pid);
      await waitFor(() => listener.listening && listener.backendPid !== pid);
    }
    await pushPatient(clinicA);
    await waitFor(() => seqs.at(-1) === 1);
    await listener.close();
    await waitFor(async () => (await listeners()) === 0);
  });
});
