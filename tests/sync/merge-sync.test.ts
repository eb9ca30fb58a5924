import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

describe('a merge of two patient records, through the cloud', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await cloud.close();
  });

  it('reaches the other desk: the appointments move, the duplicate is marked merged and leaves its search', async () => {
    const [survivor, duplicate] = [practice.patients[0]!, practice.patients[1]!];
    const booked = await a.ok(a.reception, 'appointments.book', {
      patientId: duplicate,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    const duplicateAtB = b.localId('patients', a.uidOf('patients', duplicate));
    const survivorAtB = b.localId('patients', a.uidOf('patients', survivor));
    const duplicateName = (await b.ok(b.reception, 'patients.get', { id: duplicateAtB })).fullName;
    expect((await b.ok(b.reception, 'patients.search', { query: duplicateName })).results.map((row) => row.id)).toContain(duplicateAtB);

    await a.ok(a.reception, 'patients.merge', { survivorId: survivor, duplicateId: duplicate });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    await b.sync();

    expect(await b.ok(b.reception, 'patients.get', { id: duplicateAtB })).toMatchObject({ mergedIntoId: survivorAtB });
    const appointmentAtB = b.localId('appointments', a.uidOf('appointments', booked.id));
    expect((await b.ok(b.reception, 'appointments.get', { id: appointmentAtB })).patientId).toBe(survivorAtB);
    expect((await b.ok(b.reception, 'patients.search', { query: duplicateName })).results.map((row) => row.id)).not.toContain(duplicateAtB);
  });
});
