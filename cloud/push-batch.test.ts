import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mutation, MutationResult } from '../shared/sync/cloud-api';
import { MINUTE_MS } from '../shared/time/units';
import { openCloudDb, type CloudDb } from './db/cloud-db';
import { applyPush } from './push.service';
import { inClinic } from './db/tenancy.repository';
import { applyBatch, prepareBatch } from './push-batch.service';
import { lockClinic } from './db/cloud.repository';
import {
  appointment,
  MONDAY_10,
  only,
  patient,
  practitioner,
  remove,
  room,
  specialty,
  startTestCloud,
  upsert,
  type Clinic,
  type TestCloud,
} from './test-fixtures';

/**
 * The push decided per batch gives the answers and the state the one-by-one path gives: a
 * mutation sees the effects of the earlier ones of its batch, and a write that trips a
 * constraint midway is done again one mutation at a time.
 */

const NOW = Date.UTC(2030, 0, 1, 12);
const at = (minutes: number) => MONDAY_10 + minutes * MINUTE_MS;

interface Side {
  cloud: TestCloud;
  db: CloudDb;
}
let sides: [Side, Side];

beforeEach(async () => {
  sides = (await Promise.all(
    [0, 1].map(async () => {
      const cloud = await startTestCloud();
      return { cloud, db: await openCloudDb(cloud.databaseUrl, 2) };
    }),
  )) as [Side, Side];
});
afterEach(async () => {
  for (const side of sides) {
    await side.db.destroy();
    await side.cloud.close();
  }
});

const push = (side: Side, mutations: Mutation[], oneByOne = false) =>
  applyPush(side.db, side.cloud.server.clinicId, { clientId: 'desk-1', mutations }, 'desk', NOW, { oneByOne });

/** The batch path alone, with no fallback. */
async function batchOnly(side: Side, mutations: Mutation[]): Promise<MutationResult[]> {
  const clinicId = side.cloud.server.clinicId;
  // A request's transaction: in the clinic (row-level security shows it nothing else).
  return inClinic(side.db, clinicId, async (trx) => {
    const pushed = { prepared: prepareBatch(mutations, 'desk'), principal: 'desk' as const, clientId: 'desk-1', now: NOW };
    return (await applyBatch(trx, clinicId, await lockClinic(trx, clinicId), [pushed])).results[0]!;
  });
}

/** Everything a push leaves in the clinic's tables. */
async function tables(side: Side) {
  const q = (text: string) => side.cloud.server.query(text, [side.cloud.server.clinicId]);
  return {
    rows: await q('SELECT entity, uid, version, deleted, data, seq FROM rows WHERE clinic_id = $1 ORDER BY seq'),
    refs: await q('SELECT from_entity, from_uid, to_entity, to_uid FROM refs WHERE clinic_id = $1 ORDER BY 1, 2, 3, 4'),
    spans: await q('SELECT uid, practitioner_uid, room_uid, starts_at, ends_at, status FROM appointment_spans WHERE clinic_id = $1 ORDER BY uid'),
    records: await q('SELECT mutation_id, fingerprint, result FROM mutations WHERE clinic_id = $1 ORDER BY mutation_id'),
    lastSeq: await q('SELECT last_seq FROM clinics WHERE id = $1'),
  };
}

function seed(): { clinic: Clinic; mutations: Mutation[] } {
  const clinic: Clinic = {
    specialtyUid: randomUUID(),
    roomUids: [randomUUID(), randomUUID()],
    practitionerUids: [randomUUID(), randomUUID()],
    patientUid: randomUUID(),
  };
  return {
    clinic,
    mutations: [
      upsert('specialty', clinic.specialtyUid, specialty()),
      upsert('room', clinic.roomUids[0], room('Room 1')),
      upsert('room', clinic.roomUids[1], room('Room 2')),
      upsert('practitioner', clinic.practitionerUids[0], practitioner([clinic.specialtyUid], clinic.roomUids[0])),
      upsert('practitioner', clinic.practitionerUids[1], practitioner([clinic.specialtyUid], clinic.roomUids[1], { fullName: 'Dr. Rui Costa' })),
      upsert('patient', clinic.patientUid, patient()),
    ],
  };
}

