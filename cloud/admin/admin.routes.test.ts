import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '../../shared/sync/cloud-api';
import { openCloudDb, type CloudDb } from '../db/cloud-db';
import { createTestDatabase, type TestDatabase } from '../db/test-database';
import { startCloudServer, type CloudServer } from '../server';
import { rawRequest } from '../test-fixtures';
import { adminRoutes } from './admin.routes';
import { createClinic } from './clinics.service';

/** The admin API, as a Fastify plugin on a bare instance. */

const ADMIN = 'admin-secret-token';
const NOW = Date.UTC(2030, 0, 7, 9);
const LISBON = { name: 'Clínica de Lisboa', timeZone: 'Europe/Lisbon', languages: ['pt-PT', 'en'], currency: 'EUR' };

let database: TestDatabase;
let db: CloudDb;
let app: FastifyInstance;
let server: CloudServer;
const logged: string[] = [];

async function appWith(adminToken: string | undefined) {
  const instance = Fastify();
  await instance.register(adminRoutes, { db, adminToken, now: () => NOW, log: (line: string) => logged.push(line) });
  await instance.ready();
  return instance;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, body?: unknown, token: string | null = ADMIN) =>
  app.inject({ method, url, payload: body as object, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

const codeOf = (response: { json: () => unknown }) => errorResponse.parse(response.json()).error;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openCloudDb(database.url, 2);
  app = await appWith(ADMIN);
  server = await startCloudServer({ port: 0, databaseUrl: database.url, now: () => NOW });
});
afterAll(async () => {
  await app.close();
  await server.close();
  await db.destroy();
  await database.drop();
});

describe('the admin API', () => {
  it('is off without an admin token: every path is 404, in our error shape', async () => {
    const off = await appWith(undefined);
    for (const url of ['/v1/admin', '/v1/admin/clinics', '/v1/admin/clinics/x/tokens']) {
      const response = await off.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN}` } });
      expect(response.statusCode).toBe(404);
      expect(codeOf(response).code).toBe('INVALID_REQUEST');
    }
    await off.close();
  });

  it('asks for the admin token, before reading the body', async () => {
    for (const token of [null, 'wrong', `${ADMIN}x`, ADMIN.slice(0, -1)]) {
      const response = await call('POST', '/v1/admin/clinics', { nonsense: true }, token);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toContain('Bearer');
      expect(codeOf(response).code).toBe('UNAUTHORIZED');
    }
    // A desk's token is not an admin token.
    const desk = await call('GET', '/v1/admin/clinics', undefined, 'desk-secret');
    expect(desk.statusCode).toBe(401);
  });

  it('creates, shows, changes and lists clinics; refuses a taken slug and bad settings', async () => {
    const made = await call('POST', '/v1/admin/clinics', { slug: 'lisbon', ...LISBON });
    expect(made.statusCode).toBe(201);
    // Online booking as the migration sets it until the admin says otherwise: two hours' notice, 90 days ahead.
    expect(made.json()).toEqual({ slug: 'lisbon', ...LISBON, portalMinNoticeMinutes: 120, portalHorizonDays: 90, createdAt: NOW, updatedAt: null });
    expect(made.headers['cache-control']).toBe('no-store');

    const taken = await call('POST', '/v1/admin/clinics', { slug: 'lisbon', ...LISBON });
    expect(taken.statusCode).toBe(409);
    expect(codeOf(taken)).toEqual({ code: 'INVALID_REQUEST', message: 'A clinic with the slug "lisbon" exists already.' });

    for (const bad of [
      { slug: 'porto', ...LISBON, timeZone: 'Europe/Porto' },
      { slug: 'porto', ...LISBON, languages: [] },
      { slug: 'porto', ...LISBON, currency: 'eur' },
      { slug: 'Porto', ...LISBON },
      { slug: 'porto', ...LISBON, extra: 1 },
    ]) {
      const response = await call('POST', '/v1/admin/clinics', bad);
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
      expect(codeOf(response).code).toBe('INVALID_REQUEST');
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/admin/clinics',
      payload: '{',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    });
    expect(badJson.statusCode).toBe(400);
    expect(codeOf(badJson).code).toBe('INVALID_REQUEST');

    const changed = await call('PATCH', '/v1/admin/clinics/lisbon', { currency: 'USD', languages: ['en'] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ slug: 'lisbon', currency: 'USD', languages: ['en'], timeZone: 'Europe/Lisbon', updatedAt: NOW });
    expect((await call('GET', '/v1/admin/clinics/lisbon')).json()).toMatchObject({ currency: 'USD' });
    expect((await call('PATCH', '/v1/admin/clinics/nowhere', { currency: 'USD' })).statusCode).toBe(404);
    expect((await call('GET', '/v1/admin/clinics/nowhere')).statusCode).toBe(404);

    const listed = (await call('GET', '/v1/admin/clinics')).json() as { clinics: Array<{ slug: string }> };
    expect(listed.clinics.map((clinic) => clinic.slug)).toContain('lisbon');
  });

  it('has the database refuse a time zone it does not know, whatever the caller checked', async () => {
    await expect(createClinic(db, 'mars', { ...LISBON, timeZone: 'Mars/Olympus_Mons' }, NOW)).rejects.toMatchObject({ status: 400 });
  });

  it('issues a token shown once, lists it with no secret, and revokes it: refused by the sync API at once', async () => {
    const issued = await call('POST', '/v1/admin/clinics/lisbon/tokens', { deskName: 'Front desk 2' });
    expect(issued.statusCode).toBe(201);
    const { token, record } = issued.json() as { token: string; record: { id: number; kind: string; hashPrefix: string } };
    expect(record).toMatchObject({ kind: 'desk', source: 'admin', revokedAt: null, lastSeenAt: null });
    expect(logged.join('\n')).toContain(record.hashPrefix);
    expect(logged.join('\n')).not.toContain(token);

    expect((await rawRequest(server.url, '/v1/changes', { token })).status).toBe(200);
    const listed = await call('GET', '/v1/admin/clinics/lisbon/tokens');
    expect(listed.body).not.toContain(token);
    expect((listed.json() as { tokens: unknown[] }).tokens).toEqual([expect.objectContaining({ id: record.id, deskName: 'Front desk 2', lastSeenAt: NOW })]);

    // Another clinic's slug does not reach this clinic's token.
    await call('POST', '/v1/admin/clinics', { slug: 'faro', ...LISBON });
    expect((await call('POST', `/v1/admin/clinics/faro/tokens/${record.id}/revoke`)).statusCode).toBe(404);
    expect((await rawRequest(server.url, '/v1/changes', { token })).status).toBe(200);

    const revoked = await call('POST', `/v1/admin/clinics/lisbon/tokens/${record.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: record.id, revokedAt: NOW });
    expect((await rawRequest(server.url, '/v1/changes', { token })).status).toBe(401);

    const portal = await call('POST', '/v1/admin/clinics/lisbon/tokens', { deskName: 'Portal', kind: 'portal' });
    expect((portal.json() as { record: { kind: string } }).record.kind).toBe('portal');
    expect((await call('POST', '/v1/admin/clinics/lisbon/tokens', { deskName: '' })).statusCode).toBe(400);
    expect((await call('POST', '/v1/admin/clinics/lisbon/tokens/abc/revoke')).statusCode).toBe(400);
  });
});
