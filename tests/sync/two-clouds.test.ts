import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudClient } from '../../cloud/cloud-client';
import { startCloudServer, type CloudServer } from '../../cloud/server';
import { appointment, DESK_TOKEN, PORTAL_TOKEN, seedClinic, startTestCloud, upsert, type TestCloud } from '../../cloud/test-fixtures';
import { startFrontDesk, type FrontDesk } from '../../electron/app/front-desk';
import { hashPassword } from '../../electron/auth/password';
import { callAs, localCaller } from '../../electron/rpc/local-caller';
import { writeSettings } from '../../electron/settings/settings.repository';
import { insertStaff } from '../../electron/staff/staff.repository';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A desk whose event stream is on one cloud server, and an online booking pushed through
 * another server of the same database (two instances behind a load balancer): the desk has
 * it long before its pull interval.
 */
describe('a desk and two cloud servers on one database', () => {
  let cloud: TestCloud | null = null;
  let second: CloudServer | null = null;
  let desk: FrontDesk | null = null;
  let dir = '';
  afterEach(async () => {
    await desk?.close();
    await second?.close();
    await cloud?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pulls at once a booking made through the other server', async () => {
    cloud = await startTestCloud({ servers: 2 });
    second = await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, tokens: { desk: [DESK_TOKEN], portal: [PORTAL_TOKEN] } });
    const clinic = await seedClinic(cloud.desk);

    dir = mkdtempSync(join(tmpdir(), 'fd-two-clouds-'));
    desk = await startFrontDesk({ dataDir: dir, env: { FRONT_DESK_CLOUD_URL: cloud.server.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN }, syncWorker: true });
    await writeSettings(desk.database.db, { clinicName: 'Two clouds', timeZone: 'Europe/Lisbon', setUpAt: Date.now() });
    await insertStaff(desk.database.db, {
      username: 'boss',
      displayName: 'Boss',
      role: 'admin',
      passwordHash: await hashPassword('pw', { N: 1024, r: 8, p: 1 }),
      practitionerId: null,
      locale: 'en',
      now: Date.now(),
    });
    const admin = localCaller(desk.sessions, 'two-clouds-test');
    await callAs(desk.dispatch, admin, 'auth.signIn', { username: 'boss', password: 'pw' });
    // The longest interval: what arrives within seconds came by the event stream.
    await callAs(desk.dispatch, admin, 'sync.updateSettings', { enabled: true, pullIntervalSeconds: 3600 });
    const sqlite = desk.database.sqlite;
    await until(() => sqlite.prepare('SELECT count(*) FROM practitioners').pluck().get() === 2, 12_000);

    const uid = randomUUID();
    const startedAt = Date.now();
    const portal = cloudClient(second.url, PORTAL_TOKEN);
    const { results } = await portal.push('portal', [upsert('appointment', uid, appointment(clinic, { origin: 'online' }))]);
    expect(results[0]!.status).toBe('applied');
    await until(() => sqlite.prepare('SELECT count(*) FROM appointments WHERE uid = ?').pluck().get(uid) === 1, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});
