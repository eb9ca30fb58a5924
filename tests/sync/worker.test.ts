import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract/contract';
import { appointment, DESK_TOKEN, seedClinic, startTestCloud, upsert, type TestCloud } from '../../cloud/test-fixtures';
import { startFrontDesk, type FrontDesk } from '../../electron/app/front-desk';
import { hashPassword } from '../../electron/auth/password';
import { insertStaff } from '../../electron/staff/staff.repository';
import { callAs, localCaller } from '../../electron/rpc/local-caller';
import type { Caller } from '../../electron/rpc/dispatch';
import { fakeKeyring } from '../../electron/secrets/fake-keyring';
import type { SecretCipher } from '../../electron/secrets/secret-cipher';
import { writeSettings } from '../../electron/settings/settings.repository';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

// Generous under load (two cores, PostgreSQL beside), and still below the 15 s interval the worker falls back on.
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 12_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the sync settings and the background worker', () => {
  let cloud: TestCloud | null = null;
  let desk: FrontDesk | null = null;
  let dir = '';
  let proxy: FaultProxy | null = null;
  afterEach(async () => {
    await desk?.close();
    await proxy?.close();
    proxy = null;
    await cloud?.close();
    desk = null;
    cloud = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: { env?: Record<string, string>; secretCipher?: SecretCipher; worker?: boolean }): Promise<{ desk: FrontDesk; admin: Caller }> {
    dir = mkdtempSync(join(tmpdir(), 'fd-sync-worker-'));
    desk = await startFrontDesk({
      dataDir: dir,
      env: options.env ?? {},
      syncWorker: options.worker ?? false,
      ...(options.secretCipher ? { secretCipher: options.secretCipher } : {}),
    });
    await writeSettings(desk.database.db, { clinicName: 'Worker clinic', timeZone: 'Europe/Lisbon', setUpAt: Date.now() });
    await insertStaff(desk.database.db, {
      username: 'boss',
      displayName: 'Boss',
      role: 'admin',
      passwordHash: await hashPassword('pw', { N: 1024, r: 8, p: 1 }),
      practitionerId: null,
      locale: 'en',
      now: Date.now(),
    });
    const admin = localCaller(desk.sessions, 'worker-test');
    await callAs(desk.dispatch, admin, 'auth.signIn', { username: 'boss', password: 'pw' });
    return { desk, admin };
  }

  it('seals the token with the keyring, never stores it plain, and shows only that one is there', async () => {
    const { desk, admin } = await open({ secretCipher: fakeKeyring });
    const settings = await callAs(desk.dispatch, admin, 'sync.updateSettings', {
      cloudUrl: 'https://cloud.example.org/',
      token: 'tok-123',
      pullIntervalSeconds: 30,
      enabled: true,
    });
    expect(settings).toMatchObject({
      enabled: true,
      cloudUrl: 'https://cloud.example.org',
      hasToken: true,
      pullIntervalSeconds: 30,
      secureStorage: { available: true, problem: null },
    });
    expect(settings.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const sealed = desk.database.sqlite.prepare(`SELECT sealed FROM secrets WHERE name = 'cloud.token'`).pluck().get() as Buffer;
    expect(Buffer.from(sealed).toString()).not.toContain('tok-123');
    expect(JSON.stringify(settings)).not.toContain('tok-123');
    const forgotten = await callAs(desk.dispatch, admin, 'sync.updateSettings', { enabled: false, forgetToken: true });
    expect(forgotten.hasToken).toBe(false);
  });

  it('refuses a token it cannot seal (SECURE_STORAGE_UNAVAILABLE) and saves nothing; without a URL and token sync cannot be turned on', async () => {
    const { desk, admin } = await open({});
    const refused = await desk.dispatch(admin, 'sync.updateSettings', { cloudUrl: 'https://cloud.example.org', token: 'tok-123' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SECURE_STORAGE_UNAVAILABLE', details: { reason: 'NO_ENCRYPTION' } } });
    expect(await callAs(desk.dispatch, admin, 'sync.settings', {})).toMatchObject({
      cloudUrl: '',
      hasToken: false,
      secureStorage: { available: false, problem: 'NO_ENCRYPTION' },
    });
    const off = await desk.dispatch(admin, 'sync.updateSettings', { enabled: true });
    expect(off).toMatchObject({ ok: false, error: { code: 'NOT_SET_UP', details: { missing: ['cloudUrl', 'token'] } } });
    expect(desk.database.sqlite.prepare('SELECT enabled, tracking FROM sync_state').get()).toEqual({ enabled: 0, tracking: 0 });
  });

  it('pulls at once when the cloud says something changed (its event stream), and pushes soon after a local change', async () => {
    cloud = await startTestCloud({ servers: 2 });
    const clinic = await seedClinic(cloud.desk);
    const { desk, admin } = await open({ env: { FRONT_DESK_CLOUD_URL: cloud.server.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN }, worker: true });
    expect(await callAs(desk.dispatch, admin, 'sync.settings', {})).toMatchObject({ cloudUrl: cloud.server.url, hasToken: true });
    const events: EventName[] = [];
    desk.bus.subscribe((event) => events.push(event));
    // The default interval is 15 s: anything sooner than that came from the stream or the local change.
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { enabled: true });
    await until(() => desk.database.sqlite.prepare('SELECT count(*) FROM practitioners').pluck().get() === 2);
    expect(events).toContain('practice.changed');
    expect(events).toContain('sync.changed');

    const uid = randomUUID();
    const startedAt = Date.now();
    const { results } = await cloud.portal.push('portal', [upsert('appointment', uid, appointment(clinic, { origin: 'online' }))]);
    expect(results[0]!.status).toBe('applied');
    await until(() => desk.database.sqlite.prepare('SELECT count(*) FROM appointments WHERE uid = ?').pluck().get(uid) === 1, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(events).toContain('appointments.changed');

    // A local change (here: a patient's phone) goes up without anyone asking.
    const patientId = desk.database.sqlite.prepare('SELECT id FROM patients').pluck().get() as number;
    const patient = await callAs(desk.dispatch, admin, 'patients.get', { id: patientId });
    const { id: _id, createdAt: _c, updatedAt: _u, phoneIsPtMobile: _m, phoneNeedsReview: _r, mergedIntoId: _g, ...fields } = patient;
    await callAs(desk.dispatch, admin, 'patients.update', { id: patientId, fields: { ...fields, phone: '+351 912 000 111' } });
    await until(async () =>
      (await cloud!.desk.pullAll()).changes.some((change) => change.entity === 'patient' && (change.data as { phone: string }).phone === '+351912000111'),
    );
    await until(async () => (await callAs(desk.dispatch, admin, 'sync.status', {})).pending === 0);
    expect(await callAs(desk.dispatch, admin, 'sync.status', {})).toMatchObject({ enabled: true, connection: 'online', pending: 0 });
  });

  it('pushes a change made in the last moments of a round soon after the round, not at the next interval', async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    const clinic = await seedClinic(cloud.desk);
    const { desk, admin } = await open({ env: { FRONT_DESK_CLOUD_URL: proxy.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN }, worker: true });
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { enabled: true });
    await until(async () => (await callAs(desk.dispatch, admin, 'sync.status', {})).lastSyncedAt !== null);

    // A round pulling what the portal booked is held at its pull; the local change comes meanwhile
    // and the round ends at once, before the push's short delay is over.
    const hold = proxy.holdAnswers('/v1/changes');
    await cloud.portal.push('portal', [upsert('appointment', randomUUID(), appointment(clinic, { origin: 'online' }))]);
    await hold.held;
    const patientId = desk.database.sqlite.prepare('SELECT id FROM patients').pluck().get() as number;
    const patient = await callAs(desk.dispatch, admin, 'patients.get', { id: patientId });
    const { id: _id, createdAt: _c, updatedAt: _u, phoneIsPtMobile: _m, phoneNeedsReview: _r, mergedIntoId: _g, ...fields } = patient;
    await callAs(desk.dispatch, admin, 'patients.update', { id: patientId, fields: { ...fields, phone: '+351 912 000 222' } });
    hold.release();
    // Well within the 15 s interval: the change's own wake-up was kept.
    await until(async () => (await callAs(desk.dispatch, admin, 'sync.status', {})).pending === 0, 6_000);
  });
});
