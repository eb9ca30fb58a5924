import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { startFrontDesk, type FrontDesk } from '../../electron/app/front-desk';
import { hashPassword } from '../../electron/auth/password';
import type { Caller } from '../../electron/rpc/dispatch';
import { callAs, localCaller } from '../../electron/rpc/local-caller';
import { fakeKeyring } from '../../electron/secrets/fake-keyring';
import { writeSettings } from '../../electron/settings/settings.repository';
import { insertStaff } from '../../electron/staff/staff.repository';

const NOW = Date.UTC(2030, 0, 7, 9, 0);

/** Someone else's server on this computer: it records what reaches it. */
async function startCapture(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"changes":[],"cursor":"0","hasMore":false}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the cloud token goes only where it was given for', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function open(
    env: Record<string, string> = {},
  ): Promise<{ desk: FrontDesk; admin: Caller; cloud: TestCloud; capture: Awaited<ReturnType<typeof startCapture>> }> {
    const dir = mkdtempSync(join(tmpdir(), 'fd-token-origin-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const cloud = await startTestCloud({ servers: 2 });
    cleanup.push(() => cloud.close());
    const capture = await startCapture();
    cleanup.push(() => capture.close());
    const desk = await startFrontDesk({ dataDir: dir, env, syncWorker: false, secretCipher: fakeKeyring });
    cleanup.push(() => desk.close());
    await writeSettings(desk.database.db, { clinicName: 'Origin clinic', timeZone: 'Europe/Lisbon', setUpAt: NOW });
    const passwordHash = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    await insertStaff(desk.database.db, { username: 'boss', displayName: 'Boss', role: 'admin', passwordHash, practitionerId: null, locale: 'en', now: NOW });
    const admin = localCaller(desk.sessions, 'origin-test');
    await callAs(desk.dispatch, admin, 'auth.signIn', { username: 'boss', password: 'pw' });
    return { desk, admin, cloud, capture };
  }

  it('a new address without the token again is refused when sync is on, and forgets the token when it is off; the other server hears nothing', async () => {
    const { desk, admin, cloud, capture } = await open();
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { cloudUrl: cloud.server.url, token: DESK_TOKEN, enabled: true });
    expect(await callAs(desk.dispatch, admin, 'sync.now', {})).toMatchObject({ connection: 'online' });

    // An unattended admin session, pointed at another server: sync cannot stay on without the token again.
    const refused = await desk.dispatch(admin, 'sync.updateSettings', { cloudUrl: capture.url });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_SET_UP', details: { missing: ['token'] } } });
    expect(await callAs(desk.dispatch, admin, 'sync.settings', {})).toMatchObject({ cloudUrl: cloud.server.url, hasToken: true, enabled: true });

    // Sync off, then the new address: saved, and the token is gone with the old one.
    const moved = await callAs(desk.dispatch, admin, 'sync.updateSettings', { enabled: false, cloudUrl: capture.url });
    expect(moved).toMatchObject({ cloudUrl: capture.url, hasToken: false, enabled: false });
    expect(await desk.dispatch(admin, 'sync.updateSettings', { enabled: true })).toMatchObject({ ok: false, error: { code: 'NOT_SET_UP' } });
    await desk.dispatch(admin, 'sync.now', {});
    expect(capture.seen).toEqual([]);

    // Back to the cloud's address: the token must be given again there too.
    expect(await callAs(desk.dispatch, admin, 'sync.updateSettings', { cloudUrl: cloud.server.url })).toMatchObject({ hasToken: false });
  });

  it('a path change on the same address keeps the token', async () => {
    const { desk, admin, cloud } = await open();
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { cloudUrl: cloud.server.url, token: DESK_TOKEN });
    expect(await callAs(desk.dispatch, admin, 'sync.updateSettings', { cloudUrl: `${cloud.server.url}/` })).toMatchObject({ hasToken: true });
  });

  it('the token from the environment goes only to the address from the environment', async () => {
    const { desk, admin, cloud, capture } = await open({ FRONT_DESK_CLOUD_URL: 'http://127.0.0.1:9', FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN });
    expect(await callAs(desk.dispatch, admin, 'sync.settings', {})).toMatchObject({ hasToken: true });
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { cloudUrl: capture.url });
    expect(await callAs(desk.dispatch, admin, 'sync.settings', {})).toMatchObject({ hasToken: false });
    expect(await desk.dispatch(admin, 'sync.updateSettings', { enabled: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SET_UP', details: { missing: ['token'] } },
    });
    expect(capture.seen).toEqual([]);
    void cloud;
  });

  it('refuses a plain-HTTP address off this computer, and anything that is not an address', async () => {
    const { desk, admin } = await open();
    for (const cloudUrl of ['http://cloud.example.pt', 'http://192.168.1.20:8787', 'https://user:pw@cloud.example.pt', 'ftp://cloud.example.pt']) {
      const refused = await desk.dispatch(admin, 'sync.updateSettings', { cloudUrl, token: DESK_TOKEN });
      expect(refused, cloudUrl).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(desk.database.sqlite.prepare('SELECT count(*) FROM secrets').pluck().get()).toBe(0);
  });
});
