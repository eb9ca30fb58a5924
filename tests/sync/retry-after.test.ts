import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/** The cloud's Retry-After holds for every round, however it is started: no request goes before it. */
describe('Retry-After', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
  });
  afterEach(async () => {
    await a.close();
    await proxy.close();
    await cloud.close();
  });

  const book = (time: string) =>
    a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at(`2030-01-07T${time}`),
    });

  it('holds a queued round, sync.now and a restart until the time the cloud asked for', async () => {
    proxy.setPlan({ error429: 1, retryAfterSeconds: 20 });
    await book('10:00');
    const before = proxy.stats.requests;
    // A round, and one queued behind it (a local change during the round queues one so).
    const first = a.desk.sync.runOnce();
    const queued = a.desk.sync.runOnce();
    await Promise.all([first, queued]);
    expect(proxy.stats.requests - before, 'only the first round asked').toBe(1);

    const status = await a.sync();
    expect(proxy.stats.requests - before, 'sync.now waits too').toBe(1);
    expect(status).toMatchObject({ pending: 1, nextAttemptAt: clock.now + 20_000 });

    // Across a restart of the desk as well.
    const dataDir = a.dir;
    await a.desk.close();
    const again = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN, dataDir });
    try {
      // (Restarted, the fixture signs in two new accounts: more waits to go up than the booking.)
      expect(await again.sync()).toMatchObject({ nextAttemptAt: clock.now + 20_000 });
      expect(proxy.stats.requests - before).toBe(1);

      proxy.setPlan({});
      clock.now += 20_000;
      expect(await again.sync()).toMatchObject({ connection: 'online', pending: 0, nextAttemptAt: null });
    } finally {
      await again.desk.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    a = { ...a, close: async () => {} };
  });
});
