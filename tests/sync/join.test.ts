import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replay } from '../../cloud/cloud-client';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { at, seedPractice, startSyncDesk, type Clock, type SyncDesk } from './sync-fixtures';

/**
 * Turning sync on for the first time. Two desks that each made a clinic (say, each started
 * the demo) must not both upload it: the cloud would hold two of everything.
 */
describe('turning sync on for the first time: joining safely', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    clock = { now: at('2030-01-07T08:00') };
    // Through the proxy, which a test can cut: the token is given for that address, and goes nowhere else.
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await proxy.close();
    await cloud.close();
  });

  const syncState = (desk: SyncDesk) => desk.desk.database.sqlite.prepare('SELECT enabled, tracking, cloud_url, cursor, last_synced_at FROM sync_state').get();
  const outbox = (desk: SyncDesk) => desk.desk.database.sqlite.prepare('SELECT count(*) FROM sync_outbox').pluck().get();
  const cloudRows = async (entity: string) => [...replay((await cloud.desk.pullAll()).changes).values()].filter((row) => row.entity === entity);

  it('refuses a desk with a clinic of its own when the cloud already holds one, and writes nothing', async () => {
    await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
    const seqBefore = await cloud.server.lastSeq();

    await seedPractice(b, 2);
    const before = syncState(b);
    const refused = await b.fail(b.admin, 'sync.updateSettings', { enabled: true, pullIntervalSeconds: 30 });
    expect(refused).toEqual({
      code: 'ALREADY_SET_UP',
      message:
        'This cloud already holds a clinic, and this computer has a clinic of its own. Start Front Desk on this computer with an empty database to join it.',
      details: { reason: 'CLOUD_HAS_OTHER_CLINIC' },
    });
    // Nothing at all: not the URL, not the interval, no outbox, tracking still off.
    expect(syncState(b)).toEqual(before);
    expect(b.desk.database.sqlite.prepare('SELECT pull_interval_seconds FROM sync_state').pluck().get()).toBe(15);
    expect(outbox(b)).toBe(0);
    expect(await b.sync()).toMatchObject({ enabled: false, connection: 'off', pending: 0 });
    // A change made now is still not recorded for upload (tracking never started).
    await b.ok(b.admin, 'rooms.save', { name: 'Room 9' });
    expect(outbox(b)).toBe(0);

    expect(await cloud.server.lastSeq()).toBe(seqBefore);
    expect((await cloudRows('practitioner')).map((row) => (row.data as { fullName: string }).fullName).sort()).toEqual(['Ana Almeida', 'Bruno Borges']);
    // The first desk was never asked anything of the kind: it is tracking already.
    await a.ok(a.admin, 'sync.updateSettings', { enabled: false });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
  });

  it('lets a desk without a clinic of its own join by pulling (its patients go up), after an empty cloud took the first desk’s clinic', async () => {
    await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });

    // B was set up ("create a clinic": its settings and its own admin) and has one patient, no practice.
    const patient = await b.ok(b.reception, 'patients.create', {
      fields: {
        fullName: 'Only At B',
        preferredName: '',
        dateOfBirth: '1970-03-03',
        sex: 'unknown',
        phone: '+351 91 222 3333',
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: 'en',
        notes: '',
      },
      confirmedNotDuplicate: true,
    });
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0, conflicts: 0 });
    expect(b.desk.database.sqlite.prepare('SELECT full_name FROM practitioners ORDER BY full_name').pluck().all()).toEqual(['Ana Almeida', 'Bruno Borges']);
    expect(await cloudRows('practitioner')).toHaveLength(2);
    expect(await cloudRows('room')).toHaveLength(2);
    expect((await cloudRows('patient')).map((row) => row.uid)).toContain(b.uidOf('patients', patient.id));
    await a.sync();
    expect(a.localId('patients', b.uidOf('patients', patient.id))).not.toBeNaN();
  });

  it('refuses when the cloud cannot be asked, writing nothing; a desk without a clinic of its own does not need to ask', async () => {
    proxy.setCut(true);
    await seedPractice(a, 1);
    const before = syncState(a);
    const refused = await a.fail(a.admin, 'sync.updateSettings', { enabled: true });
    expect(refused).toMatchObject({ code: 'CLOUD_UNAVAILABLE', details: { problem: 'NETWORK' } });
    expect(syncState(a)).toEqual(before);
    expect(outbox(a)).toBe(0);

    // The same token the cloud refuses: said as such.
    const wrong = await startSyncDesk({ name: 'w', clock, cloudUrl: cloud.server.url, token: 'not-the-token' });
    try {
      await seedPractice(wrong, 1);
      expect(await wrong.fail(wrong.admin, 'sync.updateSettings', { enabled: true })).toMatchObject({
        code: 'CLOUD_UNAVAILABLE',
        details: { problem: 'UNAUTHORISED' },
      });
    } finally {
      await wrong.close();
    }

    // B has nothing of its own to duplicate: sync goes on, and the clinic comes when the cloud is back.
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    expect(await b.sync()).toMatchObject({ enabled: true, connection: 'offline' });
    proxy.setCut(false);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0 });
    expect(b.desk.database.sqlite.prepare('SELECT count(*) FROM practitioners').pluck().get()).toBe(2);
  });
});
