import { request } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsContract } from '../../shared/settings/settings.contract';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { startWebHost, type WebHost } from './web-host';

// DNS rebinding: a page on another site, its name rebound to the desk's address, reaches the
// host with that site's name in Host (and Origin equal to it). Only names the host serves pass.

let dir: string;
let app: FrontDesk;
let host: WebHost;
let port: number;

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
}

/** A raw HTTP request, so the Host header is exactly what a rebound browser would send. */
function send(path: string, options: { host: string | null; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.host !== null) headers['host'] = options.host;
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        // An event stream never ends: the first bytes are enough.
        if (res.headers['content-type']?.includes('text/event-stream')) req.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [] });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function rpc(method: string, input: unknown, hostHeader: string, cookie?: string): Promise<Answer> {
  const body = JSON.stringify(input);
  return send(`/api/rpc/${method}`, {
    host: hostHeader,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-front-desk': '1',
      origin: `http://${hostHeader}`,
      ...(cookie ? { cookie } : {}),
    },
    body,
  });
}

const clinic = {
  clinicName: 'Test Clinic',
  timeZone: 'Europe/Lisbon',
  locale: 'en',
  admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
};

async function adminCookie(): Promise<string> {
  const created = await rpc('setup.createClinic', clinic, `127.0.0.1:${port}`);
  expect(created.status).toBe(200);
  const signIn = await rpc('auth.signIn', { username: 'boss', password: 'correct horse' }, `127.0.0.1:${port}`);
  expect(signIn.status).toBe(200);
  return signIn.setCookie[0]!.split(';')[0]!;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-rebind-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  app = await startFrontDesk({ dataDir: join(dir, 'data') });
  host = await startWebHost({ app, rendererDir, port: 0 });
  port = Number(new URL(host.url).port);
});

afterEach(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser host: the Host header (DNS rebinding)', () => {
  it('answers 421 to a name it does not serve, on every route, before any handler runs', async () => {
    const evil = `evil.example:${port}`;
    const page = await send('/', { host: evil });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain('Front Desk</title>');
    expect((await send('/kiosk', { host: evil })).status).toBe(421);

    const status = await rpc('auth.status', {}, evil);
    expect(status.status).toBe(421);

    const setup = await rpc('setup.createClinic', clinic, evil);
    expect(setup.status).toBe(421);
    expect(setup.setCookie).toEqual([]);
    const staff = app.database.sqlite.prepare('SELECT count(*) AS n FROM staff').get() as { n: number };
    expect(staff.n).toBe(0);

    expect((await send('/api/events', { host: evil })).status).toBe(421);
  });

  it('refuses a missing Host, a wrong port, and look-alike names', async () => {
    expect((await send('/', { host: null })).status).toBe(421);
    expect((await send('/', { host: '' })).status).toBe(421);
    expect((await send('/', { host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    expect((await send('/', { host: '127.0.0.1' })).status).toBe(421);
    expect((await send('/', { host: `localhost.evil.example:${port}` })).status).toBe(421);
    expect((await send('/', { host: `127.0.0.1.evil.example:${port}` })).status).toBe(421);
  });

  it('serves the address it is bound to, and localhost when bound to loopback', async () => {
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const page = await send('/', { host: name });
      expect(page.status, name).toBe(200);
      expect(page.body).toContain('<title>Front Desk</title>');
    }
    const created = await rpc('setup.createClinic', clinic, `localhost:${port}`);
    expect(created.status).toBe(200);
  });

  it('serves a name the admin adds in the settings, from the next request on', async () => {
    const cookie = await adminCookie();
    const lan = `recepcao.local:${port}`;
    expect((await rpc('auth.status', {}, lan, cookie)).status).toBe(421);

    const updated = await rpc('settings.update', { hostNames: ['Recepcao.local', 'desk-1.clinic.lan'] }, `127.0.0.1:${port}`, cookie);
    expect(updated.status).toBe(200);
    expect(JSON.parse(updated.body).value.hostNames).toEqual(['recepcao.local', 'desk-1.clinic.lan']);
    // The settings cache refreshes on settings.changed, asynchronously.
    await expect.poll(async () => (await rpc('auth.status', {}, lan, cookie)).status).toBe(200);
    expect((await send('/', { host: `desk-1.clinic.lan:${port}` })).status).toBe(200);
    expect((await send('/', { host: `other.clinic.lan:${port}` })).status).toBe(421);

    await rpc('settings.update', { hostNames: [] }, `127.0.0.1:${port}`, cookie);
    await expect.poll(async () => (await send('/', { host: lan })).status).toBe(421);
  });

  it('serves the names given at start (--host-name)', async () => {
    const extra = await startWebHost({ app, rendererDir: join(dir, 'renderer'), port: 0, hostNames: ['front.clinic.lan'] });
    try {
      const extraPort = Number(new URL(extra.url).port);
      const previous = port;
      port = extraPort;
      expect((await send('/', { host: `front.clinic.lan:${extraPort}` })).status).toBe(200);
      expect((await send('/', { host: `evil.example:${extraPort}` })).status).toBe(421);
      port = previous;
    } finally {
      await extra.close();
    }
  });
});

describe('settings contract: host names', () => {
  const input = settingsContract['settings.update'].input;

  it('accepts DNS names and IP addresses, lower-cased', () => {
    const parsed = input.parse({ hostNames: ['Recepcao.Local', 'desk-1.clinic.lan', '192.168.1.20', 'fe80::1', 'desk'] });
    expect(parsed.hostNames).toEqual(['recepcao.local', 'desk-1.clinic.lan', '192.168.1.20', 'fe80::1', 'desk']);
  });

  it('refuses what is not a host name', () => {
    for (const bad of [
      '',
      'evil.example:80',
      'http://desk.lan',
      'desk lan',
      '-desk.lan',
      'desk-.lan',
      'desk..lan',
      '*.lan',
      'a'.repeat(64) + '.lan',
      'desk.lan/',
      '[::1]',
      '999.1.1.1',
    ]) {
      expect(input.safeParse({ hostNames: [bad] }).success, bad).toBe(false);
    }
    expect(input.safeParse({ hostNames: Array.from({ length: 21 }, (_, i) => `desk-${i}.lan`) }).success).toBe(false);
    expect(input.safeParse({ hostNames: ['desk.lan', 'DESK.lan'] }).success).toBe(false);
  });
});
