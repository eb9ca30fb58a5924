import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replay } from '../../cloud/cloud-client';
import { at, seedPractice } from './sync-fixtures';
import { twoDesksOnOneCloud } from './two-desks';

/** A uid deleted on the cloud, its tombstone purged, then created again: every desk gets the new row. */
describe('a row deleted, purged and created again on the cloud', () => {
  const world = twoDesksOnOneCloud();

  it('reaches a desk that applied the delete, which then cannot book over it', async () => {
    const { cloud, a, b } = world;
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
