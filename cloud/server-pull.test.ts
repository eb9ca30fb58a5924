import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../shared/sync/cloud-api';
import { CloudApiError, cloudClient, replay } from './cloud-client';
import { startCloudServer } from './server';
import {
  DESK_TOKEN,
  appointment,
  expectError,
  only,
  patient,
  rawRequest,
  remove,
  seedClinic,
  startTestCloud,
  upsert,
  type Clinic,
  type RawInit,
  type TestCloud,
} from './test-fixtures';

/** The reference server's pull: tombstones, paging, snapshots, cursors (expired, foreign, across a restart). */

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

const raw = (path: string, init?: RawInit) => rawRequest(cloud.server.url, path, init);

describe('deletes', () => {
  it('leave a tombstone that pulls deliver, and a row still referred to cannot go', async () => {
    const { cursor } = await cloud.desk.pullAll();
    const appointmentUid = randomUUID();
    await cloud.desk.push('desk-1', [upsert('appointment', appointmentUid, appointment(clinic))]);

    const refused = only((await cloud.desk.push('desk-1', [remove('patient', clinic.patientUid, 1)])).results);
    expect(refused).toMatchObject({ status: 'rejected', reason: 'INVALID' });

    const { results } = await cloud.desk.push('desk-1', [remove('appointment', appointmentUid, 1), remove('patient', clinic.patientUid, 1)]);
    expect(results).toMatchObject([
      { status: 'applied', version: 2 },
      { status: 'applied', version: 2 },
    ]);
    const { changes } = await cloud.desk.pullAll(cursor);
    expect(changes.map((c) => [c.entity, c.deleted, c.data, c.version])).toEqual([
      ['appointment', true, null, 2],
      ['patient', true, null, 2],
    ]);
    // The deleted appointment holds no slot any more.
    expect(only((await cloud.desk.push('desk-2', [upsert('patient', randomUUID(), patient())])).results).status).toBe('applied');
    const again = upsert('appointment', randomUUID(), appointment(clinic, { patientUid: randomUUID() }));
    expect(only((await cloud.desk.push('desk-2', [again])).results)).toMatchObject({ reason: 'MISSING_REFERENCE' });
    // An update of a deleted row is a conflict showing the tombstone.
    const update = only((await cloud.desk.push('desk-2', [upsert('patient', clinic.patientUid, patient(), 1)])).results);
    expect(update).toMatchObject({ status: 'conflict', current: { deleted: true, data: null, version: 2 } });
  });
});

