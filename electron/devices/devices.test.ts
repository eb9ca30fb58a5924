import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { startWebHost, type WebHost } from '../host/web-host';
import type { Caller } from '../rpc/dispatch';
import { callAs, localCaller } from '../rpc/local-caller';

/**
 * Paired screens over real HTTP: the browser host, the dispatcher and the database, with a
 * clock the test moves (it starts at the real time, so sessions and cookies behave).
 */

let dir: string;
let app: FrontDesk;
let host: WebHost;
let clock: number;
let admin: string;

async function rpc(method: string, input: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${host.url}api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-front-desk': '1', ...headers },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as any, setCookie: response.headers.getSetCookie() };
}

const withCookie = (cookie: string) => ({ cookie });

async function pairingCode(role: 'display' | 'kiosk', name = 'Waiting room TV'): Promise<string> {
  const created = await rpc('devices.createPairingCode', { role, name }, withCookie(admin));
  expect(created.status).toBe(200);
  expect(created.body.value.expiresAt).toBe(clock + 10 * 60_000);
  return created.body.value.code as string;
}

/** Pairs as a browser would: returns the device cookie (`fd_device=…`). */
async function pair(role: 'display' | 'kiosk', name?: string): Promise<string> {
  const paired = await rpc('devices.pair', { code: await pairingCode(role, name) });
  expect(paired.status).toBe(200);
  return paired.setCookie[0]!.split(';')[0]!;
}

interface Stream {
  text(): string;
  waitFor(needle: string, count?: number): Promise<void>;
  ended: Promise<void>;
  close(): void;
}

async function openStream(headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${host.url}api/events`, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  const waiters: Array<() => void> = [];
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += decoder.decode(value);
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // aborted by the test
    }
  })();
  const occurrences = (needle: string) => received.split(needle).length - 1;
  return {
    text: () => received,
    waitFor: async (needle, count = 1) => {
      const deadline = Date.now() + 5000;
      while (occurrences(needle) < count) {
        if (Date.now() > deadline) throw new Error(`stream never got ${count}× ${needle}; got:\n${received}`);
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 50))]);
      }
    },
    ended,
    close: () => controller.abort(),
  };
}

/** A practitioner, a patient and an appointment starting now, straight into the tables. */
function seedAppointmentNow(): number {
  const sqlite = app.database.sqlite;
  sqlite
    .prepare(`INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'General', 'Geral', 30, 4000, 'G')`)
    .run();
  sqlite.prepare(`INSERT INTO rooms (id, name) VALUES (1, 'Room 3')`).run();
  sqlite.prepare(`INSERT INTO practitioners (id, full_name, default_room_id) VALUES (1, 'Ana Almeida', 1)`).run();
  sqlite
    .prepare(
      `INSERT INTO patients (id, full_name, date_of_birth, phone, phone_digits, created_at, updated_at) VALUES (1, 'Ana Sofia Silva', '1985-03-09', '912 345 678', '912345678', 0, 0)`,
    )
    .run();
  const result = sqlite
    .prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, created_at, updated_at)
       VALUES (1, 1, 1, 1, ?, ?, 'booked', 0, 0, 0)`,
    )
    .run(clock, clock + 30 * 60_000);
  return Number(result.lastInsertRowid);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-devices-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  clock = Date.now();
  app = await startFrontDesk({ dataDir: join(dir, 'data'), now: () => clock });
  host = await startWebHost({ app, rendererDir, port: 0 });
  await rpc('setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  const signIn = await rpc('auth.signIn', { username: 'boss', password: 'correct horse' });
  admin = signIn.setCookie[0]!.split(';')[0]!;
  // The test moves the clock by minutes: the desk must not lock meanwhile.
  expect((await rpc('settings.update', { idleLockMinutes: 480 }, withCookie(admin))).status).toBe(200);
});

