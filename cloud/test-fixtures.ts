import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { errorResponse, type EntityData, type Mutation, type MutationResult, type SyncEntity } from '../shared/sync/cloud-api';
import { cloudClient, type CloudClient } from './cloud-client';
import { createTestDatabase, type TestDatabase } from './db/test-database';
import { startLoadBalancer } from './test-load-balancer';
import { startCloudServer, type CloudServer, type CloudServerOptions } from './server';
import { HOUR_MS } from '../shared/time/units';

export const DESK_TOKEN = 'desk-secret';
export const PORTAL_TOKEN = 'portal-secret';

export interface TestCloud {
  server: CloudServer;
  desk: CloudClient;
  portal: CloudClient;
  /** The cloud's own database (fresh for each test cloud; dropped on close). */
  database: TestDatabase;
  databaseUrl: string;
  /** The version the cloud holds of row `uid` (undefined when none). */
  versionOf(uid: string): Promise<number | undefined>;
  /** The row as stored (data as JSON text). */
  rowOf(uid: string): Promise<{ version: number; deleted: boolean; data: string | null } | undefined>;
  /** How many rows (tombstones too) of `entity` the cloud holds. */
  countOf(entity: SyncEntity): Promise<number>;
  /** How many idempotency records say 'applied'. */
  appliedAnswers(): Promise<number>;
  /** The highest version a purged tombstone had. */
  purgedVersion(): Promise<number>;
  close(): Promise<void>;
}

/** Reads about the clinic of the static tokens, for assertions. */
function inspect(server: CloudServer) {
  const clinic = server.clinicId;
  const rowOf = async (uid: string) =>
    (
      await server.query<{ version: number; deleted: boolean; data: string | null }>(
        'SELECT version, deleted, data FROM rows WHERE clinic_id = $1 AND uid = $2',
        [clinic, uid],
      )
    )[0];
  return {
    rowOf,
    versionOf: async (uid: string) => (await rowOf(uid))?.version,
    countOf: async (entity: SyncEntity) =>
      Number((await server.query<{ n: string }>('SELECT count(*) AS n FROM rows WHERE clinic_id = $1 AND entity = $2', [clinic, entity]))[0]!.n),
    appliedAnswers: async () =>
      (await server.query<{ result: string }>('SELECT result FROM mutations WHERE clinic_id = $1', [clinic])).filter(
        (row) => (JSON.parse(row.result) as MutationResult).status === 'applied',
      ).length,
    purgedVersion: async () => (await server.query<{ v: number }>('SELECT purged_version AS v FROM clinics WHERE id = $1', [clinic]))[0]!.v,
  };
}

/** A cloud on a fresh PostgreSQL database (or on `options.databaseUrl`'s, which it then leaves in place). */
export interface TestCloudOptions extends Partial<CloudServerOptions> {
  /**
   * 2: two servers on the database behind a round-robin load balancer (`server` is the first,
   * its `url` the balancer's): every request, an event stream's too, may reach either.
   */
  servers?: 1 | 2;
}

export async function startTestCloud({ servers = 1, ...options }: TestCloudOptions = {}): Promise<TestCloud> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const start = () => startCloudServer({ port: 0, tokens: { desk: [DESK_TOKEN], portal: [PORTAL_TOKEN] }, ...options, databaseUrl });
  const first = await start();
  let server = first;
  if (servers === 2) {
    const second = await start();
    const balancer = await startLoadBalancer([first.url, second.url]);
    server = {
      ...first,
      url: balancer.url,
      port: balancer.port,
      close: async () => {
        await balancer.close();
        await Promise.all([first.close(), second.close()]);
      },
    };
  }
  const cloud: TestCloud = {
    server,
    // Methods on `this`: a test that swaps `server` (a restart) reads the new one.
    versionOf(uid) {
      return inspect(this.server).versionOf(uid);
    },
    rowOf(uid) {
      return inspect(this.server).rowOf(uid);
    },
    countOf(entity) {
      return inspect(this.server).countOf(entity);
    },
    appliedAnswers() {
      return inspect(this.server).appliedAnswers();
    },
    purgedVersion() {
      return inspect(this.server).purgedVersion();
    },
    database: database ?? { url: databaseUrl, copy: () => Promise.reject(new Error('not this cloud’s database')), drop: () => Promise.resolve() },
    databaseUrl,
    desk: cloudClient(server.url, DESK_TOKEN),
    portal: cloudClient(server.url, PORTAL_TOKEN),
    close: async () => {
      await server.close();
      await database?.drop();
    },
  };
  return cloud;
}

/** The one result of a push of one mutation. */
export const only = (results: MutationResult[]) => {
  expect(results).toHaveLength(1);
  return results[0]!;
};

