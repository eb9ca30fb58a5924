import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintJoinCodeIn } from '../../cloud/join-cli';
import { JOIN_CODE_TTL_MS } from '../../cloud/join.service';
import { DESK_TOKEN, PORTAL_TOKEN, rawRequest, startTestCloud, upsert, type TestCloud, type TestCloudOptions } from '../../cloud/test-fixtures';
import { hashPassword } from '../../electron/auth/password';
import { HOUR_MS, MINUTE_MS } from '../../shared/time/units';
import type { FrontDesk } from '../../electron/app/front-desk';
import type { Caller } from '../../electron/rpc/dispatch';
import type { Session, SessionBinding } from '../../electron/rpc/context';
import { seedBusyClinic } from './busy-clinic';
import { at, seedPractice, startFreshDesk, startSyncDesk, type Clock, type FreshDesk, type SyncDesk } from './sync-fixtures';

/**
 * "Join a clinic": one desk (or the cloud's console) makes a one-time code, a new desk types
 * it on its first run and has the clinic when the call returns. Real HTTP to the reference cloud.
 */

const PASSWORD = 'correct horse battery';
const CODE = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;
const json = { 'Content-Type': 'application/json' };

let clock: Clock;
let cloud: TestCloud;
const cleanups: Array<() => Promise<void>> = [];

async function cloudWith(options: TestCloudOptions = {}): Promise<TestCloud> {
  const started = await startTestCloud({ servers: 2, now: () => clock.now, ...options });
  cleanups.push(() => started.close());
  return started;
}

async function firstDesk(url = cloud.server.url): Promise<SyncDesk> {
  const desk = await startSyncDesk({ name: 'a', clock, cloudUrl: url, token: DESK_TOKEN });
  cleanups.push(() => desk.close());
  return desk;
}

async function freshDesk(name: string): Promise<FreshDesk> {
  const desk = await startFreshDesk({ name, clock });
  cleanups.push(() => desk.close());
  return desk;
}

const deskTokens = async (of: TestCloud) => Number((await of.server.query<{ n: string }>('SELECT count(*) AS n FROM desk_tokens'))[0]!.n);

const redeem = (url: string, code: string, deskName = 'test') =>
  rawRequest(url, '/v1/join', { token: null, method: 'POST', headers: json, body: JSON.stringify({ code, deskName }) });

/** Everything a failed join must leave as it was. */
function footprint(fresh: FreshDesk): unknown {
  const sqlite = fresh.desk.database.sqlite;
  return {
    sync: sqlite.prepare('SELECT enabled, tracking, cloud_url, cursor, last_synced_at FROM sync_state').get(),
    secrets: sqlite.prepare('SELECT count(*) FROM secrets').pluck().get(),
    settings: sqlite.prepare('SELECT key, value FROM settings ORDER BY key').all(),
    staff: sqlite.prepare('SELECT count(*) FROM staff').pluck().get(),
    outbox: sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get(),
    practitioners: sqlite.prepare('SELECT count(*) FROM practitioners').pluck().get(),
  };
}

