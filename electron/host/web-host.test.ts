import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';
import { startWebHost, type WebHost } from './web-host';

let dir: string;
let app: FrontDesk;
let host: WebHost;

async function rpc(method: string, input: unknown, init: { cookie?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${host.url}api/rpc/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-front-desk': '1',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
    body: init.body ?? JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as any, setCookie: response.headers.getSetCookie() };
}

async function signedIn(): Promise<string> {
  const created = await rpc('setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  expect(created.body).toEqual({ ok: true, value: { ok: true } });
  const signIn = await rpc('auth.signIn', { username: 'boss', password: 'correct horse' });
  expect(signIn.status).toBe(200);
  return signIn.setCookie[0]!.split(';')[0]!;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  app = await startFrontDesk({ dataDir: join(dir, 'data') });
  host = await startWebHost({ app, rendererDir, port: 0 });
});

afterEach(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser host', () => {
  it('serves the UI with a strict CSP, and falls back to it for app routes', async () => {
    for (const path of ['', 'display', 'kiosk']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>Front Desk</title>');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('refuses paths outside the renderer folder', async () => {
    const response = await fetch(`${host.url}..%2f..%2fdata/front-desk.db`);
    expect(await response.text()).not.toContain('SQLite format');
  });

  it('signs in with an HttpOnly, SameSite=Strict cookie and then answers as that user', async () => {
    await rpc('setup.createClinic', {
      clinicName: 'Test Clinic',
      timeZone: 'Europe/Lisbon',
      locale: 'en',
      admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
    });
    const signIn = await rpc('auth.signIn', { username: 'boss', password: 'correct horse' });
    const cookie = signIn.setCookie[0]!;
    expect(cookie).toMatch(/^fd_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const status = await rpc('auth.status', {}, { cookie: cookie.split(';')[0]! });
    expect(status.body.value.staff.username).toBe('boss');
    const anonymous = await rpc('auth.status', {});
    expect(anonymous.body.value.staff).toBeNull();
  });

  it('answers 401 without a session and 403 for a role that may not call the method', async () => {
    const anonymous = await rpc('staff.list', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');

    const adminCookie = await signedIn();
    await rpc('staff.create', { username: 'desk', displayName: 'Desk', role: 'receptionist', password: 'long enough' }, { cookie: adminCookie });
    const desk = await rpc('auth.signIn', { username: 'desk', password: 'long enough' });
    const deskCookie = desk.setCookie[0]!.split(';')[0]!;
    const forbidden = await rpc('staff.list', {}, { cookie: deskCookie });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses requests without the Front Desk header or from another origin', async () => {
    const noHeader = await rpc('auth.status', {}, { headers: { 'x-front-desk': '' } });
    expect(noHeader.status).toBe(403);
    const otherOrigin = await rpc('auth.status', {}, { headers: { origin: 'http://evil.example' } });
    expect(otherOrigin.status).toBe(403);
  });

  it('gives clear errors for malformed, oversize and unknown requests', async () => {
    expect((await rpc('auth.status', null, { body: '{not json' })).body.error.code).toBe('VALIDATION');
    const huge = await rpc('auth.signIn', null, { body: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const unknown = await rpc('nope.nothing', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_METHOD');
    const extraField = await rpc('auth.signIn', { username: 'a', password: 'b', isAdmin: true });
    expect(extraField.status).toBe(400);
    expect(extraField.body.error.code).toBe('VALIDATION');
  });

  it('writes nothing when setup input is invalid', async () => {
    const bad = await rpc('setup.createClinic', {
      clinicName: "'; DROP TABLE staff; --",
      timeZone: 'Mars/Olympus_Mons',
      locale: 'en',
      admin: { username: 'boss', displayName: 'B', password: 'correct horse' },
    });
    expect(bad.body.error.code).toBe('VALIDATION');
    const count = app.database.sqlite.prepare('SELECT count(*) AS n FROM staff').get() as { n: number };
    expect(count.n).toBe(0);
  });

  it('streams push events to signed-in clients over server-sent events', async () => {
    const cookie = await signedIn();
    expect((await fetch(`${host.url}api/events`)).status).toBe(401);

    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, { headers: { cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const waitFor = async (needle: string) => {
      while (!received.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        received += decoder.decode(value);
      }
    };
    await waitFor('event: hello');
    await rpc('settings.update', { idleLockMinutes: 15 }, { cookie });
    await waitFor('event: settings.changed');
    controller.abort();
  });
});