/** Request options, with the bearer token to send: the desk’s unless told, none with null. */
export type RawInit = RequestInit & { token?: string | null };

/** A request to the server at `baseUrl` made by hand, past the client, with its answer's text. */
export async function rawRequest(baseUrl: string, path: string, init: RawInit = {}) {
  const { token = DESK_TOKEN, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${baseUrl}${path}`, { ...rest, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

/** The answer is an error of this status and code. */
export async function expectError(promise: Promise<{ status: number; json: () => unknown }>, status: number, code: string) {
  const response = await promise;
  expect(response.status).toBe(status);
  expect(errorResponse.parse(response.json()).error.code).toBe(code);
}

export function upsert<E extends SyncEntity>(entity: E, uid: string, data: EntityData<E>, baseVersion: number | null = null): Mutation {
  return { mutationId: randomUUID(), entity, uid, op: 'upsert', baseVersion, data: data as Record<string, unknown> };
}

export function remove(entity: SyncEntity, uid: string, baseVersion: number | null): Mutation {
  return { mutationId: randomUUID(), entity, uid, op: 'delete', baseVersion, data: null };
}

export const specialty = (overrides: Partial<EntityData<'specialty'>> = {}): EntityData<'specialty'> => ({
  nameEn: 'General practice',
  namePt: 'Clínica geral',
  durationMinutes: 20,
  priceCents: 4000,
  ticketPrefix: 'G',
  isActive: true,
  ...overrides,
});

export const room = (name = 'Room 1'): EntityData<'room'> => ({ name, isActive: true });

/** Works Monday to Friday, 09:00–13:00 and 14:00–18:00 on the clinic's clock. */
export const practitioner = (
  specialtyUids: string[],
  defaultRoomUid: string | null,
  overrides: Partial<EntityData<'practitioner'>> = {},
): EntityData<'practitioner'> => ({
  fullName: 'Dr. Ana Lopes',
  descriptionEn: '',
  descriptionPt: '',
  defaultRoomUid,
  isActive: true,
  specialtyUids,
  workingHours: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, startMinute: 540, endMinute: 780 },
    { weekday, startMinute: 840, endMinute: 1080 },
  ]),
  timeOff: [],
  ...overrides,
});

export const patient = (fullName = 'Maria Silva'): EntityData<'patient'> => ({
  fullName,
  preferredName: '',
  dateOfBirth: '1980-04-02',
  sex: 'female',
  phone: '+351 912 345 678',
  email: '',
  taxId: '',
  address: '',
  preferredLanguage: 'pt',
  notes: '',
});

export interface Clinic {
  specialtyUid: string;
  roomUids: [string, string];
  practitionerUids: [string, string];
  patientUid: string;
}

/** Two practitioners in two rooms, one specialty, one patient. */
export async function seedClinic(client: CloudClient): Promise<Clinic> {
  const clinic: Clinic = {
    specialtyUid: randomUUID(),
    roomUids: [randomUUID(), randomUUID()],
    practitionerUids: [randomUUID(), randomUUID()],
    patientUid: randomUUID(),
  };
  const { results } = await client.push('seed', [
    upsert('specialty', clinic.specialtyUid, specialty()),
    upsert('room', clinic.roomUids[0], room('Room 1')),
    upsert('room', clinic.roomUids[1], room('Room 2')),
    upsert('practitioner', clinic.practitionerUids[0], practitioner([clinic.specialtyUid], clinic.roomUids[0])),
    upsert('practitioner', clinic.practitionerUids[1], practitioner([clinic.specialtyUid], clinic.roomUids[1], { fullName: 'Dr. Rui Costa' })),
    upsert('patient', clinic.patientUid, patient()),
  ]);
  const refused = results.filter((result) => result.status !== 'applied');
  if (refused.length > 0) throw new Error(`seeding failed: ${JSON.stringify(refused)}`);
  return clinic;
}

/** Monday 2030-01-07 10:00 UTC (= Lisbon time in winter). */
export const MONDAY_10 = Date.UTC(2030, 0, 7, 10);

export function appointment(clinic: Clinic, overrides: Partial<EntityData<'appointment'>> = {}): EntityData<'appointment'> {
  return {
    patientUid: clinic.patientUid,
    practitionerUid: clinic.practitionerUids[0],
    roomUid: clinic.roomUids[0],
    specialtyUid: clinic.specialtyUid,
    startsAt: MONDAY_10,
    endsAt: MONDAY_10 + HOUR_MS / 3,
    status: 'booked',
    cancelReason: '',
    notes: '',
    priceCents: 4000,
    isWalkIn: false,
    origin: 'desk-1',
    ...overrides,
  };
}
