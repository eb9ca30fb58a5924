import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract/contract';
import type { DisplayState } from '../../shared/display/display.contract';
import type { EntityData } from '../../shared/sync/cloud-api';
import { DESK_TOKEN, startTestCloud, upsert, type TestCloud } from '../../cloud/test-fixtures';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Changes pulled from the cloud reach the screens as a change made at the desk would. */
describe('pulled appointment changes and the waiting room', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;
  let seen: Array<{ event: EventName; payload: unknown }>;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T09:50') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
    seen = [];
    a.desk.bus.subscribe((event, payload) => seen.push({ event, payload }));
  });
  afterEach(async () => {
    await a.close();
    await cloud.close();
  });

  const events = (name: EventName) => seen.filter((entry) => entry.event === name).map((entry) => entry.payload);
  const serverRow = async (uid: string) => (await cloud.rowOf(uid)) as { version: number; data: string };

  it('refreshes the queues and the waiting-room display when a pulled change touches today', async () => {
    const booked = await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    const { ticket } = await a.ok(a.reception, 'checkin.checkIn', { appointmentId: booked.id });
    expect(await a.sync()).toMatchObject({ pending: 0 });
    await until(() => events('display.changed').length > 0);
    expect((events('display.changed').at(-1) as DisplayState).waiting.map((row) => row.ticket)).toEqual([ticket]);
    seen.length = 0;

    // Another desk (or the portal) cancels it in the cloud: the patient must leave the screen here.
    const uid = a.uidOf('appointments', booked.id);
    const current = await serverRow(uid);
    const data = { ...(JSON.parse(current.data) as EntityData<'appointment'>), status: 'cancelled' as const, cancelReason: 'Cancelled online.' };
    const { results } = await cloud.desk.push('desk-2', [upsert('appointment', uid, data, current.version)]);
    expect(results[0]!.status).toBe('applied');
    await a.sync();
    expect(events('appointments.changed')).toEqual([{ appointmentIds: [booked.id], days: ['2030-01-07'] }]);
    expect(events('queue.changed')).toEqual([{ practitionerIds: [practice.ana], appointmentIds: [booked.id] }]);
    await until(() => events('display.changed').length > 0);
    const display = events('display.changed').at(-1) as DisplayState;
    expect(display).toMatchObject({ day: '2030-01-07', waiting: [] });
  });

  it('leaves today’s queues and the display alone for a pulled booking on another day', async () => {
    const specialtyUid = a.uidOf('specialties', practice.general);
    const { results } = await cloud.portal.push('portal', [
      upsert('appointment', randomUUID(), {
        patientUid: a.uidOf('patients', practice.patients[1]!),
        practitionerUid: a.uidOf('practitioners', practice.bruno),
        roomUid: a.uidOf('rooms', practice.room2),
        specialtyUid,
        startsAt: at('2030-01-08T11:00'),
        endsAt: at('2030-01-08T11:30'),
        status: 'booked',
        cancelReason: '',
        notes: '',
        priceCents: 4000,
        isWalkIn: false,
        origin: 'online',
      }),
    ]);
    expect(results[0]!.status).toBe('applied');
    await a.sync();
    expect(events('appointments.changed')).toEqual([{ appointmentIds: [expect.any(Number)], days: ['2030-01-08'] }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events('queue.changed')).toEqual([]);
    expect(events('display.changed')).toEqual([]);
  });
});
