import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 0);
});

afterEach(async () => {
  await t.close();
});

const sql = () => t.desk.database.sqlite;

async function twoRecords() {
  const survivor = await t.ok(t.reception, 'patients.create', {
    fields: { fullName: 'Maria Conceição Antunes', dateOfBirth: '1958-02-14', phone: '936 123 987' },
  });
  const duplicate = await t.ok(t.reception, 'patients.create', {
    fields: { fullName: 'Maria da Conceicao Antunes', dateOfBirth: '1958-02-14', taxId: '123456789', email: 'mca@example.pt', sex: 'female' },
    confirmedNotDuplicate: true,
  });
  return { survivor, duplicate };
}

function book(patientId: number, local: string, practitionerId = p.ana) {
  return t.ok(t.reception, 'appointments.book', { patientId, specialtyId: p.general, practitionerId, startsAt: t.at(local) });
}

function enrol(patientId: number, key: string, state: 'enrolled' | 'withdrawing' = 'enrolled') {
  sql()
    .prepare(
      `INSERT INTO face_enrolments (patient_id, opaque_key, state, region, collection_id, bucket, user_id, enrolled_at) VALUES (?, ?, ?, 'eu-west-1', 'c', 'b', ?, 0)`,
    )
    .run(patientId, key, state, key);
  sql().prepare(`INSERT INTO face_photos (patient_id, position, face_id, s3_key) VALUES (?, 0, 'f-${key}', 's3-${key}')`).run(patientId);
  sql().prepare(`INSERT INTO face_consents (patient_id, version, locale, agreed_at) VALUES (?, '1', 'pt', 0)`).run(patientId);
}