describe('pull', () => {
  it('pages in seq order with hasMore, and the cursor stays put when there is nothing new', async () => {
    const uids = Array.from({ length: 7 }, () => randomUUID());
    await cloud.desk.push(
      'desk-1',
      uids.map((uid, i) => upsert('patient', uid, patient(`P${i}`))),
    );
    const pages: Change[][] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await cloud.desk.pull(cursor, 4);
      pages.push(page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 1]);
    const seqs = pages.flat().map((change) => change.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(13);

    const idle = await cloud.desk.pull(cursor);
    expect(idle).toEqual({ changes: [], cursor, hasMore: false });
    await cloud.desk.push('desk-1', [upsert('patient', uids[0]!, patient('Renamed'), 1)]);
    const next = await cloud.desk.pull(cursor);
    expect(next.changes).toMatchObject([{ uid: uids[0], version: 2, data: { fullName: 'Renamed' } }]);
    expect(next.cursor).not.toBe(cursor);
  });

  it('without a cursor is a snapshot of live rows; a row deleted while it is paged comes as a tombstone', async () => {
    const before = (await cloud.desk.pullAll()).cursor;
    const gone = randomUUID();
    await cloud.desk.push('desk-1', [upsert('room', gone, { name: 'Old room', isActive: false })]);
    await cloud.desk.push('desk-1', [remove('room', gone, 1)]);

    const first = await cloud.desk.pull(null, 3);
    expect(first.hasMore).toBe(true);
    const rest = await cloud.desk.pullAll(first.cursor, 3);
    const all = [...first.changes, ...rest.changes];
    // The tombstone of a row deleted before the snapshot began is noise to a client starting afresh.
    expect(all.some((change) => change.uid === gone || change.deleted)).toBe(false);
    expect(all.map((c) => c.entity).sort()).toEqual(['patient', 'practitioner', 'practitioner', 'room', 'room', 'specialty']);
    // With a cursor from before the delete, the tombstone does come (once: the row at its latest version).
    expect((await cloud.desk.pullAll(before)).changes).toMatchObject([{ uid: gone, deleted: true, version: 2, data: null }]);
  });

  it('a snapshot in progress sees a delete made meanwhile', async () => {
    const extra = Array.from({ length: 3 }, () => randomUUID());
    await cloud.desk.push(
      'desk-1',
      extra.map((uid) => upsert('patient', uid, patient())),
    );
    const first = await cloud.desk.pull(null, 7);
    const deliveredPatient = first.changes.find((change) => change.entity === 'patient')!;
    await cloud.desk.push('desk-2', [remove('patient', deliveredPatient.uid, deliveredPatient.version)]);
    const rest = await cloud.desk.pullAll(first.cursor);
    expect(rest.changes.find((change) => change.uid === deliveredPatient.uid)).toMatchObject({ deleted: true });
    expect(replay([...first.changes, ...rest.changes]).has(`patient:${deliveredPatient.uid}`)).toBe(false);
  });

  it('answers 410 CURSOR_EXPIRED for a cursor from before compacted tombstones, and 400 for a foreign one', async () => {
    await cloud.server.close();
    cloud = { ...cloud, server: await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, tokens: { desk: [DESK_TOKEN] }, changeRetention: 3 }) };
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    const old = (await desk.pullAll()).cursor;
    const uid = randomUUID();
    await desk.push('desk-1', [upsert('patient', uid, patient())]);
    await desk.push('desk-1', [remove('patient', uid, 1)]);
    // The tombstone is kept while it is among the last 3 changes.
    expect((await desk.pull(old)).changes.some((c) => c.uid === uid && c.deleted)).toBe(true);
    await desk.push(
      'desk-1',
      Array.from({ length: 3 }, () => upsert('patient', randomUUID(), patient())),
    );

    const expired = await desk.pull(old).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(CloudApiError);
    expect(expired).toMatchObject({ status: 410, code: 'CURSOR_EXPIRED' });
    // Starting again without a cursor works, and its cursor is served.
    const fresh = await desk.pullAll();
    expect(fresh.changes.some((c) => c.uid === uid)).toBe(false);
    expect((await desk.pull(fresh.cursor)).changes).toEqual([]);

    await expectError(raw('/v1/changes?cursor=garbage'), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/changes?cursor=v1.abcdef.1'), 410, 'CURSOR_EXPIRED');
    const ahead = fresh.cursor.replace(/\.\d+$/, '.999999');
    await expectError(raw(`/v1/changes?cursor=${ahead}`), 410, 'CURSOR_EXPIRED');
    await expectError(raw('/v1/changes?limit=0'), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/changes?limit=1001'), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/changes?limit=5&limit=6'), 400, 'INVALID_REQUEST');
  });

  it('never hands out a version again: a row re-created after its tombstone was purged starts above it', async () => {
    const uid = randomUUID();
    await cloud.desk.push('desk-1', [upsert('patient', uid, patient())]);
    await cloud.desk.push('desk-1', [upsert('patient', uid, patient('Renamed'), 1)]);
    expect(only((await cloud.desk.push('desk-1', [remove('patient', uid, 2)])).results)).toMatchObject({ status: 'applied', version: 3 });
    await cloud.server.compact(0);
    // A desk that applied the delete knows version 3: the new row must not look older than that.
    const again = only((await cloud.desk.push('desk-2', [upsert('patient', uid, patient('Back again'))])).results);
    expect(again).toMatchObject({ status: 'applied' });
    expect((again as { version: number }).version).toBeGreaterThan(3);
    // A row the server never had still starts at a version no client can already hold for it, and then counts up by one.
    const other = randomUUID();
    const created = only((await cloud.desk.push('desk-1', [upsert('patient', other, patient())])).results) as { version: number };
    expect(only((await cloud.desk.push('desk-1', [upsert('patient', other, patient('Two'), created.version)])).results)).toMatchObject({
      version: created.version + 1,
    });
  });

  it('says why a cursor is refused: too old, ahead of the server, or from another database', async () => {
    await cloud.server.close();
    cloud = { ...cloud, server: await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, tokens: { desk: [DESK_TOKEN] }, changeRetention: 1 }) };
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    const fresh = (await desk.pullAll()).cursor;
    const reason = async (path: string) => ((await (await raw(path)).json()) as { error: { reason?: string } }).error.reason;
    expect(await reason(`/v1/changes?cursor=${fresh.replace(/\.\d+$/, '.999999')}`)).toBe('AHEAD');
    expect(await reason('/v1/changes?cursor=v1.abcdef.1')).toBe('OTHER_DATABASE');
    const uid = randomUUID();
    await desk.push('desk-1', [upsert('patient', uid, patient())]);
    await desk.push('desk-1', [remove('patient', uid, 1)]);
    await desk.push('desk-1', [upsert('patient', randomUUID(), patient())]);
    expect(await reason(`/v1/changes?cursor=${fresh}`)).toBe('TOO_OLD');
  });

  it('keeps data and cursors across a restart', async () => {
    const { cursor, changes } = await cloud.desk.pullAll();
    await cloud.server.close();
    cloud = { ...cloud, server: await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, tokens: { desk: [DESK_TOKEN] } }) };
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    expect((await desk.pull(cursor)).changes).toEqual([]);
    expect((await desk.pullAll()).changes).toEqual(changes);
  });
});
