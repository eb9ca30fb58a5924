import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../shared/sync/sync.contract';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { EventBus } from '../../electron/events/event-bus';
import type { CallContext } from '../../electron/rpc/context';
import { noSecretCipher } from '../../electron/secrets/secret-cipher';
import { createSyncModule, type SyncModule } from '../../electron/sync/sync.module';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/** Scaled down: the real numbers are a 10 s timeout and four tries (about 40 s and more of backoff). */
const TIMEOUT_MS = 250;
const ATTEMPTS = 4;

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A cloud that swallows packets (a blackhole: connections accepted, never answered) costs
 * one timeout per try. "Sync now" must answer within about one of them once the desk knows
 * the cloud is away; the background worker keeps all its tries.
 */
describe('sync now, with the cloud unreachable but not refusing', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;
  let sync: SyncModule;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
    // A module of its own on the desk's database, with short timeouts (the desk's own one is idle: no worker in tests).
    sync = createSyncModule({
      db: a.desk.database.db,
      bus: new EventBus(),
      now: () => clock.now,
      secretCipher: noSecretCipher,
      env: { FRONT_DESK_CLOUD_URL: proxy.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN },
      autoStart: false,
      timeoutMs: TIMEOUT_MS,
      retry: { attempts: ATTEMPTS, baseMs: 10, capMs: 20 },
    });
  });
  afterEach(async () => {
    await sync.close();
    await a.close();
    await proxy.close();
    await cloud.close();
  });

  const syncNow = () => sync.handlers['sync.now']({}, {} as CallContext) as Promise<SyncStatus>;
  const swallowed = () => proxy.stats.blackholed;

  it('answers within one try once the cloud is known to be away; the worker keeps its retries', async () => {
    await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    proxy.setBlackhole(true);

    // Not known yet: the first round tries as the worker would.
    let started = Date.now();
    expect(await syncNow()).toMatchObject({ connection: 'offline', pending: 1 });
    expect(swallowed()).toBe(ATTEMPTS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ATTEMPTS * TIMEOUT_MS - 50);

    // Known now: one try.
    let before = swallowed();
    started = Date.now();
    expect(await syncNow()).toMatchObject({ connection: 'offline', pending: 1 });
    expect(swallowed() - before).toBe(1);
    expect(Date.now() - started).toBeLessThan(2 * TIMEOUT_MS);

    // The worker's own round keeps every try.
    before = swallowed();
    await sync.runOnce();
    expect(swallowed() - before).toBe(ATTEMPTS);

    // Asked while the worker's round is under way: that round stops after the try in flight, and no second one starts.
    before = swallowed();
    const background = sync.runOnce();
    await until(() => swallowed() === before + 1);
    started = Date.now();
    expect(await syncNow()).toMatchObject({ connection: 'offline', pending: 1 });
    await background;
    expect(swallowed() - before).toBe(1);
    expect(Date.now() - started).toBeLessThan(2 * TIMEOUT_MS);

    // Back: the same hurried "sync now" goes through.
    proxy.setBlackhole(false);
    expect(await syncNow()).toMatchObject({ connection: 'online', pending: 0 });
  });
});