afterEach(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pairing a screen', () => {
  it('pairs with a one-time code; the HttpOnly cookie (or a bearer token) then speaks for the device, within its role', async () => {
    const code = await pairingCode('display', 'Waiting room TV');
    const paired = await rpc('devices.pair', { code });
    expect(paired.body).toEqual({ ok: true, value: { role: 'display', name: 'Waiting room TV' } });
    const setCookie = paired.setCookie[0]!;
    expect(setCookie).toMatch(/^fd_device=[\w-]{43};/);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/', 'Max-Age=34560000']) expect(setCookie).toContain(attribute);
    const display = setCookie.split(';')[0]!;
    const token = display.slice('fd_device='.length);

    // The token is never stored, only its hash.
    const stored = app.database.sqlite.prepare(`SELECT token_hash FROM devices`).pluck().all() as string[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(app.database.sqlite.prepare(`SELECT * FROM devices`).all())).not.toContain(token);

    expect((await rpc('devices.whoAmI', {}, withCookie(display))).body.value).toEqual({ device: { role: 'display', name: 'Waiting room TV' } });
    expect((await rpc('devices.whoAmI', {})).body.value).toEqual({ device: null });
    const state = await rpc('display.state', {}, withCookie(display));
    expect(state.status).toBe(200);
    expect(state.body.value).toMatchObject({ clinicName: 'Test Clinic', current: null, waiting: [] });
    expect((await rpc('display.state', {}, { authorization: `Bearer ${token}` })).status).toBe(200);

    // Within its role only: 403 for anything a receptionist does, 401 for a stranger.
    for (const [method, input] of [
      ['settings.get', {}],
      ['patients.search', { query: 'ana' }],
      ['checkin.checkIn', { appointmentId: 1 }],
      ['kiosk.checkIn', { appointmentCode: 'ABCDEF' }],
      ['devices.list', {}],
      ['devices.createPairingCode', { role: 'display', name: 'Another' }],
    ] as const) {
      const refused = await rpc(method, input, withCookie(display));
      expect(refused.status, method).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
    }
    const stranger = await rpc('display.state', {});
    expect(stranger.status).toBe(401);
    expect(stranger.body.error.code).toBe('UNAUTHENTICATED');
    expect((await rpc('display.state', {}, withCookie('fd_device=not-a-real-token-at-all-nope'))).status).toBe(401);
    expect((await fetch(`${host.url}api/events`)).status).toBe(401);

    // Single use.
    const again = await rpc('devices.pair', { code });
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 'NOT_FOUND', details: { used: true } });

    const list = await rpc('devices.list', {}, withCookie(admin));
    expect(list.body.value).toEqual([
      {
        id: 1,
        name: 'Waiting room TV',
        role: 'display',
        createdAt: clock,
        lastSeenAt: expect.any(Number),
        revokedAt: null,
        throttledUntil: null,
        hasPrinter: false,
      },
    ]);
  });

  it('refuses wrong and expired codes', async () => {
    const code = await pairingCode('kiosk', 'Lobby tablet');
    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await rpc('devices.pair', { code: wrong });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('NOT_FOUND');
    expect(refused.setCookie).toEqual([]);

    clock += 10 * 60_000;
    const expired = await rpc('devices.pair', { code });
    expect(expired.status).toBe(404);
    expect(expired.body.error).toMatchObject({ code: 'NOT_FOUND', details: { expired: true } });
    expect(app.database.sqlite.prepare(`SELECT count(*) FROM devices`).pluck().get()).toBe(0);

    // A fresh code works, and makes a kiosk: kiosk methods yes, the display's no.
    const kiosk = await pair('kiosk', 'Lobby tablet');
    expect((await rpc('kiosk.info', {}, withCookie(kiosk))).body.value).toEqual({
      clinicName: 'Test Clinic',
      locale: 'en',
      timeZone: 'Europe/Lisbon',
      hasPrinter: false,
    });
    expect((await rpc('kiosk.checkIn', { appointmentCode: 'ABCDEF' }, withCookie(kiosk))).body.value).toEqual({ outcome: 'seeDesk' });
    expect((await rpc('display.state', {}, withCookie(kiosk))).status).toBe(403);
  });

  it('limits wrong codes: five, then 429 even for the right one, until the window passes', async () => {
    const code = await pairingCode('display');
    const wrong = code === '123456' ? '654321' : '123456';
    for (let attempt = 0; attempt < 5; attempt++) expect((await rpc('devices.pair', { code: wrong })).status).toBe(404);
    const limited = await rpc('devices.pair', { code });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 300 } });
    clock += 5 * 60_000;
    expect((await rpc('devices.pair', { code })).status).toBe(200);
  });

  it('limits wrong codes per source only: many machines failing do not block another from pairing', async () => {
    const code = await pairingCode('display');
    const wrong = code === '123456' ? '654321' : '123456';
    const paired: string[] = [];
    const from = (source: string): Caller => ({
      ...localCaller(app.sessions, `web ${source}`),
      transport: 'http',
      source,
      device: { current: () => null, pair: (token) => void paired.push(token) },
    });
    for (let machine = 0; machine < 6; machine++) {
      const results = await Promise.all(Array.from({ length: 8 }, () => app.dispatch(from(`10.0.0.${machine}`), 'devices.pair', { code: wrong })));
      expect(results.map((result) => (result.ok ? 'ok' : result.error.code)).filter((code) => code === 'NOT_FOUND')).toHaveLength(5);
    }
    expect(await app.dispatch(from('10.0.0.99'), 'devices.pair', { code })).toMatchObject({ ok: true });
    expect(paired).toHaveLength(1);
  });

  it('is created and revoked at the desk only', async () => {
    expect((await rpc('devices.createPairingCode', { role: 'display', name: 'TV' })).status).toBe(401);
    const doctor = localCaller(app.sessions);
    const adminCaller = localCaller(app.sessions);
    await callAs(app.dispatch, adminCaller, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    await callAs(app.dispatch, adminCaller, 'staff.create', { username: 'doc', displayName: 'Doc', role: 'doctor', password: 'long password' });
    await callAs(app.dispatch, doctor, 'auth.signIn', { username: 'doc', password: 'long password' });
    const refused = await app.dispatch(doctor, 'devices.createPairingCode', { role: 'display', name: 'TV' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await rpc('devices.revoke', { id: 99 }, withCookie(admin))).body.error.code).toBe('NOT_FOUND');
  });
});

