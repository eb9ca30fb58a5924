import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replay } from '../../cloud/cloud-client';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

describe('the sync client against the reference cloud, fault by fault', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;
  const extra: SyncDesk[] = [];

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    proxy = await startFaultProxy(cloud.server.url);
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: proxy.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 3);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
  });
  afterEach(async () => {
    for (const desk of extra.splice(0)) await desk.close();
    await a.close();
    await proxy.close();
    await cloud.close();
  });

  const book = (startsAt: string, patient = 0) =>
    a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[patient]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at(startsAt),
    });

  it('replays a push whose answer was lost after the cloud committed it: the same answer, nothing applied twice', async () => {
    const booked = await book('2030-01-07T10:00');
    const seqBefore = await cloud.server.lastSeq();
    let pushes = 0;
    proxy.onServerAnswered = (path) => {
      if (path === '/v1/push' && ++pushes === 1) proxy.setPlan({ dropResponse: 1 });
      else proxy.setPlan({});
    };
    proxy.setPlan({ dropResponse: 1 });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0, conflicts: 0 });
    expect(proxy.stats.droppedResponses).toBeGreaterThanOrEqual(1);
    expect(await cloud.server.lastSeq()).toBe(seqBefore + 1);
    expect(await cloud.appliedAnswers()).toBe(await cloud.server.lastSeq());
    const uid = a.uidOf('appointments', booked.id);
    expect(await cloud.versionOf(uid)).toBe(1);
  });

  it('answers 429 by waiting the Retry-After, and a long one by ending the round until then', async () => {
    await book('2030-01-07T10:00');
    proxy.setPlan({ error429: 1, retryAfterSeconds: 1 });
    proxy.onServerAnswered = null;
    const started = Date.now();
    const waiting = a.sync();
    // Let the first answer be a 429, then let requests through.
    while (proxy.stats.errors429 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    proxy.setPlan({});
    const calls = proxy.stats.errors429;
    expect(await waiting).toMatchObject({ connection: 'online', pending: 0 });
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    await book('2030-01-07T11:00');
    proxy.setPlan({ error429: 1, retryAfterSeconds: 120 });
    const status = await a.sync();
    expect(status).toMatchObject({ connection: 'offline', pending: 1 });
    expect(status.nextAttemptAt).toBe(clock.now + 120_000);
    expect(proxy.stats.errors429).toBe(2);
  });

  it('retries network errors and 5xx with backoff, keeps the outbox when the cloud stays away, and goes on when it is back', async () => {
    await book('2030-01-07T10:00');
    proxy.setPlan({ error500: 1 });
    const failed = await a.sync();
    expect(failed).toMatchObject({ connection: 'offline', pending: 1, problems: 0 });
    expect(failed.nextAttemptAt).toBeGreaterThan(clock.now);
    expect(proxy.stats.errors500).toBe(4); // the policy's four tries in one round

    proxy.setPlan({});
    proxy.setCut(true);
    expect(await a.sync()).toMatchObject({ connection: 'offline', pending: 1 });
    proxy.setCut(false);
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, nextAttemptAt: null });
  });

  it('says unauthorised when the token is refused, and moves nothing to the problems', async () => {
    const other = await startSyncDesk({ name: 'x', clock, cloudUrl: proxy.url, token: 'wrong-token' });
    extra.push(other);
    await other.ok(other.admin, 'sync.updateSettings', { enabled: true });
    await other.ok(other.admin, 'rooms.save', { name: 'Room X' });
    expect(await other.sync()).toMatchObject({ connection: 'unauthorised', problems: 0 });
    expect((await other.ok(other.reception, 'sync.status', {})).pending).toBeGreaterThan(0);
  });

  it('isolates a change the cloud refuses as a request (400) by halving the batch, and lists it as a problem', async () => {
    for (const time of ['09:00', '09:30', '10:00', '10:30', '11:00']) await book(`2030-01-07T${time}`);
    // A broken entry in the middle (as a bug or a damaged file might leave one): not a UUID.
    a.desk.database.sqlite
      .prepare(
        `INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at) VALUES (?, 'room', 'not-a-uuid', 'upsert', '{"name":"X","isActive":true}', 0)`,
      )
      .run(randomUUID());
    await book('2030-01-07T11:30');
    const status = await a.sync();
    expect(status).toMatchObject({ connection: 'online', pending: 0, problems: 1 });
    const { problems } = await a.ok(a.reception, 'sync.issues', {});
    expect(problems).toEqual([
      { id: expect.any(Number), entity: 'room', entityId: null, operation: 'upsert', reason: 'INVALID_REQUEST', message: expect.any(String), at: clock.now },
    ]);
    expect(await cloud.countOf('appointment')).toBe(6);

    await a.ok(a.reception, 'sync.dismissProblem', { id: problems[0]!.id });
    expect((await a.ok(a.reception, 'sync.status', {})).problems).toBe(0);
    expect((await a.fail(a.reception, 'sync.dismissProblem', { id: problems[0]!.id })).code).toBe('NOT_FOUND');
  });

  it('lists a change the cloud rejects for good, and goes on with the rest', async () => {
    await book('2030-01-07T10:00');
    // The cloud allows 120 characters for a specialty's name... this one says it has 200.
    a.desk.database.sqlite.prepare(`UPDATE specialties SET name_pt = ? WHERE id = ?`).run('x'.repeat(79), practice.general);
    a.desk.database.sqlite.prepare(`UPDATE sync_outbox SET data = json_set(data, '$.namePt', ?) WHERE entity = 'specialty'`).run('y'.repeat(200));
    await book('2030-01-07T11:00');
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 1 });
    const { problems } = await a.ok(a.reception, 'sync.issues', {});
    expect(problems[0]).toMatchObject({ entity: 'specialty', entityId: practice.general, reason: 'INVALID' });
    expect(await cloud.countOf('appointment')).toBe(2);
  });

  it('does not overwrite a row with a local change pending; the cloud wins the race and the desk is told', async () => {
    const b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    extra.push(b);
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    const patientUid = a.uidOf('patients', practice.patients[0]!);
    const {
      id: _id,
      createdAt: _c,
      updatedAt: _u,
      phoneIsPtMobile: _m,
      phoneNeedsReview: _r,
      mergedIntoId: _g,
      ...patientFields
    } = await a.ok(a.reception, 'patients.get', { id: practice.patients[0]! });
    await b.ok(b.reception, 'patients.update', { id: b.localId('patients', patientUid), fields: { ...patientFields, phone: '+351 911 111 111' } });
    await b.sync();
    // Meanwhile at A, offline: another phone.
    await a.ok(a.reception, 'patients.update', { id: practice.patients[0]!, fields: { ...patientFields, phone: '+351 922 222 222' } });
    proxy.setCut(true);
    await a.sync();
    expect(a.desk.database.sqlite.prepare('SELECT phone FROM patients WHERE id = ?').pluck().get(practice.patients[0]!)).toBe('+351922222222');
    proxy.setCut(false);
    const status = await a.sync();
    expect(status).toMatchObject({ pending: 0, problems: 1 });
    expect(a.desk.database.sqlite.prepare('SELECT phone FROM patients WHERE id = ?').pluck().get(practice.patients[0]!)).toBe('+351911111111');
    expect((await a.ok(a.reception, 'sync.issues', {})).problems[0]).toMatchObject({ entity: 'patient', entityId: practice.patients[0], reason: 'SUPERSEDED' });
  });

  it('starts again from scratch when the cursor expired (410), and drops rows deleted meanwhile', async () => {
    const booked = await book('2030-01-07T10:00');
    await a.sync();
    const uid = a.uidOf('appointments', booked.id);
    const version = (await cloud.versionOf(uid))!;
    const { results } = await cloud.desk.push('admin', [
      { mutationId: randomUUID(), entity: 'appointment', uid, op: 'delete', baseVersion: version, data: null },
    ]);
    expect(results[0]!.status).toBe('applied');
    await book('2030-01-07T11:00', 1);
    await cloud.server.compact(0);
    const status = await a.sync();
    expect(status).toMatchObject({ connection: 'online', pending: 0 });
    expect(a.localId('appointments', uid)).toBeNaN();
    const server = [...replay((await cloud.desk.pullAll()).changes).values()].filter((row) => row.entity === 'appointment').map((row) => row.uid);
    expect(a.appointments().map((row) => row.uid)).toEqual(server);
  });

  it('starts again from scratch when the cloud cannot read the cursor (400, a replaced server), deleting nothing: what it lacks is sent back', async () => {
    const booked = await book('2030-01-07T10:00');
    await a.sync();
    const uid = a.uidOf('appointments', booked.id);
    const version = (await cloud.versionOf(uid))!;
    const { results } = await cloud.desk.push('admin', [
      { mutationId: randomUUID(), entity: 'appointment', uid, op: 'delete', baseVersion: version, data: null },
    ]);
    expect(results[0]!.status).toBe('applied');
    // A cursor of the server this desk knew before: the new one hands out others.
    a.desk.database.sqlite.prepare(`UPDATE sync_state SET cursor = 'opaque:previous-server:8812'`).run();
    // A server that hands out other cursors may have lost what this desk knows: the booking it
    // does not send is not taken for deleted, it goes back up, and staff are told.
    const status = await a.sync();
    expect(status).toMatchObject({ connection: 'online', problems: 1 });
    expect(a.localId('appointments', uid)).not.toBeNaN();
    expect((await a.ok(a.reception, 'sync.issues', {})).problems).toMatchObject([{ reason: 'RESENT', entityId: booked.id }]);
    expect(a.desk.database.sqlite.prepare('SELECT cursor FROM sync_state').pluck().get()).toMatch(/^v1\./);
    // This cloud did delete it (its tombstone is newer than anything the desk sent): the cloud's word is kept, and said.
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
    expect(a.localId('appointments', uid)).toBeNaN();
    expect((await a.ok(a.reception, 'sync.issues', {})).problems.map((problem) => problem.reason).sort()).toEqual(['RESENT', 'SUPERSEDED']);
    // Only the one refused pull, then the snapshot: not a loop.
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0 });
  });
});
