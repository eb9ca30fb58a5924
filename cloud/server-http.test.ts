import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changesEvent, errorResponse } from '../shared/sync/cloud-api';
import {
  DESK_TOKEN,
  MONDAY_10,
  PORTAL_TOKEN,
  appointment,
  expectError,
  only,
  patient,
  practitioner,
  rawRequest,
  remove,
  seedClinic,
  startTestCloud,
  upsert,
  type Clinic,
  type RawInit,
  type TestCloud,
} from './test-fixtures';
import { HOUR_MS } from '../shared/time/units';

/** The reference server's HTTP edge: bearer tokens, the portal's limits, hostile bodies and requests, the event stream. */

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

describe('auth and hostile input', () => {
  it('asks for a valid bearer token', async () => {
    const none = await raw('/v1/changes', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(errorResponse.parse(none.json()).error.code).toBe('UNAUTHORIZED');
    await expectError(raw('/v1/changes', { token: 'desk-secreT' }), 401, 'UNAUTHORIZED');
    await expectError(raw('/v1/push', { token: 'nope', method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 401, 'UNAUTHORIZED');
    await expectError(raw('/v1/changes', { token: null, headers: { Authorization: `Basic ${DESK_TOKEN}` } }), 401, 'UNAUTHORIZED');
    expect((await raw('/v1/health', { token: null })).json()).toMatchObject({ status: 'ok', database: 'ok' });
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
      upsert(
        'appointment',
        randomUUID(),
        appointment(clinic, { patientUid, startsAt: MONDAY_10 + HOUR_MS, endsAt: MONDAY_10 + 2 * HOUR_MS, origin: 'desk-1' }),
      ),
      upsert(
        'appointment',
        randomUUID(),
        appointment(clinic, { patientUid, startsAt: MONDAY_10 + HOUR_MS, endsAt: MONDAY_10 + 2 * HOUR_MS, origin: 'online', status: 'done' }),
      ),
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
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(cloud.server.port, '127.0.0.1', () => socket.write('HELLO /v1/push HTTP/9\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(errorResponse.parse(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).error.code).toBe('INVALID_REQUEST');
    expect((await raw('/v1/health')).status).toBe(200);
  });

  it('answers headers too large with 431 in the error shape', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(cloud.server.port, '127.0.0.1', () => socket.write(`GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(errorResponse.parse(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).error.code).toBe('INVALID_REQUEST');
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
    expect(events[0]).toBe(await cloud.server.lastSeq());
    await cloud.desk.push('desk-1', [upsert('patient', randomUUID(), patient())]);
    await done;
    expect(events[1]).toBe(await cloud.server.lastSeq());
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