/** Someone at a desk's window, signing in with auth.signIn (a session on the test clock). */
function personAt(desk: FrontDesk, workstation: string): Caller {
  let token: string | null = null;
  const auth: SessionBinding = {
    current: () => desk.sessions.get(token),
    signIn: (staff) => {
      const session: Session = desk.sessions.create(staff, clock.now);
      token = session.token;
      return session;
    },
    signOut: () => {
      if (token) desk.sessions.delete(token);
      token = null;
    },
  };
  return { transport: 'ipc', workstation, auth, isBackground: false };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeEach(async () => {
  clock = { now: at('2030-01-07T08:00') };
  cloud = await cloudWith();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('join codes on the cloud', () => {
  it('are made by a desk (not the portal, not anonymously), good once, for a token of the new desk’s own; the static tokens keep working', async () => {
    const made = await rawRequest(cloud.server.url, '/v1/join-codes', { method: 'POST', headers: json, body: '{}' });
    expect(made.status).toBe(201);
    const { code, expiresAt } = made.json() as { code: string; expiresAt: number };
    expect(code).toMatch(CODE);
    expect(expiresAt).toBe(clock.now + JOIN_CODE_TTL_MS);
    expect((await rawRequest(cloud.server.url, '/v1/join-codes', { token: PORTAL_TOKEN, method: 'POST', headers: json, body: '{}' })).status).toBe(403);
    expect((await rawRequest(cloud.server.url, '/v1/join-codes', { token: null, method: 'POST', headers: json, body: '{}' })).status).toBe(401);

    // Typed in lower case, without the dash, O for 0 and l for 1: the same code.
    const typed = code.replace('-', '').toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    const joined = await redeem(cloud.server.url, typed);
    expect(joined.status).toBe(201);
    const { token } = joined.json() as { token: string };
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    // The new token syncs; the cloud keeps hashes only.
    expect((await rawRequest(cloud.server.url, '/v1/changes', { token })).status).toBe(200);
    expect((await rawRequest(cloud.server.url, '/v1/changes', { token: DESK_TOKEN })).status).toBe(200);
    const stored = await cloud.server.query('SELECT * FROM desk_tokens');
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(await cloud.server.query('SELECT * FROM join_codes'))).not.toContain(code.replace('-', ''));

    // Used, wrong and expired codes get one and the same answer.
    const used = await redeem(cloud.server.url, code);
    const wrong = await redeem(cloud.server.url, 'ZZZZZ-ZZZZZ');
    const expiring = (await rawRequest(cloud.server.url, '/v1/join-codes', { method: 'POST', headers: json, body: '{}' }).then((r) => r.json())) as {
      code: string;
    };
    clock.now += JOIN_CODE_TTL_MS;
    const expired = await redeem(cloud.server.url, expiring.code);
    for (const refused of [used, wrong, expired]) {
      expect(refused.status).toBe(403);
      expect(refused.text).toBe(used.text);
    }
    expect(used.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This join code is not valid: it may be mistyped, used already or expired.' } });
  });

  it('is good until its expiry, not after', async () => {
    const made = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const late = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    clock.now += JOIN_CODE_TTL_MS - MINUTE_MS;
    expect((await redeem(cloud.server.url, made.code)).status).toBe(201);
    clock.now += MINUTE_MS;
    expect((await redeem(cloud.server.url, late.code)).status).toBe(403);
  });

  it('goes to exactly one of two desks redeeming it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const { code } = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
      const answers = await Promise.all([redeem(cloud.server.url, code, 'x'), redeem(cloud.server.url, code, 'y'), redeem(cloud.server.url, code, 'z')]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 403, 403]);
    }
    expect(await deskTokens(cloud)).toBe(5);
  });

  it('throttles wrong guesses per address (429 with Retry-After), even a right code meanwhile', async () => {
    // One server: the throttle is counted in each process (docs/cloud-api/deploy.md, "Limits").
    const throttled = await cloudWith({ servers: 1, joinThrottle: { maxFailures: 3, windowMs: 10 * MINUTE_MS } });
    const { code } = await mintJoinCodeIn(throttled.databaseUrl, clock.now);
    for (let i = 0; i < 3; i++) expect((await redeem(throttled.server.url, `AAAAA-AAAA${i}`)).status).toBe(403);
    clock.now += MINUTE_MS;
    const refused = await redeem(throttled.server.url, code);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(9 * 60));
    expect((refused.json() as { error: { code: string } }).error.code).toBe('RATE_LIMITED');

    const fresh = await freshDesk('b');
    expect(await fresh.call(fresh.anonymous, 'setup.joinClinic', { cloudUrl: throttled.server.url, code })).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'Too many wrong join codes; try again in 540 s.', details: { retryAfterSeconds: 540 } },
    });
    clock.now += 9 * MINUTE_MS;
    expect(await fresh.call(fresh.anonymous, 'setup.joinClinic', { cloudUrl: throttled.server.url, code })).toEqual({ ok: true, value: { ok: true } });
  });

  it('survive a restart of the cloud', async () => {
    const { code } = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const { token } = (await redeem(cloud.server.url, code)).json() as { token: string };
    await cloud.server.close();
    const again = await cloudWith({ databaseUrl: cloud.databaseUrl });
    expect((await rawRequest(again.server.url, '/v1/changes', { token })).status).toBe(200);
    expect((await redeem(again.server.url, code)).status).toBe(403);
    const fresh = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    expect((await redeem(again.server.url, fresh.code)).status).toBe(201);
  });
});

