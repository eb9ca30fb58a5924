import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponse } from '../shared/sync/cloud-api';
import { CLOUD_OPENAPI } from './http/openapi-document';
import { SERVER_VERSION } from './server';
import { DESK_TOKEN, PORTAL_TOKEN, expectError, patient, rawRequest, startTestCloud, upsert, type TestCloud } from './test-fixtures';

/** Running and watching the server: health, metrics, logs, limits, CORS, the generated docs, extra routes. */

const clouds: TestCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((cloud) => cloud.close()));
});
async function cloudWith(options: Parameters<typeof startTestCloud>[0] = {}): Promise<TestCloud> {
  const cloud = await startTestCloud(options);
  clouds.push(cloud);
  return cloud;
}

/** The value of a metric line (name with its labels, as exposed), or undefined. */
function metric(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health', () => {
  it('reports the version and the database, and 503 when the database is gone', async () => {
    const cloud = await cloudWith();
    const up = await rawRequest(cloud.server.url, '/v1/health', { token: null });
    expect(up.status).toBe(200);
    expect(up.json()).toEqual({ status: 'ok', version: SERVER_VERSION, database: 'ok' });
    expect(SERVER_VERSION).toMatch(/^\d+\.\d+\.\d+/);

    await cloud.server.db.destroy();
    const down = await rawRequest(cloud.server.url, '/v1/health', { token: null });
    expect(down.status).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', version: SERVER_VERSION, database: 'unreachable' });
  });
});

describe('metrics', () => {
  it('counts requests by route, pushed mutations by answer, pull pages, streams and the pool, per server', async () => {
    const cloud = await cloudWith();
    const other = await cloudWith();
    const uid = randomUUID();
    await cloud.desk.push('desk-1', [upsert('patient', uid, patient()), upsert('patient', uid, patient('Again'))]);
    await cloud.desk.pull(null);
    await rawRequest(cloud.server.url, '/v1/nothing?secret=1');

    const { status, headers, text } = await rawRequest(cloud.server.url, '/metrics', { token: null });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metric(text, 'http_requests_total{route="/v1/push",method="POST",status="200"}')).toBe(1);
    expect(metric(text, 'http_requests_total{route="/v1/changes",method="GET",status="200"}')).toBe(1);
    expect(metric(text, 'http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(metric(text, 'http_request_duration_seconds_count{route="/v1/push",method="POST"}')).toBe(1);
    expect(metric(text, 'cloud_push_mutations_total{status="applied"}')).toBe(1);
    expect(metric(text, 'cloud_push_mutations_total{status="conflict"}')).toBe(1);
    expect(metric(text, 'cloud_pull_pages_total')).toBe(1);
    expect(metric(text, 'cloud_event_streams_open')).toBe(0);
    expect(metric(text, 'cloud_db_pool_connections')).toBeGreaterThan(0);
    expect(metric(text, 'cloud_db_pool_waiting_requests')).toBe(0);
    expect(text).not.toContain('secret');

    const others = await rawRequest(other.server.url, '/metrics', { token: null });
    expect(metric(others.text, 'http_requests_total{route="/v1/push",method="POST",status="200"}')).toBeUndefined();
  });

  it('counts open event streams, which start with retry, the seq and the request id, and get heartbeats', async () => {
    const cloud = await cloudWith({ heartbeatMs: 30 });
    const controller = new AbortController();
    const response = await fetch(`${cloud.server.url}/v1/events`, {
      headers: { Authorization: `Bearer ${DESK_TOKEN}`, 'X-Request-Id': 'stream-1' },
      signal: controller.signal,
    });
    expect(response.headers.get('x-request-id')).toBe('stream-1');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': ping')) text += (await reader.read()).value ?? '';
    expect(text).toMatch(/^retry: 5000\n\nid: \d+\nevent: changes\ndata: \{"seq":\d+\}\n\n/);
    const open = await rawRequest(cloud.server.url, '/metrics', { token: null });
    expect(metric(open.text, 'cloud_event_streams_open')).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => {});
    for (let tries = 0; tries < 100; tries++) {
      if (metric((await rawRequest(cloud.server.url, '/metrics', { token: null })).text, 'cloud_event_streams_open') === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the stream was still counted as open');
  });

  it('asks for the metrics token when one is set', async () => {
    const cloud = await cloudWith({ metricsToken: 'scraper-secret' });
    await expectError(rawRequest(cloud.server.url, '/metrics', { token: null }), 401, 'UNAUTHORIZED');
    await expectError(rawRequest(cloud.server.url, '/metrics', { token: DESK_TOKEN }), 401, 'UNAUTHORIZED');
    expect((await rawRequest(cloud.server.url, '/metrics', { token: 'scraper-secret' })).status).toBe(200);
  });
});