describe('a push decided per batch', () => {
  it('answers and writes as the one-by-one path does, each mutation seeing the earlier ones of its batch', async () => {
    const { clinic, mutations: seeding } = seed();
    const p1 = clinic.practitionerUids[1];
    const [r0, r1] = clinic.roomUids;
    const [a, c, e, d, newPatient, f, g] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const createA = upsert('appointment', a, appointment(clinic, { origin: 'first' }));
    const batch: Mutation[] = [
      createA,
      // The room is A's (made just before, in this batch), then the practitioner.
      upsert('appointment', randomUUID(), appointment(clinic, { practitionerUid: p1, roomUid: r0 })),
      upsert('appointment', c, appointment(clinic, { roomUid: r1 })),
      // A patient made, booked, changed on the version the batch made, the booking deleted, then the patient.
      upsert('patient', newPatient, patient('João Sousa')),
      upsert('appointment', d, appointment(clinic, { patientUid: newPatient, startsAt: at(60), endsAt: at(80) })),
      upsert('patient', newPatient, { ...patient('João Sousa'), phone: '912345678' }, 1),
      remove('patient', newPatient, 2), // still referred to by D: refused
      remove('appointment', d, 1),
      remove('patient', newPatient, 2),
      // A cancelled frees its time for E.
      upsert('appointment', a, appointment(clinic, { origin: 'first', status: 'cancelled' }), 1),
      upsert('appointment', e, appointment(clinic)),
      createA, // the same mutation again: the answer it got
      { ...createA, data: { ...createA.data, notes: 'other' } }, // its id reused: refused
      upsert('patient', clinic.patientUid, patient('Stale'), 5),
      upsert('appointment', randomUUID(), appointment(clinic, { patientUid: randomUUID(), startsAt: at(200), endsAt: at(220) })),
      remove('patient', clinic.patientUid, 1), // E refers to it
      // Two appointments swapping times: written in one pass, the exclusion constraint would see them overlap midway.
      upsert('appointment', f, appointment(clinic, { practitionerUid: p1, roomUid: r1, startsAt: at(300), endsAt: at(320) })),
      upsert('appointment', g, appointment(clinic, { practitionerUid: p1, roomUid: r1, startsAt: at(320), endsAt: at(340) })),
    ];
    const swap: Mutation[] = [
      upsert('appointment', f, appointment(clinic, { practitionerUid: p1, roomUid: r1, startsAt: at(400), endsAt: at(420) }), 1),
      upsert('appointment', g, appointment(clinic, { practitionerUid: p1, roomUid: r1, startsAt: at(300), endsAt: at(320) }), 1),
      upsert('appointment', f, appointment(clinic, { practitionerUid: p1, roomUid: r1, startsAt: at(320), endsAt: at(340) }), 2),
    ];
    // A row that was there before changes its references: the one no longer made goes.
    // And a long appointment is found in the way of one starting ten hours after it.
    const long = randomUUID();
    const moved = [
      upsert('practitioner', clinic.practitionerUids[0], practitioner([clinic.specialtyUid], r1), 1),
      upsert('appointment', long, appointment(clinic, { roomUid: null, startsAt: at(24 * 60), endsAt: at(24 * 60 + 11 * 60) })),
      upsert('appointment', randomUUID(), appointment(clinic, { roomUid: null, startsAt: at(34 * 60), endsAt: at(34 * 60 + 20) })),
    ];
    const answers: MutationResult[][][] = [[], []];
    for (const [i, side] of sides.entries()) {
      for (const mutations of [seeding, batch, swap]) answers[i]!.push((await push(side, mutations, i === 1)).results);
      // Decided as a whole, without the one-by-one path behind it: a clash missed would fail here (23P01).
      answers[i]!.push(i === 1 ? (await push(side, moved, true)).results : await batchOnly(side, moved));
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(await tables(sides[0])).toEqual(await tables(sides[1]));

    const results = answers[0]![1]!;
    const statuses = results.map((result) => (result.status === 'rejected' ? result.reason : result.status));
    expect(statuses).toEqual([
      'applied',
      'conflict',
      'conflict',
      'applied',
      'applied',
      'applied',
      'INVALID',
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
      'INVALID',
      'conflict',
      'MISSING_REFERENCE',
      'INVALID',
      'applied',
      'applied',
    ]);
    expect(results[1]).toMatchObject({ clash: { kind: 'room', uid: a, origin: 'first' } });
    expect(results[2]).toMatchObject({ clash: { kind: 'practitioner', uid: a, origin: 'first' } });
    expect(results[5]).toMatchObject({ version: 2 });
    expect(results[8]).toMatchObject({ version: 3 });
    expect(results[11]).toEqual(results[0]);
    expect(answers[0]![2]!.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(answers[0]![3]).toMatchObject([
      { status: 'applied', version: 2 },
      { status: 'applied' },
      { status: 'conflict', clash: { kind: 'practitioner', uid: long } },
    ]);
    const practitionerRefs = (await tables(sides[0])).refs.filter((ref) => ref.from_uid === clinic.practitionerUids[0]);
    expect(practitionerRefs.map((ref) => ref.to_uid).sort()).toEqual([clinic.specialtyUid, r1].sort());
    expect(await sides[0].cloud.server.overlaps()).toEqual([]);
  });

  it('pushes waiting for the clinic go together, each decided after the ones that came before it', async () => {
    const side = sides[0];
    const { clinic, mutations } = seed();
    await push(side, mutations);

    const holder = new pg.Client({ connectionString: side.cloud.databaseUrl });
    await holder.connect();
    try {
      // Another writer (another server process) holds the clinic: the pushes below wait, the later ones in this process.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM clinics WHERE id = $1 FOR NO KEY UPDATE', [side.cloud.server.clinicId]);
      const first = randomUUID();
      const newPatient = randomUUID();
      const pushes = [
        push(side, [upsert('appointment', first, appointment(clinic, { origin: 'first' }))]),
        push(side, [upsert('appointment', randomUUID(), appointment(clinic, { origin: 'second' }))]),
        push(side, [upsert('patient', newPatient, patient('João Sousa'))]),
        push(side, [upsert('appointment', randomUUID(), appointment(clinic, { patientUid: newPatient, startsAt: at(60), endsAt: at(80) }))]),
        push(side, [upsert('appointment', randomUUID(), appointment(clinic, { patientUid: randomUUID(), startsAt: at(120), endsAt: at(140) }))]),
      ];
      await new Promise((resolve) => setTimeout(resolve, 100));
      await holder.query('COMMIT');
      const outcomes = await Promise.all(pushes);
      const answers = outcomes.map((outcome) => only(outcome.results));
      expect(answers.map((answer) => (answer.status === 'rejected' ? answer.reason : answer.status))).toEqual([
        'applied',
        'conflict',
        'applied',
        'applied',
        'MISSING_REFERENCE',
      ]);
      expect(answers[1]).toMatchObject({ clash: { kind: 'practitioner', uid: first, origin: 'first' } });
      expect(outcomes.map((outcome) => outcome.applied)).toEqual([1, 0, 1, 1, 0]);
      // The last three went in one transaction: they end at the same last seq.
      expect(new Set(outcomes.slice(1).map((outcome) => outcome.lastSeq)).size).toBe(1);
      expect(outcomes[4]!.lastSeq).toBe(await side.cloud.server.lastSeq());
    } finally {
      await holder.end();
    }
  });
});