describe("a kiosk's ticket printer", () => {
  it('is set at the desk, audited, read by the kiosk itself; a display has none', async () => {
    const kiosk = await pair('kiosk', 'Lobby tablet');
    const kioskId = (await rpc('devices.list', {}, withCookie(admin))).body.value[0].id as number;
    const set = await rpc('devices.setPrinter', { id: kioskId, hasPrinter: true }, withCookie(admin));
    expect(set.body.value).toMatchObject({ id: kioskId, hasPrinter: true });
    expect((await rpc('kiosk.info', {}, withCookie(kiosk))).body.value).toMatchObject({ hasPrinter: true });
    expect(app.database.sqlite.prepare(`SELECT count(*) FROM audit_log WHERE action = 'devices.setPrinter'`).pluck().get()).toBe(1);
    // The kiosk may not switch it itself.
    expect((await rpc('devices.setPrinter', { id: kioskId, hasPrinter: false }, withCookie(kiosk))).status).toBe(403);

    const display = await pair('display', 'TV');
    expect(display).toBeTruthy();
    const displayId = (await rpc('devices.list', {}, withCookie(admin))).body.value.find((device: { role: string }) => device.role === 'display').id as number;
    const refused = await rpc('devices.setPrinter', { id: displayId, hasPrinter: true }, withCookie(admin));
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION', details: { fields: [expect.objectContaining({ path: 'hasPrinter' })] } });
    expect((await rpc('devices.setPrinter', { id: 99, hasPrinter: true }, withCookie(admin))).body.error.code).toBe('NOT_FOUND');
  });
});

describe('a paired display on the LAN', () => {
  it('streams display.changed and nothing else; revoking it closes the stream and stops the token at once', async () => {
    const appointmentId = seedAppointmentNow();
    const display = await pair('display');
    const displayStream = await openStream(withCookie(display));
    const deskStream = await openStream(withCookie(admin));
    await displayStream.waitFor('event: hello');
    await deskStream.waitFor('event: hello');

    const checkedIn = await rpc('checkin.checkIn', { appointmentId }, withCookie(admin));
    expect(checkedIn.body.value).toMatchObject({ ticket: 'G-001', roomName: 'Room 3' });
    app.bus.publish('patients.changed', { patientIds: [1] });
    const called = await rpc('queue.callNext', { practitionerId: 1 }, withCookie(admin));
    expect(called.status).toBe(200);

    await deskStream.waitFor('event: display.changed', 2);
    await displayStream.waitFor('event: display.changed', 2);
    for (const event of ['appointments.changed', 'queue.changed', 'patients.changed']) {
      expect(deskStream.text()).toContain(`event: ${event}`);
      expect(displayStream.text()).not.toContain(`event: ${event}`);
    }
    // What reached the screen: the ticket, "Ana S.", the room; not the surname, the phone or the birth date.
    expect(displayStream.text()).toContain('"ticket":"G-001","displayName":"Ana S.","roomName":"Room 3"');
    for (const secret of ['Silva', '912345678', '1985-03-09', 'patientId']) expect(displayStream.text()).not.toContain(secret);

    const revoked = await rpc('devices.revoke', { id: 1 }, withCookie(admin));
    expect(revoked.body.value).toMatchObject({ id: 1, revokedAt: clock });
    await displayStream.ended;
    expect((await rpc('display.state', {}, withCookie(display))).status).toBe(401);
    expect((await rpc('devices.whoAmI', {}, withCookie(display))).body.value).toEqual({ device: null });
    expect((await fetch(`${host.url}api/events`, { headers: withCookie(display) })).status).toBe(401);
    // The desk's stream carries on, and heard of the revocation.
    app.bus.publish('practice.changed', {});
    await deskStream.waitFor('event: practice.changed');
    expect(deskStream.text()).toContain('event: devices.changed');
    expect(displayStream.text()).not.toContain('event: devices.changed');
    deskStream.close();
  });

  it('runs as the screen in a browser whose desk session is locked, and does not keep the desk awake', async () => {
    const display = await pair('display');
    const both = `${admin}; ${display}`;
    expect((await rpc('settings.update', { idleLockMinutes: 1 }, withCookie(admin))).status).toBe(200);
    clock += 2 * 60_000;
    expect((await rpc('display.state', {}, withCookie(both))).status).toBe(200);
    expect((await rpc('devices.whoAmI', {}, withCookie(both))).body.value.device).toEqual({ role: 'display', name: 'Waiting room TV' });
    const locked = await rpc('settings.get', {}, withCookie(both));
    expect(locked.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { locked: true } });
  });
});