describe('patients.merge', () => {
  it('moves the appointments, fills the empty fields, keeps the duplicate marked merged and out of search, and audits', async () => {
    const { survivor, duplicate } = await twoRecords();
    const past = await book(duplicate.id, '2026-06-15T09:00');
    const ahead = await book(duplicate.id, '2026-06-16T10:00', p.bruno);
    await book(survivor.id, '2026-06-15T11:00');

    const preview = await t.ok(t.reception, 'patients.mergePreview', { survivorId: survivor.id, duplicateId: duplicate.id });
    expect(preview).toEqual({ appointments: 2, consents: 0, faceEnrolment: 'none', filledFields: ['sex', 'email', 'taxId'] });

    t.events.length = 0;
    const merged = await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id });
    expect(merged.outcome).toEqual(preview);
    expect(merged.patient).toMatchObject({ id: survivor.id, phone: '+351936123987', email: 'mca@example.pt', taxId: '123456789', sex: 'female' });

    const appointments = await t.ok(t.reception, 'appointments.listForPatient', { patientId: survivor.id });
    expect(appointments.map((appointment) => appointment.id).sort()).toEqual(expect.arrayContaining([past.id, ahead.id]));
    expect(appointments).toHaveLength(3);
    expect(await t.ok(t.reception, 'appointments.listForPatient', { patientId: duplicate.id })).toEqual([]);

    expect(await t.ok(t.reception, 'patients.get', { id: duplicate.id })).toMatchObject({ mergedIntoId: survivor.id, fullName: duplicate.fullName });
    for (const query of ['conceicao', 'maria da conceicao', 'mca@example', '123456789']) {
      const { results } = await t.ok(t.reception, 'patients.search', { query });
      expect(
        results.map((result) => result.id),
        query,
      ).not.toContain(duplicate.id);
    }
    expect((await t.ok(t.reception, 'patients.search', { query: past.code })).results[0]?.id).toBe(survivor.id);
    // A merged record is no longer offered as a possible duplicate.
    const { matches } = await t.ok(t.reception, 'patients.findDuplicates', { fullName: duplicate.fullName, dateOfBirth: '1958-02-14', taxId: '123456789' });
    expect(matches.map((match) => match.id)).toEqual([survivor.id]);

    const audit = sql().prepare(`SELECT entity_id, detail FROM audit_log WHERE action = 'patients.merge'`).all() as Array<{
      entity_id: number;
      detail: string;
    }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.entity_id).toBe(survivor.id);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ duplicateId: duplicate.id, appointments: 2 });
    expect(t.events).toContainEqual({ event: 'patients.changed', payload: { patientIds: [survivor.id, duplicate.id] } });
  });

  it('refuses to merge a record with itself or one already merged, and writes nothing', async () => {
    const { survivor, duplicate } = await twoRecords();
    expect(await t.fail(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: survivor.id })).toMatchObject({
      code: 'MERGE_REFUSED',
      details: { reason: 'same_patient' },
    });
    expect((await t.fail(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: 9999 })).code).toBe('NOT_FOUND');
    await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id });
    const audit = t.count('audit_log');
    expect(await t.fail(t.reception, 'patients.merge', { survivorId: duplicate.id, duplicateId: survivor.id })).toMatchObject({
      code: 'MERGE_REFUSED',
      details: { reason: 'already_merged' },
    });
    expect(t.count('audit_log')).toBe(audit);
    const doctor = await t.doctor(null);
    expect((await t.fail(doctor, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id })).code).toBe('FORBIDDEN');
  });

  it('is all or nothing: a merge that fails at its last step leaves every appointment where it was', async () => {
    const { survivor, duplicate } = await twoRecords();
    const appointment = await book(duplicate.id, '2026-06-15T09:00');
    enrol(duplicate.id, 'key-of-the-duplicate-0001');
    // Stands in for anything failing once the appointments, consents and face enrolment have moved.
    sql().exec(`CREATE TRIGGER fail_merge BEFORE UPDATE OF merged_into_id ON patients BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect((await t.fail(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id })).code).toBe('INTERNAL');
    sql().exec('DROP TRIGGER fail_merge');
    expect(sql().prepare('SELECT patient_id FROM appointments WHERE id = ?').pluck().get(appointment.id)).toBe(duplicate.id);
    expect(sql().prepare('SELECT patient_id FROM face_enrolments').pluck().all()).toEqual([duplicate.id]);
    expect(sql().prepare('SELECT patient_id FROM face_consents').pluck().all()).toEqual([duplicate.id]);
    expect(await t.ok(t.reception, 'patients.get', { id: survivor.id })).toMatchObject({ email: '', mergedIntoId: null });
    expect(sql().prepare(`SELECT count(*) FROM audit_log WHERE action = 'patients.merge'`).pluck().get()).toBe(0);
  });

  it('moves the face enrolment and consents when only the duplicate has one', async () => {
    const { survivor, duplicate } = await twoRecords();
    enrol(duplicate.id, 'key-of-the-duplicate-0001');
    const merged = await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id });
    expect(merged.outcome).toMatchObject({ faceEnrolment: 'moved', consents: 1 });
    expect(sql().prepare(`SELECT patient_id, state FROM face_enrolments`).all()).toEqual([{ patient_id: survivor.id, state: 'enrolled' }]);
    expect(sql().prepare(`SELECT patient_id FROM face_photos`).pluck().all()).toEqual([survivor.id]);
    expect(sql().prepare(`SELECT patient_id, withdrawn_at FROM face_consents`).all()).toEqual([{ patient_id: survivor.id, withdrawn_at: null }]);
    expect(sql().pragma('foreign_key_check')).toEqual([]);
  });

  it('keeps one face enrolment: when both have one, the duplicate’s is withdrawn', async () => {
    const { survivor, duplicate } = await twoRecords();
    enrol(survivor.id, 'key-of-the-survivor-00001');
    enrol(duplicate.id, 'key-of-the-duplicate-0001');
    const merged = await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id });
    expect(merged.outcome).toMatchObject({ faceEnrolment: 'withdrawn', consents: 1 });
    expect(sql().prepare(`SELECT patient_id, state, withdrawal_started_at IS NOT NULL AS started FROM face_enrolments ORDER BY patient_id`).all()).toEqual([
      { patient_id: survivor.id, state: 'enrolled', started: 0 },
      { patient_id: duplicate.id, state: 'withdrawing', started: 1 },
    ]);
    // The duplicate's consent is withdrawn and kept in the survivor's history; the survivor's own stands.
    expect(sql().prepare(`SELECT withdrawn_at IS NOT NULL AS withdrawn FROM face_consents WHERE patient_id = ? ORDER BY id`).pluck().all(survivor.id)).toEqual([
      0, 1,
    ]);
  });

  it('pushes the merge and the moved appointments like any other change', async () => {
    const { survivor, duplicate } = await twoRecords();
    const appointment = await book(duplicate.id, '2026-06-15T09:00');
    sql().prepare('UPDATE sync_state SET tracking = 1').run();
    await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: duplicate.id });
    const uid = (table: string, id: number) => sql().prepare(`SELECT uid FROM ${table} WHERE id = ?`).pluck().get(id) as string;
    const outbox = (sql().prepare(`SELECT entity, uid, data FROM sync_outbox ORDER BY seq`).all() as Array<{ entity: string; uid: string; data: string }>).map(
      (entry) => ({ ...entry, data: JSON.parse(entry.data) as Record<string, unknown> }),
    );
    expect(outbox).toContainEqual({
      entity: 'appointment',
      uid: uid('appointments', appointment.id),
      data: expect.objectContaining({ patientUid: uid('patients', survivor.id) }),
    });
    expect(outbox).toContainEqual({
      entity: 'patient',
      uid: uid('patients', duplicate.id),
      data: expect.objectContaining({ mergedIntoUid: uid('patients', survivor.id) }),
    });
    expect(outbox).toContainEqual({
      entity: 'patient',
      uid: uid('patients', survivor.id),
      data: expect.objectContaining({ taxId: '123456789', taxCountry: 'PT', mergedIntoUid: null }),
    });
  });
});
