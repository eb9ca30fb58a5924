import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mutationResult } from '../shared/sync/cloud-api';
import { cloudClient, replay } from './cloud-client';
import {
  DESK_TOKEN,
  MONDAY_10,
  appointment,
  only,
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

/** The reference server's push: idempotent replays, versions, overlaps refused, validation, and the same under concurrency. */

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

describe('push', () => {
  it('applies a mutation, and a replay gets the same answer and changes nothing, in any batch', async () => {
    const mutation = upsert('appointment', randomUUID(), appointment(clinic));
    const first = only((await cloud.desk.push('desk-1', [mutation])).results);
    expect(first).toEqual({ mutationId: mutation.mutationId, status: 'applied', version: 1 });
    const seq = await cloud.server.lastSeq();

    expect(only((await cloud.desk.push('desk-1', [mutation])).results)).toEqual(first);
    // The same mutation retried inside another batch, after a new one.
    const other = upsert('patient', randomUUID(), patient('João Sousa'));
    const { results } = await cloud.desk.push('desk-1', [other, mutation]);
    expect(results[0]).toMatchObject({ status: 'applied', version: 1 });
    expect(results[1]).toEqual(first);
    expect(await cloud.server.lastSeq()).toBe(seq + 1);

    const { changes } = await cloud.desk.pullAll();
    expect(changes.filter((change) => change.uid === mutation.uid)).toHaveLength(1);
  });

  it('a replay with the key order changed is the same change; a reused id with other content is refused and writes nothing', async () => {
    const uid = randomUUID();
    const mutation = upsert('patient', uid, patient());
    await cloud.desk.push('desk-1', [mutation]);
    const reordered = { ...mutation, data: Object.fromEntries(Object.entries(mutation.data!).reverse()) };
    expect(only((await cloud.desk.push('desk-1', [reordered])).results)).toMatchObject({ status: 'applied', version: 1 });

    const seq = await cloud.server.lastSeq();
    const reused = { ...mutation, data: { ...mutation.data, fullName: 'Someone Else' } };
    expect(only((await cloud.desk.push('desk-1', [reused])).results)).toMatchObject({ status: 'rejected', reason: 'INVALID' });
    expect(await cloud.server.lastSeq()).toBe(seq);
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
    const chained = await cloud.desk.push('desk-1', [
      upsert('patient', uid, { ...patient(), phone: '3' }, 2),
      upsert('patient', uid, { ...patient(), phone: '4' }, 3),
    ]);
    expect(chained.results.map((r) => r.status === 'applied' && r.version)).toEqual([3, 4]);
    // A conflict is recorded: its replay is the same conflict even though the row moved on.
    expect(only((await cloud.desk.push('desk-2', [stale])).results)).toEqual(result);
  });

  it('refuses an overlap for the same practitioner, naming the appointment it clashes with', async () => {
    const first = upsert('appointment', randomUUID(), appointment(clinic));
    await cloud.desk.push('desk-1', [first]);
    const online = upsert(
      'appointment',
      randomUUID(),
      appointment(clinic, { roomUid: null, startsAt: MONDAY_10 + 10 * MINUTE_MS, endsAt: MONDAY_10 + 30 * MINUTE_MS, origin: 'online' }),
    );
    const result = only((await cloud.desk.push('desk-2', [online])).results);
    expect(result).toEqual({
      mutationId: online.mutationId,
      status: 'conflict',
      current: null,
      clash: { kind: 'practitioner', uid: first.uid, startsAt: MONDAY_10, endsAt: MONDAY_10 + HOUR_MS / 3, origin: 'desk-1' },
    });
    // Touching is not overlapping.
    const next = upsert('appointment', randomUUID(), appointment(clinic, { startsAt: MONDAY_10 + HOUR_MS / 3, endsAt: MONDAY_10 + (2 * HOUR_MS) / 3 }));
    expect(only((await cloud.desk.push('desk-2', [next])).results)).toMatchObject({ status: 'applied' });
    expect(await cloud.server.overlaps()).toEqual([]);
  });

  it('refuses an overlap in the same room with another practitioner', async () => {
    const first = upsert('appointment', randomUUID(), appointment(clinic));
    await cloud.desk.push('desk-1', [first]);
    const sameRoom = upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: clinic.practitionerUids[1] }));
    expect(only((await cloud.desk.push('desk-2', [sameRoom])).results)).toMatchObject({ status: 'conflict', clash: { kind: 'room', uid: first.uid } });
    const otherRoom = upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: clinic.practitionerUids[1], roomUid: clinic.roomUids[1] }));
    expect(only((await cloud.desk.push('desk-2', [otherRoom])).results)).toMatchObject({ status: 'applied' });
  });

  it('names the practitioner when both the practitioner and the room clash, and where the booking in the way came from', async () => {
    const online = upsert('appointment', randomUUID(), appointment(clinic, { origin: 'online' }));
    await cloud.desk.push('portal', [online]);
    const both = upsert('appointment', randomUUID(), appointment(clinic, { origin: 'desk-2' }));
    expect(only((await cloud.desk.push('desk-2', [both])).results)).toMatchObject({
      status: 'conflict',
      clash: { kind: 'practitioner', uid: online.uid, origin: 'online' },
    });
    const sameRoom = upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: clinic.practitionerUids[1], origin: 'desk-2' }));
    expect(only((await cloud.desk.push('desk-2', [sameRoom])).results)).toMatchObject({ clash: { kind: 'room', uid: online.uid, origin: 'online' } });
  });

  it('a cancelled appointment holds no slot, and cannot be revived over one that took it', async () => {
    const uid = randomUUID();
    await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic))]);
    const cancelled = only(
      (await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic, { status: 'cancelled', cancelReason: 'ill' }), 1)])).results,
    );
    expect(cancelled).toMatchObject({ status: 'applied', version: 2 });
    const taken = upsert('appointment', randomUUID(), appointment(clinic, { origin: 'online' }));
    expect(only((await cloud.desk.push('desk-2', [taken])).results)).toMatchObject({ status: 'applied' });

    const revive = only((await cloud.desk.push('desk-1', [upsert('appointment', uid, appointment(clinic), 2)])).results);
    expect(revive).toMatchObject({ status: 'conflict', current: { uid, version: 2, data: { status: 'cancelled' } }, clash: { uid: taken.uid } });
    // Moving one's own appointment over its old time is no clash with itself.
    const move = only(
      (
        await cloud.desk.push('desk-2', [
          upsert('appointment', taken.uid, appointment(clinic, { startsAt: MONDAY_10 + 5 * MINUTE_MS, endsAt: MONDAY_10 + 25 * MINUTE_MS }), 1),
        ])
      ).results,
    );
    expect(move).toMatchObject({ status: 'applied', version: 2 });
    expect(await cloud.server.overlaps()).toEqual([]);
  });

  it('rejects invalid data and missing references, and the refusal of a reference is kept for replays', async () => {
    const seq = await cloud.server.lastSeq();
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
    expect(await cloud.server.lastSeq()).toBe(seq);

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

describe('concurrency', () => {
  it('the same mutation sent many times at once is applied once, and every copy gets the same answer', async () => {
    const mutation = upsert('appointment', randomUUID(), appointment(clinic));
    const seq = await cloud.server.lastSeq();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => cloudClient(cloud.server.url, DESK_TOKEN).push(`desk-${i % 2}`, [mutation])));
    for (const answer of answers) expect(only(answer.results)).toEqual({ mutationId: mutation.mutationId, status: 'applied', version: 1 });
    expect(await cloud.server.lastSeq()).toBe(seq + 1);
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
    expect(await cloud.server.overlaps()).toEqual([]);

    const live = [...replay((await cloud.desk.pullAll()).changes).values()].filter((c) => c.entity === 'appointment');
    expect(live.map((c) => c.uid).sort()).toEqual([...applied].sort());
    for (const a of live) {
      for (const b of live) {
        if (a.uid >= b.uid) continue;
        const [x, y] = [
          a.data as { startsAt: number; endsAt: number; practitionerUid: string; roomUid: string },
          b.data as { startsAt: number; endsAt: number; practitionerUid: string; roomUid: string },
        ];
        const overlapping = x.startsAt < y.endsAt && y.startsAt < x.endsAt;
        expect(overlapping && (x.practitionerUid === y.practitionerUid || x.roomUid === y.roomUid)).toBe(false);
      }
    }
  });
});
