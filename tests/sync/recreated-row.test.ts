import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { replay } from '../../cloud/cloud-client';
import { at, seedPractice, startSyncDesk, type Clock, type SyncDesk } from './sync-fixtures';

/** A uid deleted on the cloud, its tombstone purged, then created again: every desk gets the new row. */
describe('a row deleted, purged and created again on the cloud', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await cloud.close();
  });

  it('reaches a desk that applied the delete, which then cannot book over it', async () => {
    const practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    const booked = await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    await a.sync();
    const uid = a.uidOf('appointments', booked.id);
    const row = replay((await cloud.desk.pullAll()).changes).get(`appointment:${uid}`)!;

    const deleted = await cloud.desk.push('admin', [
      { mutationId: randomUUID(), entity: 'appointment', uid, op: 'delete', baseVersion: row.version, data: null },
    ]);
    expect(deleted.results[0]).toMatchObject({ status: 'applied' });
    await a.sync();
    expect(a.localId('appointments', uid)).toBeNaN();
    await cloud.server.compact(0);

    // Created again with the same uid (a desk sending back what a restored cloud lost, say).
    const again = await cloud.desk.push('admin', [{ mutationId: randomUUID(), entity: 'appointment', uid, op: 'upsert', baseVersion: null, data: row.data }]);
    expect(again.results[0]).toMatchObject({ status: 'applied' });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0, conflicts: 0 });
    expect(a.localId('appointments', uid)).not.toBeNaN();

    // The desk sees the slot as taken, instead of booking it and meeting a conflict it cannot show.
    const refused = await a.fail(a.reception, 'appointments.book', {
      patientId: practice.patients[1]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    expect(refused.code).toBe('SLOT_TAKEN');

    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    expect(b.appointments()).toEqual(a.appointments());
  });
});