describe('logs', () => {
  it('writes one JSON line per request with its request id, never the token or the query', async () => {
    const lines: string[] = [];
    const cloud = await cloudWith({ logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
    const given = await rawRequest(cloud.server.url, '/v1/changes?cursor=', { headers: { 'X-Request-Id': 'lb-7f3a.1' } });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('lb-7f3a.1');
    const made = await rawRequest(cloud.server.url, '/v1/changes', { headers: { 'X-Request-Id': 'not a sane id!' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    await cloud.desk.push('desk-1', [upsert('patient', randomUUID(), patient('Maria Secret'))]);

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const first = entries.find((entry) => entry.requestId === 'lb-7f3a.1' && entry.msg === 'request');
    expect(first).toMatchObject({ method: 'GET', route: '/v1/changes', status: 200 });
    expect(entries.find((entry) => entry.msg === 'push')).toMatchObject({ principal: 'desk', mutations: 1, applied: 1 });
    const all = lines.join('');
    expect(all).not.toContain(DESK_TOKEN);
    expect(all).not.toContain('Maria');
    expect(all).not.toContain('cursor');
  });
});

describe('limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit of a token, and counts each token apart', async () => {
    const cloud = await cloudWith({ rateLimit: { max: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await rawRequest(cloud.server.url, '/v1/changes')).status).toBe(200);
    const limited = await rawRequest(cloud.server.url, '/v1/changes');
    expect(limited.status).toBe(429);
    expect(errorResponse.parse(limited.json()).error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await rawRequest(cloud.server.url, '/v1/changes', { token: PORTAL_TOKEN })).status).toBe(200);
  });

  it('answers a method a path does not have with 405 and Allow', async () => {
    const cloud = await cloudWith();
    const wrong = await rawRequest(cloud.server.url, '/v1/push');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(errorResponse.parse(wrong.json()).error.code).toBe('INVALID_REQUEST');
  });
});

describe('CORS', () => {
  it('sends no CORS headers unless origins are configured, and then only to them', async () => {
    const closed = await cloudWith();
    const none = await rawRequest(closed.server.url, '/v1/changes', { headers: { Origin: 'https://portal.example' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();

    const open = await cloudWith({ corsOrigins: ['https://portal.example'] });
    const preflight = await rawRequest(open.server.url, '/v1/push', {
      method: 'OPTIONS',
      token: null,
      headers: { Origin: 'https://portal.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const allowed = await rawRequest(open.server.url, '/v1/changes', { token: PORTAL_TOKEN, headers: { Origin: 'https://portal.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    const stranger = await rawRequest(open.server.url, '/v1/changes', { token: PORTAL_TOKEN, headers: { Origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('docs and plugins', () => {
  it('serves the generated document at /openapi.json and the explorer at /docs, and mounts extra routes', async () => {
    const cloud = await cloudWith({
      plugins: [
        async (app, context) => {
          app.get('/v1/admin/clinic', async () => ({ clinicId: context.clinicId }));
        },
      ],
    });
    const served = await rawRequest(cloud.server.url, '/openapi.json', { token: null });
    // A plugin's routes are documented too; the rest is the committed document.
    const document = served.json() as { paths: Record<string, unknown> };
    expect(document.paths['/v1/admin/clinic']).toBeDefined();
    delete document.paths['/v1/admin/clinic'];
    expect(document).toEqual(JSON.parse(readFileSync(CLOUD_OPENAPI, 'utf8')));
    const docs = await fetch(`${cloud.server.url}/docs/`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    expect((await rawRequest(cloud.server.url, '/v1/admin/clinic', { token: null })).json()).toEqual({ clinicId: cloud.server.clinicId });
  });
});

describe('the admin API on the server', () => {
  it('makes a clinic and a desk token that syncs in that clinic only, until revoked', async () => {
    const cloud = await cloudWith({ adminToken: 'admin-secret' });
    const json = { 'Content-Type': 'application/json' };
    const admin = (method: string, path: string, body?: unknown) =>
      rawRequest(cloud.server.url, path, {
        token: 'admin-secret',
        method,
        ...(body === undefined ? {} : { headers: json, body: JSON.stringify(body) }),
      });
    const clinic = { slug: 'porto', name: 'Clínica do Porto', timeZone: 'Europe/Lisbon', languages: ['pt-PT'], currency: 'EUR' };
    expect((await admin('POST', '/v1/admin/clinics', clinic)).status).toBe(201);
    const issued = await admin('POST', '/v1/admin/clinics/porto/tokens', { deskName: 'Porto desk' });
    expect(issued.status).toBe(201);
    const {
      token,
      record: { id },
    } = issued.json() as { token: string; record: { id: string | number } };

    // The default clinic's rows are not the new clinic's.
    await cloud.desk.push('default-desk', [upsert('patient', randomUUID(), patient('Only in the default clinic'))]);
    const porto = await rawRequest(cloud.server.url, '/v1/changes', { token });
    expect(porto.status).toBe(200);
    expect((porto.json() as { changes: unknown[] }).changes).toEqual([]);

    expect((await admin('POST', `/v1/admin/clinics/porto/tokens/${id}/revoke`)).status).toBe(200);
    expect((await rawRequest(cloud.server.url, '/v1/changes', { token })).status).toBe(401);
    // A desk's token is not the admin's.
    expect((await rawRequest(cloud.server.url, '/v1/admin/clinics')).status).toBe(401);
  });

  it('is off without an admin token: 404 everywhere under /v1/admin', async () => {
    const cloud = await cloudWith();
    expect((await rawRequest(cloud.server.url, '/v1/admin/clinics', { token: 'anything' })).status).toBe(404);
  });
});
