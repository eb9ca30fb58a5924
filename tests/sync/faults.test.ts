import { afterEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { createRandom } from '../../shared/random/seeded-random';
import { startFaultProxy, type FaultPlan, type FaultProxy } from './fault-proxy';
import { expectInvariants, settle, type Acked } from './invariants';
import { clinicUids, deskBooks, deskChanges, portalBooks } from './scenario';
import { at, seedPractice, startSyncDesk, type Clock, type SyncDesk } from './sync-fixtures';

const FAULTS: FaultPlan = {
  dropRequest: 0.08,
  error500: 0.08,
  error429: 0.05,
  retryAfterSeconds: 1,
  dropResponse: 0.12,
  duplicate: 0.12,
  delay: 0.2,
  delayMs: 150,
};

describe('two desks, the cloud and the portal, through a faulty network', () => {
  let cloud: TestCloud;
  const desks: SyncDesk[] = [];
  const proxies: FaultProxy[] = [];
  afterEach(async () => {
    for (const desk of desks.splice(0)) await desk.close();
    for (const proxy of proxies.splice(0)) await proxy.close();
    await cloud?.close();
  });

  async function setUp(seed: number) {
    cloud = await startTestCloud({ servers: 2 });
    const clock: Clock = { now: at('2030-01-06T08:00') };
    for (const name of ['a', 'b']) {
      const proxy = await startFaultProxy(cloud.server.url, { seed: seed * 10 + proxies.length });
      proxies.push(proxy);
      desks.push(await startSyncDesk({ name, clock, cloudUrl: proxy.url, token: DESK_TOKEN }));
    }
    const [a, b] = desks as [SyncDesk, SyncDesk];
    const practice = await seedPractice(a);
    for (const desk of desks) await desk.ok(desk.admin, 'sync.updateSettings', { enabled: true });
    await settle(desks, new Map());
    return { a, b, clinic: clinicUids(a, practice) };
  }

  it.each([1, 2])(
    'converges with no acknowledged change lost, none applied twice, and no overlap (seed %i)',
    async (seed) => {
      const { a, b, clinic } = await setUp(seed);
      const random = createRandom(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const acked: Acked = new Map();
      for (const proxy of proxies) proxy.setPlan(FAULTS);

      const outcomes = { booked: 0, online: 0, changed: 0, syncs: 0 };
      const isCut = [false, false];
      for (let step = 0; step < 80; step++) {
        const desk = random() < 0.5 ? a : b;
        const proxy = proxies[desk === a ? 0 : 1]!;
        const roll = random();
        if (roll < 0.35) {
          if (await deskBooks(desk, clinic, acked, { practitioner: pick(2), slot: pick(64), patient: pick(6) })) outcomes.booked++;
        } else if (roll < 0.5) {
          if (await portalBooks(cloud, clinic, acked, { practitioner: pick(2), slot: pick(64) })) outcomes.online++;
        } else if (roll < 0.65) {
          if (await deskChanges(desk, acked, { which: pick(100), slot: pick(64), cancel: random() < 0.4 })) outcomes.changed++;
        } else if (roll < 0.7) {
          // The network goes down (or comes back) for this desk.
          const index = desk === a ? 0 : 1;
          isCut[index] = !isCut[index];
          proxy.setCut(isCut[index]!);
        } else {
          await desk.sync();
          outcomes.syncs++;
        }
      }
      for (const proxy of proxies) {
        proxy.setCut(false);
        proxy.setPlan({});
      }
      const resolved = await settle(desks, acked);
      await expectInvariants(cloud, desks, acked);

      // The run exercised what it claims to.
      expect(outcomes.booked).toBeGreaterThan(5);
      expect(outcomes.online).toBeGreaterThan(0);
      const faults = proxies.reduce((sum, p) => sum + p.stats.droppedResponses + p.stats.duplicated + p.stats.errors500 + p.stats.droppedRequests, 0);
      expect(faults).toBeGreaterThan(3);
      expect(resolved, 'appointments refused by the cloud and resolved at a desk').toBeGreaterThan(0);
    },
    120_000,
  );
});
