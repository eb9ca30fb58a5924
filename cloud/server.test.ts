import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changesEvent, errorResponse, mutationResult, type Change, type MutationResult } from '../shared/sync/cloud-api';
import { CloudApiError, cloudClient, replay } from './cloud-client';
import { startCloudServer } from './server';
import {
  DESK_TOKEN,
  MONDAY_10,
  PORTAL_TOKEN,
  appointment,
  patient,
  practitioner,
  remove,
  seedClinic,
  startTestCloud,
  upsert,
  type Clinic,
  type TestCloud,
} from './test-fixtures';
import { HOUR_MS, MINUTE_MS } from '../shared/time/units';

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

const only = (results: MutationResult[]) => {
  expect(results).toHaveLength(1);
  return results[0]!;
};

async function raw(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token = DESK_TOKEN, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${cloud.server.url}${path}`, { ...rest, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

async function expectError(promise: Promise<{ status: number; json: () => unknown }>, status: number, code: string) {
  const response = await promise;
  expect(response.status).toBe(status);
  expect(errorResponse.parse(response.json()).error.code).toBe(code);
}

describe('push', () => {
  it('applies a mutation, and a replay gets the same answer and changes nothing, in any batch', async () => {
    const mutation = upsert('appointment', randomUUID(), appointment(clinic));
    const first = only((await cloud.desk.push('desk-1', [mutation])).results);
    expect(first).toEqual({ mutationId: mutation.mutationId, status: 'applied', version: 1 });
    const seq = cloud.server.lastSeq();

    expect(only((await cloud.desk.push('desk-1', [mutation])).results)).toEqual(first);
    // The same mutation retried inside another batch, after a new one.
    const other = upsert('patient', randomUUID(), patient('João Sousa'));
    const { results } = await cloud.desk.push('desk-1', [other, mutation]);
    expect(results[0]).toMatchObject({ status: 'applied', version: 1 });
    expect(results[1]).toEqual(first);
    expect(cloud.server.lastSeq()).toBe(seq + 1);

    const { changes } = await cloud.desk.pullAll();
    expect(changes.filter((change) => change.uid === mutation.uid)).toHaveLength(1);
  });

  it('a replay with the key order changed is the same change; a reused id with other content is refused and writes nothing', async () => {
    const uid = randomUUID();
    const mutation = upsert('patient', uid, patient());
    await cloud.desk.push('desk-1', [mutation]);
    const reordered = { ...mutation, data: Object.fromEntries(Object.entries(mutation.data!).reverse()) };
    expect(only((await cloud.desk.push('desk-1', [reordered])).results)).toMatchObject({ status: 'applied', version: 1 });

    const seq = cloud.server.lastSeq();
    const reused = { ...mutation, data: { ...mutation.data, fullName: 'Someone Else' } };
    expect(only((await cloud.desk.push('desk-1', [reused])).results)).toMatchObject({ status: 'rejected', reason: 'INVALID' });
    expect(cloud.server.lastSeq()).toBe(seq);
    const row = (await cloud.desk.pullAll()).changes.find((change) => change.uid === uid);
    expect(row?.data).toMatchObject({ fullName: 'Maria Silva' });
  });

  it('versions go up by one, and a change on a stale version is a conflict with the current row', async () => {
    const uid = clinic.patientUid;
    const v2 = only((await cloud.desk.push('desk-1', [upsert('patient', uid, { ...patient(), phone: '1' }, 1)])).results);
    expect(v2).toMatchObject({ status: 'applied', version: 2 });

    const stale = upsert('patient', uid, { ...patient(), phone: '2' }, 1);
    const result = only((await cloud.desk.push('desk-2', [stale])).results);
    expect(result).toMatchObject({ status: 'conflict', clash: null, current: { entity: 'patient', uid, version: 2, deleted: false, data: { phone: '1' } } });
    // A create of a row the server already has is stale too.
    const create = only((await cloud.desk.push('desk-2', [upsert('patient', uid, patient(), null)])).results);
    expect(create).toMatchObject({ status: 'conflict', current: { version: 2 } });
    // Chained changes in one batch, each on the version the previous one makes.
    const chained = await cloud.desk.push('desk-1', [upsert('patient', uid, { ...patient(), phone: '3' }, 2), upsert('patient', uid, { ...patient(), phone: '4' }, 3)]);
    expect(chained.results.map((r) => r.status === 'applied' && r.version)).toEqual([3, 4]);
    // A conflict is recorded: its replay is the same conflict even though the row moved on.
    expect(only((await cloud.desk.push('desk-2', [stale])).results)).toEqual(result);
  });

  it('refuses an overlap for the same practitioner, naming the appointment it clashes with', async () => {
    const first = upsert('appointment', randomUUID(), appointment(clinic));
    await cloud.desk.push('desk-1', [first]);
    const online = upsert('appointment', randomUUID(), appointment(clinic, { roomUid: null, startsAt: MONDAY_10 + 10 * MINUTE_MS, endsAt: MONDAY_10 + 30 * MINUTE_MS, origin: 'online' }));
    const result = only((await cloud.desk.push('desk-2', [online])).results);
    expect(result).toEqual({
      mutationId: online.mutationId,
      status: 'conflict',
      current: null,
      clash: { kind: 'practitioner', uid: first.uid, startsAt: MONDAY_10, endsAt: MONDAY_10 + HOUR_MS / 3 },
    });
    // Touching is not overlapping.
    const next = upsert('appointment', randomUUID(), appointment(clinic, { startsAt: MONDAY_10 + HOUR_MS / 3, endsAt: MONDAY_10 + (2 * HOUR_MS) / 3 }));
    expect(only((await cloud.desk.push('desk-2', [next])).results)).toMatchObject({ status: 'applied' });
    expect(cloud.server.overlaps()).toEqual([]);
  });

  it('refuses an overlap in the same room with another practitioner', async () => {
    const first = upsert('appointment', randomUUID(), appointment(clinic));
    await cloud.desk.push('desk-1', [first]);
    const sameRoom = upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: clinic.practitionerUids[1] }));
    expect(only((await cloud.desk.push('desk-2', [sameRoom])).results)).toMatchObject({ status: 'conflict', clash: { kind: 'room', uid: first.uid } });
    const otherRoom = upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: clinic.practitionerUids[1], roomUid: clinic.roomUids[1] }));
    expect(only((await cloud.desk.push('desk-2', [otherRoom])).results)).toMatchObject({ status: 'applied' });
  });

  it('a cancelled appointment holds no slot, and cannot be revived over one that took it', async () => {
    const uid = randomUUID();
    await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic))]);
    const cancelled = only((await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic, { status: 'cancelled', cancelReason: 'ill' }), 1)])).results);
    expect(cancelled).toMatchObject({ status: 'applied', version: 2 });
    const taken = upsert('appointment', randomUUID(), appointment(clinic, { origin: 'online' }));
    expect(only((await cloud.desk.push('desk-2', [taken])).results)).toMatchObject({ status: 'applied' });

    const revive = only((await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic), 2)])).results);
    expect(revive).toMatchObject({ status: 'conflict', current: { uid, version: 2, data: { status: 'cancelled' } }, clash: { uid: taken.uid } });
    // Moving one's own appointment over its old time is no clash with itself.
    const move = only((await cloud.desk.push('desk-2', [upsert('appointment', taken.uid, appointment(clinic, { startsAt: MONDAY_10 + 5 * MINUTE_MS, endsAt: MONDAY_10 + 25 * MINUTE_MS }), 1)])).results);
    expect(move).toMatchObject({ status: 'applied', version: 2 });
    expect(cloud.server.overlaps()).toEqual([]);
  });

  it('rejects invalid data and missing references, and the refusal of a reference is kept for replays', async () => {
    const seq = cloud.server.lastSeq();
    const bad = [
      { ...upsert('patient', randomUUID(), patient()), data: { ...patient(), dateOfBirth: 'yesterday' } },
      { ...upsert('patient', randomUUID(), patient()), data: { ...patient(), isAdmin: true } },
      upsert('appointment', randomUUID(), appointment(clinic, { endsAt: MONDAY_10 })),
      upsert('appointment', randomUUID(), appointment(clinic, { endsAt: MONDAY_10 + 13 * HOUR_MS })),
      { ...upsert('room', randomUUID(), { name: 'x', isActive: true }), data: null },
      { ...remove('room', clinic.roomUids[0], 1), data: { name: 'x' } },
    ];
    const { results } = await cloud.desk.push('desk-1', bad);
    expect(results.map((r) => r.status === 'rejected' && r.reason)).toEqual(['INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID']);

    const patientUid = randomUUID();
    const orphan = upsert('appointment', randomUUID(), appointment(clinic, { patientUid }));
    expect(only((await cloud.desk.push('desk-1', [orphan])).results)).toMatchObject({ status: 'rejected', reason: 'MISSING_REFERENCE' });
    const practitionerWithoutRoom = upsert('practitioner', randomUUID(), practitioner([clinic.specialtyUid], randomUUID()));
    expect(only((await cloud.desk.push('desk-1', [practitionerWithoutRoom])).results)).toMatchObject({ status: 'rejected', reason: 'MISSING_REFERENCE' });
    expect(cloud.server.lastSeq()).toBe(seq);

    await cloud.desk.push('desk-1', [upsert('patient', patientUid, patient())]);
    expect(only((await cloud.desk.push('desk-1', [orphan])).results)).toMatchObject({ status: 'rejected', reason: 'MISSING_REFERENCE' });
  });

  it('answers a batch in order, each mutation on its own', async () => {
    const patientUid = randomUUID();
    const { results } = await cloud.desk.push('desk-1', [
      upsert('patient', patientUid, patient('Rita')),
      upsert('appointment', randomUUID(), appointment(clinic, { patientUid })),
      upsert('appointment', randomUUID(), appointment(clinic, { patientUid })),
      upsert('appointment', randomUUID(), appointment(clinic, { startsAt: MONDAY_10 + HOUR_MS, endsAt: MONDAY_10 + 2 * HOUR_MS })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'conflict', 'applied']);
    for (const result of results) mutationResult.parse(result);
  });
});

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
    await cloud.desk.push('desk-1', uids.map((uid, i) => upsert('patient', uid, patient(`P${i}`))));
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
    await cloud.desk.push('desk-1', extra.map((uid) => upsert('patient', uid, patient())));
    const first = await cloud.desk.pull(null, 7);
    const deliveredPatient = first.changes.find((change) => change.entity === 'patient')!;
    await cloud.desk.push('desk-2', [remove('patient', deliveredPatient.uid, deliveredPatient.version)]);
    const rest = await cloud.desk.pullAll(first.cursor);
    expect(rest.changes.find((change) => change.uid === deliveredPatient.uid)).toMatchObject({ deleted: true });
    expect(replay([...first.changes, ...rest.changes]).has(`patient:${deliveredPatient.uid}`)).toBe(false);
  });

  it('answers 410 CURSOR_EXPIRED for a cursor from before compacted tombstones, and 400 for a foreign one', async () => {
    await cloud.server.close();
    cloud = { ...cloud, server: await startCloudServer({ port: 0, dataDir: cloud.dataDir, tokens: { desk: [DESK_TOKEN] }, changeRetention: 3 }) };
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    const old = (await desk.pullAll()).cursor;
    const uid = randomUUID();
    await desk.push('desk-1', [upsert('patient', uid, patient())]);
    await desk.push('desk-1', [remove('patient', uid, 1)]);
    // The tombstone is kept while it is among the last 3 changes.
    expect((await desk.pull(old)).changes.some((c) => c.uid === uid && c.deleted)).toBe(true);
    await desk.push('desk-1', Array.from({ length: 3 }, () => upsert('patient', randomUUID(), patient())));

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

  it('keeps data and cursors across a restart', async () => {
    const { cursor, changes } = await cloud.desk.pullAll();
    await cloud.server.close();
    cloud = { ...cloud, server: await startCloudServer({ port: 0, dataDir: cloud.dataDir, tokens: { desk: [DESK_TOKEN] } }) };
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    expect((await desk.pull(cursor)).changes).toEqual([]);
    expect((await desk.pullAll()).changes).toEqual(changes);
  });
});

describe('auth and hostile input', () => {
  it('asks for a valid bearer token', async () => {
    const none = await raw('/v1/changes', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(errorResponse.parse(none.json()).error.code).toBe('UNAUTHORIZED');
    await expectError(raw('/v1/changes', { token: 'desk-secreT' }), 401, 'UNAUTHORIZED');
    await expectError(raw('/v1/push', { token: 'nope', method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 401, 'UNAUTHORIZED');
    await expectError(raw('/v1/changes', { token: null, headers: { Authorization: `Basic ${DESK_TOKEN}` } }), 401, 'UNAUTHORIZED');
    expect((await raw('/v1/health', { token: null })).json()).toEqual({ status: 'ok' });
  });

  it('lets the portal create patients and online bookings, nothing else, and shows it no patients', async () => {
    const patientUid = randomUUID();
    const booking = upsert('appointment', randomUUID(), appointment(clinic, { patientUid, origin: 'online' }));
    const { results } = await cloud.portal.push('portal', [upsert('patient', patientUid, patient('Online Patient')), booking]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);

    const forbidden = await cloud.portal.push('portal', [
      upsert('practitioner', randomUUID(), practitioner([clinic.specialtyUid], null)),
      upsert('appointment', booking.uid, appointment(clinic, { patientUid, status: 'cancelled', origin: 'online' }), 1),
      remove('appointment', booking.uid, 1),
      upsert('appointment', randomUUID(), appointment(clinic, { patientUid, startsAt: MONDAY_10 + HOUR_MS, endsAt: MONDAY_10 + 2 * HOUR_MS, origin: 'desk-1' })),
      upsert('appointment', randomUUID(), appointment(clinic, { patientUid, startsAt: MONDAY_10 + HOUR_MS, endsAt: MONDAY_10 + 2 * HOUR_MS, origin: 'online', status: 'done' })),
    ]);
    expect(forbidden.results.map((r) => r.status === 'rejected' && r.reason)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    // The refusal is about who asked, not the change: the desk may make the same one.
    const cancel = upsert('appointment', booking.uid, appointment(clinic, { patientUid, status: 'cancelled', origin: 'online' }), 1);
    expect(only((await cloud.desk.push('desk-1', [cancel])).results)).toMatchObject({ status: 'applied', version: 2 });

    // Creating over an existing row would answer a conflict showing it: refused instead, without the row.
    const overPatient = only((await cloud.portal.push('portal', [upsert('patient', clinic.patientUid, patient('Guess'))])).results);
    expect(overPatient).toMatchObject({ status: 'rejected', reason: 'FORBIDDEN' });
    expect(JSON.stringify(overPatient)).not.toContain('Maria');
    // Its own create, replayed, still gets its stored answer.
    expect((await cloud.portal.push('portal', [booking])).results).toEqual([results[1]]);

    const seen = (await cloud.portal.pullAll()).changes;
    expect(seen.some((change) => change.entity === 'patient')).toBe(false);
    expect(seen.some((change) => change.uid === booking.uid)).toBe(true);
    await expectError(raw('/v1/events', { token: PORTAL_TOKEN }), 403, 'FORBIDDEN');
  });

  it('refuses a body over the limit with 413, and bad JSON, content types and envelopes with 4xx', async () => {
    const big = JSON.stringify({ clientId: 'x', mutations: [], padding: 'x'.repeat(6 * 1024 * 1024) });
    await expectError(raw('/v1/push', { method: 'POST', body: big, headers: { 'Content-Type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');

    const json = { 'Content-Type': 'application/json' };
    await expectError(raw('/v1/push', { method: 'POST', body: '{"clientId":', headers: json }), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/push', { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: json }), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/push', { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } }), 415, 'INVALID_REQUEST');
    await expectError(raw('/v1/push', { method: 'POST', body: '[]', headers: json }), 400, 'INVALID_REQUEST');
    await expectError(raw('/v1/push', { method: 'POST', body: '{"clientId":"x","mutations":[]}', headers: json }), 400, 'INVALID_REQUEST');
    const wrongId = { clientId: 'x', mutations: [{ ...upsert('patient', randomUUID(), patient()), mutationId: 'not-a-uuid' }] };
    await expectError(raw('/v1/push', { method: 'POST', body: JSON.stringify(wrongId), headers: json }), 400, 'INVALID_REQUEST');
    const proto = `{"clientId":"x","mutations":[{"mutationId":"${randomUUID()}","entity":"patient","uid":"${randomUUID()}","op":"upsert","baseVersion":null,"data":{"__proto__":{"isAdmin":true}}}]}`;
    const protoAnswer = await raw('/v1/push', { method: 'POST', body: proto, headers: json });
    expect(protoAnswer.status).toBe(200);
    expect(protoAnswer.json()).toMatchObject({ results: [{ status: 'rejected', reason: 'INVALID' }] });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await expectError(raw('/v1/push', { method: 'POST', body: deep, headers: json }), 400, 'INVALID_REQUEST');

    await expectError(raw('/v1/push'), 405, 'INVALID_REQUEST');
    await expectError(raw('/v1/nothing'), 404, 'INVALID_REQUEST');
    await expectError(raw('/v1/changes?since=3'), 400, 'INVALID_REQUEST');
    // Still serving.
    expect((await cloud.desk.pullAll()).changes.length).toBeGreaterThan(0);
  });

  it('answers garbage HTTP with 400 and stays up', async () => {
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(cloud.server.port, '127.0.0.1', () => socket.write('HELLO /v1/push HTTP/9\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await raw('/v1/health')).status).toBe(200);
  });
});

describe('events', () => {
  it('sends the latest seq on connect and after each push that applied something', async () => {
    const events: number[] = [];
    let buffer = '';
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${cloud.server.url}/v1/events`, { headers: { Authorization: `Bearer ${DESK_TOKEN}` } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^event: changes\ndata: (.*)$/m.exec(frame)?.[1];
            if (data !== undefined) events.push(changesEvent.parse(JSON.parse(data)).seq);
            if (events.length === 2) {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (error) => (events.length === 2 ? resolve() : reject(error)));
      req.end();
    });
    await waitFor(() => events.length === 1);
    expect(events[0]).toBe(cloud.server.lastSeq());
    await cloud.desk.push('desk-1', [upsert('patient', randomUUID(), patient())]);
    await done;
    expect(events[1]).toBe(cloud.server.lastSeq());
    expect(events[1]).toBe(events[0]! + 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('concurrency', () => {
  it('the same mutation sent many times at once is applied once, and every copy gets the same answer', async () => {
    const mutation = upsert('appointment', randomUUID(), appointment(clinic));
    const seq = cloud.server.lastSeq();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => cloudClient(cloud.server.url, DESK_TOKEN).push(`desk-${i % 2}`, [mutation])));
    for (const answer of answers) expect(only(answer.results)).toEqual({ mutationId: mutation.mutationId, status: 'applied', version: 1 });
    expect(cloud.server.lastSeq()).toBe(seq + 1);
  });

  it('many parallel pushes from two desks and the portal never make an overlap', async () => {
    const clients = [cloudClient(cloud.server.url, DESK_TOKEN), cloudClient(cloud.server.url, DESK_TOKEN), cloud.portal];
    const slot = 15 * MINUTE_MS;
    // 120 bookings over 12 candidate starts, for two practitioners sharing two rooms crosswise: most must be refused.
    const attempts = Array.from({ length: 120 }, (_, i) => {
      const client = clients[i % 3]!;
      const practitionerIndex = i % 2;
      const roomUid = i % 5 === 0 ? clinic.roomUids[1 - practitionerIndex]! : clinic.roomUids[practitionerIndex]!;
      const startsAt = MONDAY_10 + ((i * 7) % 12) * (slot / 3);
      const data = appointment(clinic, {
        practitionerUid: clinic.practitionerUids[practitionerIndex]!,
        roomUid,
        startsAt,
        endsAt: startsAt + slot,
        origin: client === cloud.portal ? 'online' : `desk-${i % 3}`,
      });
      return { client, mutation: upsert('appointment', randomUUID(), data) };
    });
    const answers = await Promise.all(attempts.map(({ client, mutation }) => client.push(`client-${clients.indexOf(client)}`, [mutation])));
    const statuses = answers.map((answer) => only(answer.results).status);
    const applied = attempts.filter((_, i) => statuses[i] === 'applied').map((a) => a.mutation.uid);
    expect(statuses.every((status) => status === 'applied' || status === 'conflict')).toBe(true);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.length).toBeLessThan(attempts.length);
    expect(cloud.server.overlaps()).toEqual([]);

    const live = [...replay((await cloud.desk.pullAll()).changes).values()].filter((c) => c.entity === 'appointment');
    expect(live.map((c) => c.uid).sort()).toEqual([...applied].sort());
    for (const a of live) {
      for (const b of live) {
        if (a.uid >= b.uid) continue;
        const [x, y] = [a.data as { startsAt: number; endsAt: number; practitionerUid: string; roomUid: string }, b.data as { startsAt: number; endsAt: number; practitionerUid: string; roomUid: string }];
        const overlapping = x.startsAt < y.endsAt && y.startsAt < x.endsAt;
        expect(overlapping && (x.practitionerUid === y.practitionerUid || x.roomUid === y.roomUid)).toBe(false);
      }
    }
  });
});
