import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/sync/cloud-api';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { ack, bookOnline, expectInvariants, type Acked } from './invariants';
import { clinicUids } from './scenario';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * Pages of this many changes: the clinic below (its settings, 5 practice rows, 2 accounts,
 * 3 patients, then the appointments) takes two, the first with two appointments.
 */
const PAGE = 13;

const tableOf = {
  specialty: 'specialties',
  room: 'rooms',
  practitioner: 'practitioners',
  staff: 'staff',
  patient: 'patients',
  appointment: 'appointments',
  holiday: 'clinic_holidays',
} as const;

describe('a full resync interrupted partway', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;
  let acked: Acked;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 3);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    acked = new Map();
    // Every appointment for the first patient: the other two are rows nothing refers to.
    for (const time of ['09:00', '09:30', '10:00', '10:30']) {
      const booked = await a.ok(a.reception, 'appointments.book', {
        patientId: practice.patients[0]!,
        specialtyId: practice.general,
        practitionerId: practice.ana,
        startsAt: at(`2030-01-07T${time}`),
      });
      ack(acked, a.uidOf('appointments', booked.id), { startsAt: booked.startsAt, status: booked.status, by: a.name });
    }
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
  });
  afterEach(async () => {
    await a.close();
    await proxy.close();
    await cloud.close();
  });

  const deleteInCloud = async (uid: string) => {
    const version = (await cloud.versionOf(uid))!;
    const { results } = await cloud.desk.push('admin', [
      { mutationId: randomUUID(), entity: 'appointment', uid, op: 'delete', baseVersion: version, data: null },
    ]);
    expect(results[0]!.status).toBe('applied');
    acked.delete(uid);
  };
  const isHere = (change: Change) => change.entity === 'clinic' || !Number.isNaN(a.localId(tableOf[change.entity], change.uid));

  /** A round whose resync gets the snapshot's first page, and then no more (500s until the round gives up). */
  const resyncCutAfterFirstPage = async () => {
    proxy.setPlan({ pullLimit: PAGE });
    proxy.onServerAnswered = (path) => {
      if (path.startsWith('/v1/changes') && !path.includes('cursor=')) proxy.setPlan({ pullLimit: PAGE, error500: 1 });
    };
    expect(await a.sync()).toMatchObject({ connection: 'offline' });
    expect(proxy.stats.errors500).toBeGreaterThan(0);
    proxy.onServerAnswered = null;
    proxy.setPlan({ pullLimit: PAGE });
  };

  it('finishes on the next round exactly: rows deleted while the cursor was too old go, rows of the first page stay', async () => {
    // Deleted while the desk was away, its tombstone compacted: the desk's cursor expires (410).
    const [, , , last] = a.appointments().sort((x, y) => x.startsAt - y.startsAt);
    await deleteInCloud(last!.uid);
    await cloud.server.compact(0);

    const firstPage = await cloud.desk.pull(null, PAGE);
    expect(firstPage.hasMore).toBe(true);
    const firstAppointments = firstPage.changes.filter((change) => change.entity === 'appointment');
    expect(firstAppointments.length).toBeGreaterThanOrEqual(2);

    await resyncCutAfterFirstPage();
    expect(a.localId('appointments', last!.uid), 'not yet judged: the resync is unfinished').not.toBeNaN();

    // Between the rounds: one of the first page's appointments is deleted, the portal books another.
    await deleteInCloud(firstAppointments[0]!.uid);
    const refs = clinicUids(a, practice).practitioners[1]!;
    const online = await bookOnline(
      cloud,
      { practitionerUid: refs.uid, roomUid: refs.roomUid, specialtyUid: a.uidOf('specialties', practice.general) },
      at('2030-01-07T11:00'),
    );
    expect(online).not.toBeNull();
    ack(acked, online!, { startsAt: at('2030-01-07T11:00'), status: 'booked', by: 'online' });

    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });
    await expectInvariants(cloud, [a], acked);
    expect(a.localId('appointments', last!.uid)).toBeNaN();
    expect(a.localId('appointments', firstAppointments[0]!.uid)).toBeNaN();
    const lost = firstPage.changes.filter((change) => change.uid !== firstAppointments[0]!.uid && !isHere(change));
    expect(lost, 'rows the first page delivered, deleted as undelivered').toEqual([]);
    expect(a.desk.database.sqlite.prepare('SELECT cursor FROM sync_state').pluck().get()).toBe((await cloud.desk.pullAll(null)).cursor);
    expect(a.desk.database.sqlite.prepare('SELECT count(*) FROM sync_resync_seen').pluck().get(), 'the seen rows are cleared').toBe(0);
  });

  it('starts over when the resumed snapshot cursor expires too, and still ends exact', async () => {
    const [, , , last] = a.appointments().sort((x, y) => x.startsAt - y.startsAt);
    await deleteInCloud(last!.uid);
    await cloud.server.compact(0);
    await resyncCutAfterFirstPage();

    // The first page's appointment is deleted and its tombstone compacted: the snapshot cursor expires as well.
    const firstPage = (await cloud.desk.pull(null, PAGE)).changes.filter((change) => change.entity === 'appointment');
    await deleteInCloud(firstPage[0]!.uid);
    await cloud.server.compact(0);

    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });
    await expectInvariants(cloud, [a], acked);
    expect(a.localId('appointments', firstPage[0]!.uid)).toBeNaN();
    expect(a.localId('appointments', last!.uid)).toBeNaN();
  });
});
