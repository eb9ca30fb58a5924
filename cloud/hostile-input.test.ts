import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse, pushResponse, syncEntity } from '../shared/sync/cloud-api';
import { DESK_TOKEN, PORTAL_TOKEN, appointment, patient, seedClinic, startTestCloud, type Clinic, type TestCloud } from './test-fixtures';

let cloud: TestCloud;
let clinic: Clinic;

beforeAll(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterAll(async () => {
  await cloud.close();
});

async function post(body: string | Uint8Array<ArrayBuffer>, token = DESK_TOKEN) {
  const response = await fetch(`${cloud.server.url}/v1/push`, {
    method: 'POST',
    body,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Mutations close enough to valid that they get past the envelope and into the per-entity checks. */
function nearMutation(clinic: Clinic) {
  return fc.record({
    mutationId: fc.constantFrom(randomUUID(), randomUUID()),
    entity: fc.constantFrom(...syncEntity.options),
    uid: fc.constantFrom(randomUUID(), randomUUID(), clinic.patientUid, clinic.practitionerUids[0]),
    op: fc.constantFrom('upsert', 'delete'),
    baseVersion: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 3 })),
    data: fc.oneof(
      fc.constant(null),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })),
      fc.record({ startsAt: fc.integer(), endsAt: fc.integer(), status: fc.string() }).map((overrides) => ({ ...appointment(clinic), ...overrides })),
    ),
  });
}

describe('hostile input', () => {
  it('answers any JSON with 200 or 400 and a body of the contract, and never breaks the overlap rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.record({ clientId: fc.string({ maxLength: 120 }), mutations: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }) }),
          fc.record({ clientId: fc.constant('fuzz'), mutations: fc.array(nearMutation(clinic), { minLength: 1, maxLength: 4 }) }),
        ),
        fc.constantFrom(DESK_TOKEN, PORTAL_TOKEN),
        async (value, token) => {
          const { status, body } = await post(JSON.stringify(value), token);
          expect([200, 400]).toContain(status);
          if (status === 200) pushResponse.parse(body);
          else errorResponse.parse(body);
        },
      ),
      { numRuns: 150 },
    );
    expect(await cloud.server.overlaps()).toEqual([]);
    expect((await cloud.desk.pullAll()).changes.length).toBeGreaterThan(0);
  });

  it('answers random bytes with 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const { status, body } = await post(new Uint8Array(bytes));
        if (status === 200) return; // random bytes that happen to be a valid push: fine
        expect(status).toBe(400);
        errorResponse.parse(body);
      }),
      { numRuns: 100 },
    );
  });
});

describe('text PostgreSQL cannot hold', () => {
  it('answers a NUL character in a row with a rejection, and in a client id by storing a stand-in, never with 500', async () => {
    // A patient refers to nothing: the rows the property test above may have deleted do not matter.
    const mutation = { mutationId: randomUUID(), entity: 'patient', uid: randomUUID(), op: 'upsert', baseVersion: null, data: patient('Maria\u0000 Silva') };
    const answer = await post(JSON.stringify({ clientId: 'desk\u0000', mutations: [mutation] }));
    expect(answer.status).toBe(200);
    expect(pushResponse.parse(answer.body).results[0]).toMatchObject({ status: 'rejected', reason: 'INVALID' });
    const clean = { ...mutation, mutationId: randomUUID(), data: patient('Maria Silva') };
    const applied = await post(JSON.stringify({ clientId: 'desk\u0000', mutations: [clean] }));
    expect(pushResponse.parse(applied.body).results[0]).toMatchObject({ status: 'applied' });
  });
});
