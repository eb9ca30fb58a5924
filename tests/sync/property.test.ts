import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DESK_TOKEN, startTestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { expectInvariants, settle, type Acked } from './invariants';
import { clinicUids, deskBooks, deskChanges, portalBooks, SLOTS } from './scenario';
import { at, seedPractice, startSyncDesk, type SyncDesk } from './sync-fixtures';

const DESKS = 3;

type Action =
  | { kind: 'book'; desk: number; practitioner: number; slot: number; patient: number }
  | { kind: 'change'; desk: number; which: number; slot: number; cancel: boolean; anyone: boolean }
  | { kind: 'online'; practitioner: number; slot: number }
  | { kind: 'sync'; desk: number }
  | { kind: 'cut'; desk: number };

const deskIndex = fc.nat({ max: DESKS - 1 });
const slot = fc.nat({ max: SLOTS.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('book' as const), desk: deskIndex, practitioner: fc.nat({ max: 1 }), slot, patient: fc.nat({ max: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      desk: deskIndex,
      which: fc.nat({ max: 20 }),
      slot,
      cancel: fc.boolean(),
      anyone: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('online' as const), practitioner: fc.nat({ max: 1 }), slot }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), desk: deskIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), desk: deskIndex }) },
);

/**
 * Random bookings, moves and cancellations on three desks (of their own appointments and of
 * each other's) and the portal, delivered in a random order (which desk syncs when, whose
 * network is down), through a proxy that also loses and repeats some answers. Whatever the
 * order: once everyone syncs, the replicas are equal, nothing acknowledged is lost without
 * the desk being told, nothing is applied twice, and nothing overlaps.
 */
describe('sync, as a property', () => {
  it('converges to the same appointments everywhere, whatever the order of events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 30 }), fc.integer({ min: 1, max: 1_000_000 }), async (actions, seed) => {
        const cloud = await startTestCloud({ servers: 2 });
        const desks: SyncDesk[] = [];
        const proxies: FaultProxy[] = [];
        try {
          const clock = { now: at('2030-01-06T08:00') };
          for (let index = 0; index < DESKS; index++) {
            const proxy = await startFaultProxy(cloud.server.url, { seed: seed + index });
            proxies.push(proxy);
            desks.push(await startSyncDesk({ name: `d${index}`, clock, cloudUrl: proxy.url, token: DESK_TOKEN }));
          }
          const practice = await seedPractice(desks[0]!, 4);
          for (const desk of desks) await desk.ok(desk.admin, 'sync.updateSettings', { enabled: true });
          await settle(desks, new Map());
          const clinic = clinicUids(desks[0]!, practice);
          for (const proxy of proxies) proxy.setPlan({ dropResponse: 0.1, duplicate: 0.1, dropRequest: 0.05 });

          const acked: Acked = new Map();
          const isCut = desks.map(() => false);
          for (const step of actions) {
            if (step.kind === 'book') await deskBooks(desks[step.desk]!, clinic, acked, step);
            else if (step.kind === 'change') await deskChanges(desks[step.desk]!, acked, step);
            else if (step.kind === 'online') await portalBooks(cloud, clinic, acked, step);
            else if (step.kind === 'sync') await desks[step.desk]!.sync();
            else {
              isCut[step.desk] = !isCut[step.desk];
              proxies[step.desk]!.setCut(isCut[step.desk]!);
            }
          }
          for (const proxy of proxies) {
            proxy.setCut(false);
            proxy.setPlan({});
          }
          await settle(desks, acked);
          await expectInvariants(cloud, desks, acked, { isConcurrent: true, proxies });
        } finally {
          for (const desk of desks) await desk.close();
          for (const proxy of proxies) await proxy.close();
          await cloud.close();
        }
      }),
      { numRuns: 10, endOnFailure: true },
    );
  }, 240_000);
});