describe('a desk joins a clinic on its first run', () => {
  it('with a code made in a desk’s Settings: the clinic is here when it returns, nothing was uploaded, and it syncs with its own token', async () => {
    const a = await firstDesk();
    const practice = await seedPractice(a, 3);
    // The clinic's own accounts and settings, which the joining desk must get.
    await a.ok(a.admin, 'staff.create', {
      username: 'dr.ana',
      displayName: 'Dr. Ana Almeida',
      role: 'doctor',
      password: PASSWORD,
      practitionerId: practice.ana,
    });
    await a.ok(a.admin, 'staff.create', { username: 'rita', displayName: 'Rita Reis', role: 'receptionist', password: PASSWORD, practitionerId: null });
    await a.ok(a.admin, 'settings.update', { clinicName: 'Clínica Central', timeZone: 'Atlantic/Azores', displayPrivacy: 'ticketOnly' });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });

    expect(await a.fail(a.reception, 'sync.createJoinCode', {})).toMatchObject({ code: 'FORBIDDEN' });
    const { code, expiresAt } = await a.ok(a.admin, 'sync.createJoinCode', {});
    expect(code).toMatch(CODE);
    expect(expiresAt).toBe(clock.now + 24 * HOUR_MS);
    const audit = a.desk.database.sqlite.prepare(`SELECT action, detail FROM audit_log WHERE action = 'sync.joinCodeCreated'`).all();
    expect(audit).toEqual([{ action: 'sync.joinCodeCreated', detail: JSON.stringify({ expiresAt }) }]);

    const b = await freshDesk('b');
    const seqBefore = await cloud.server.lastSeq();
    expect(await b.call(b.anonymous, 'setup.joinClinic', { cloudUrl: `${cloud.server.url}/`, code: ` ${code.toLowerCase()} ` })).toEqual({
      ok: true,
      value: { ok: true },
    });
    const sqlite = b.desk.database.sqlite;
    expect(sqlite.prepare('SELECT full_name FROM practitioners ORDER BY full_name').pluck().all()).toEqual(['Ana Almeida', 'Bruno Borges']);
    expect(sqlite.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(3);
    expect(sqlite.prepare('SELECT enabled, tracking, cloud_url FROM sync_state').get()).toEqual({ enabled: 1, tracking: 1, cloud_url: cloud.server.url });
    expect(sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(0);
    expect(await cloud.server.lastSeq()).toBe(seqBefore);
    expect(await b.call(b.anonymous, 'auth.status', {})).toMatchObject({ ok: true, value: { isSetUp: true, isDemo: false, clinicName: 'Clínica Central' } });
    // The clinic's settings and accounts came with it; its people sign in here with their own passwords.
    expect(b.desk.settings.get()).toMatchObject({ clinicName: 'Clínica Central', timeZone: 'Atlantic/Azores', displayPrivacy: 'ticketOnly' });
    const accountsAtA = a.desk.database.sqlite.prepare('SELECT uid, username, display_name, role, password_hash FROM staff ORDER BY uid').all();
    expect(sqlite.prepare('SELECT uid, username, display_name, role, password_hash FROM staff ORDER BY uid').all()).toEqual(accountsAtA);
    expect(sqlite.prepare(`SELECT p.full_name FROM staff s JOIN practitioners p ON p.id = s.practitioner_id WHERE s.username = 'dr.ana'`).pluck().get()).toBe(
      'Ana Almeida',
    );
    const rita = personAt(b.desk, 'b-desk');
    expect(await b.call(rita, 'auth.signIn', { username: 'rita', password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
    expect(await b.call(rita, 'auth.signIn', { username: 'rita', password: PASSWORD })).toMatchObject({ ok: true, value: { staff: { username: 'rita' } } });
    const board = await b.call(rita, 'board.day', { day: '2030-01-07' });
    expect(board).toMatchObject({ ok: true, value: { timeZone: 'Atlantic/Azores' } });
    // The token is sealed in the keyring, for the cloud's origin.
    const sealed = sqlite.prepare(`SELECT sealed FROM secrets WHERE name = 'cloud.token'`).pluck().get() as Buffer;
    expect(Buffer.from(sealed).toString()).toMatch(/^sealed:/);
    expect(await deskTokens(cloud)).toBe(1);

    // Set up now: a second join (or create) is refused, and the code is spent anyway.
    expect(await b.call(b.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code })).toMatchObject({ ok: false, error: { code: 'ALREADY_SET_UP' } });
    expect((await redeem(cloud.server.url, code)).status).toBe(403);

    // B works on its own token: its changes go up, A's come down.
    const created = await b.call(rita, 'patients.create', {
      fields: {
        fullName: 'Joined Later',
        preferredName: '',
        dateOfBirth: '1990-02-02',
        sex: 'unknown',
        phone: '+351 91 333 4444',
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: 'en',
        notes: '',
      },
      confirmedNotDuplicate: true,
    });
    expect(created.ok).toBe(true);
    expect(await b.call(rita, 'sync.now', {})).toMatchObject({ ok: true, value: { connection: 'online', pending: 0 } });
    await a.sync();
    expect(a.desk.database.sqlite.prepare(`SELECT count(*) FROM patients WHERE full_name = 'Joined Later'`).pluck().get()).toBe(1);
  });

  it('fails without writing anything: a wrong code, an unreachable cloud, an address that is not HTTPS, a code that cannot be one', async () => {
    const b = await freshDesk('b');
    const before = footprint(b);
    const join = (cloudUrl: string, code: string) => b.call(b.anonymous, 'setup.joinClinic', { cloudUrl, code });

    expect(await join(cloud.server.url, 'ZZZZZ-ZZZZZ')).toMatchObject({ ok: false, error: { code: 'JOIN_CODE_INVALID' } });
    expect(await join(`http://127.0.0.1:${await closedPort()}`, 'ZZZZZ-ZZZZZ')).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_UNAVAILABLE', details: { problem: 'NETWORK' } },
    });
    const notHttps = await join('http://cloud.example.pt', 'ZZZZZ-ZZZZZ');
    expect(notHttps).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { fields: [{ path: 'cloudUrl' }] } } });
    expect(await join(cloud.server.url, 'ABC')).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { fields: [{ path: 'code' }] } } });
    expect(footprint(b)).toEqual(before);

    // A desk that cannot keep a token does not spend the code.
    const { code } = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const noKeyring = await startFreshDesk({ name: 'c', clock, secretCipher: (await import('../../electron/secrets/secret-cipher')).noSecretCipher });
    cleanups.push(() => noKeyring.close());
    expect(await noKeyring.call(noKeyring.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code })).toMatchObject({
      ok: false,
      error: { code: 'SECURE_STORAGE_UNAVAILABLE', details: { reason: 'NO_ENCRYPTION' } },
    });
    expect(await join(cloud.server.url, code)).toEqual({ ok: true, value: { ok: true } });
  });

  it('two desks with one code: exactly one joins, the other writes nothing; a second click on one desk spends no second code', async () => {
    const { code } = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const [b, c] = [await freshDesk('b'), await freshDesk('c')];
    const before = [footprint(b), footprint(c)];
    const answers = await Promise.all([b, c].map((desk) => desk.call(desk.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code })));
    const codes = answers.map((answer) => (answer.ok ? 'ok' : answer.error.code)).sort();
    expect(codes).toEqual(['JOIN_CODE_INVALID', 'ok']);
    const loser = answers[0]!.ok ? 1 : 0;
    expect(footprint([b, c][loser]!)).toEqual(before[loser]);

    const d = await freshDesk('d');
    const second = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const [first, again] = await Promise.all([
      d.call(d.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code: second.code }),
      d.call(d.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code: second.code }),
    ]);
    expect(first).toEqual({ ok: true, value: { ok: true } });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_SET_UP', details: { reason: 'JOIN_UNDERWAY' } } });
    expect(await deskTokens(cloud)).toBe(2);
  });

  it('a download cut off after the code was used keeps the token: joining again with the same URL finishes it, without a new code', async () => {
    let isRevoking = true;
    // The cloud takes the code, then refuses the new token for the first pull (as if the line dropped there).
    const flaky = await cloudWith({
      // Pino writes each line as it is logged: the token is revoked before the answer leaves.
      logger: pino(
        {},
        {
          write: (line: string) => {
            if (isRevoking && (JSON.parse(line) as { msg?: string }).msg === 'desk joined') void flaky.server.query('UPDATE desk_tokens SET revoked_at = 1');
          },
        },
      ),
    });
    const a = await firstDesk(flaky.server.url);
    await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    const { code } = await mintJoinCodeIn(flaky.databaseUrl, clock.now);
    const b = await freshDesk('b');
    expect(await b.call(b.anonymous, 'setup.joinClinic', { cloudUrl: flaky.server.url, code })).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_UNAVAILABLE', details: { problem: 'UNAUTHORISED', joined: true } },
    });
    expect(await b.call(b.anonymous, 'auth.status', {})).toMatchObject({ ok: true, value: { isSetUp: false } });

    isRevoking = false;
    await flaky.server.query('UPDATE desk_tokens SET revoked_at = NULL');
    // The code is spent; any code of the right shape will do, as it is not sent again.
    expect(await b.call(b.anonymous, 'setup.joinClinic', { cloudUrl: flaky.server.url, code: 'AAAAA-AAAAA' })).toEqual({ ok: true, value: { ok: true } });
    expect(b.desk.database.sqlite.prepare('SELECT count(*) FROM practitioners').pluck().get()).toBe(2);
    expect(await b.call(b.anonymous, 'auth.status', {})).toMatchObject({ ok: true, value: { isSetUp: true } });
    expect(await deskTokens(flaky)).toBe(1);
  });

  it('a code needs sync set up, and a cloud that answers', async () => {
    const a = await startSyncDesk({ name: 'alone', clock, cloudUrl: '', token: '' });
    cleanups.push(() => a.close());
    expect(await a.fail(a.admin, 'sync.createJoinCode', {})).toMatchObject({ code: 'NOT_SET_UP', details: { missing: ['cloudUrl', 'token'] } });
    const away = await firstDesk(`http://127.0.0.1:${await closedPort()}`);
    expect(await away.fail(away.admin, 'sync.createJoinCode', {})).toMatchObject({ code: 'CLOUD_UNAVAILABLE', details: { problem: 'NETWORK' } });
    expect(away.desk.database.sqlite.prepare(`SELECT count(*) FROM audit_log WHERE action = 'sync.joinCodeCreated'`).pluck().get()).toBe(0);
  });

  it('joins a clinic in use (300 patients, 900 appointments) with a code from the cloud’s console: its staff sign in and its board shows the bookings', async () => {
    const busy = await seedBusyClinic(cloud.desk, { patients: 300, appointments: 900, firstDay: '2030-01-07', timeZone: 'Europe/Lisbon' });
    // The clinic's receptionist, as another desk made her account.
    const account = upsert('staff', randomUUID(), {
      username: 'marta',
      displayName: 'Marta',
      role: 'receptionist',
      passwordHash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
      practitionerUid: null,
      locale: 'pt',
      isDisabled: false,
    });
    expect((await cloud.desk.push('desk-b', [account])).results[0]).toMatchObject({ status: 'applied' });
    const { code } = await mintJoinCodeIn(cloud.databaseUrl, clock.now);
    const c = await freshDesk('c');
    expect(await c.call(c.anonymous, 'setup.joinClinic', { cloudUrl: cloud.server.url, code })).toEqual({ ok: true, value: { ok: true } });
    const sqlite = c.desk.database.sqlite;
    expect(sqlite.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(300);
    expect(sqlite.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(900);
    const marta = personAt(c.desk, 'c-window');
    expect(await c.call(marta, 'auth.signIn', { username: 'marta', password: PASSWORD })).toMatchObject({ ok: true, value: { staff: { username: 'marta' } } });
    const board = await c.call(marta, 'board.day', { day: '2030-01-09' });
    if (!board.ok) throw new Error(JSON.stringify(board.error));
    expect(board.value.practitioners).toHaveLength(6);
    expect(board.value.appointments).toHaveLength(busy.perDay.get('2030-01-09')!);
    expect(board.value.appointments[0]).toMatchObject({ patientName: expect.stringMatching(/^Patient \d{4} Joined$/), status: 'booked' });
  });
});
