import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { entityData, type SyncEntity } from '../../shared/sync/cloud-api';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { markSent, whileApplying } from './sync.repository';

interface Entry {
  seq: number;
  mutation_id: string;
  entity: SyncEntity;
  uid: string;
  op: string;
  data: string | null;
  attempts: number;
}

describe('the sync outbox (migration 0007 triggers)', () => {
  let t: TestDesk;
  let practice: Practice;
  const outbox = () => t.desk.database.sqlite.prepare('SELECT * FROM sync_outbox ORDER BY seq').all() as Entry[];
  const track = () => t.desk.database.sqlite.prepare('UPDATE sync_state SET tracking = 1').run();

  beforeEach(async () => {
    t = await createTestDesk({ now: '2030-01-07T08:00' });
    practice = await seedPractice(t, 3);
  });
  afterEach(() => t.close());

  it('gives every synced row a UUID v4, unique, whoever inserts it', () => {
    for (const table of ['specialties', 'rooms', 'practitioners', 'patients']) {
      const rows = t.desk.database.sqlite.prepare(`SELECT uid FROM ${table}`).all() as Array<{ uid: string }>;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(rows.map((row) => row.uid)).size).toBe(rows.length);
    }
  });

  it('writes nothing while sync has never been turned on (the demo clinic)', async () => {
    await t.ok(t.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: t.at('2030-01-07T10:00'),
    });
    expect(outbox()).toEqual([]);
  });

  it('records each synced write in its own transaction, with the whole row as the wire format has it', async () => {
    track();
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: t.at('2030-01-07T10:00'),
    });
    await t.ok(t.admin, 'rooms.save', { name: 'Room 9' });
    const entries = outbox();
    expect(entries.map((entry) => [entry.entity, entry.op])).toEqual([
      ['appointment', 'upsert'],
      ['room', 'upsert'],
    ]);
    const [appointment] = entries;
    expect(appointment!.uid).toBe(t.desk.database.sqlite.prepare('SELECT uid FROM appointments WHERE id = ?').pluck().get(booked.id));
    const data = entityData.appointment.parse(JSON.parse(appointment!.data!));
    expect(data).toMatchObject({ startsAt: booked.startsAt, endsAt: booked.endsAt, status: 'booked', isWalkIn: false });
    expect(data.practitionerUid).toBe(t.desk.database.sqlite.prepare('SELECT uid FROM practitioners WHERE id = ?').pluck().get(practice.ana));
    // This desk's id is the origin of what it books.
    expect(data.origin).toBe(t.desk.database.sqlite.prepare('SELECT client_id FROM sync_state').pluck().get());
  });

  it('writes no entry for a failed operation', async () => {
    track();
    const input = { patientId: practice.patients[0]!, specialtyId: practice.general, practitionerId: practice.ana, startsAt: t.at('2030-01-07T10:00') };
    await t.ok(t.reception, 'appointments.book', input);
    const before = outbox().length;
    expect((await t.fail(t.reception, 'appointments.book', { ...input, patientId: practice.patients[1]! })).code).toBe('SLOT_TAKEN');
    // A transaction that wrote and then failed leaves nothing either.
    await expect(
      t.desk.database.db.transaction().execute(async (trx) => {
        await trx.updateTable('patients').set({ phone: '+351 900 000 000' }).where('id', '=', practice.patients[2]!).execute();
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(outbox()).toHaveLength(before);
  });

  it('every entity the triggers write parses with the wire schema', async () => {
    track();
    await t.desk.database.db.transaction().execute(async (trx) => {
      for (const table of ['specialties', 'rooms', 'practitioners', 'patients']) await sql.raw(`UPDATE ${table} SET uid = uid || ''`).execute(trx);
    });
    expect(outbox()).toEqual([]); // the uid is not a synced column
    await t.ok(t.admin, 'practitioners.save', {
      id: practice.bruno,
      fullName: 'Bruno B. Borges',
      specialtyIds: [practice.general, practice.dentistry],
      defaultRoomId: null,
    });
    await t.ok(t.admin, 'timeOff.add', {
      practitionerId: practice.bruno,
      startsAt: t.at('2030-01-09T09:00'),
      endsAt: t.at('2030-01-09T13:00'),
      reason: 'Course',
    });
    await t.ok(t.admin, 'specialties.save', { id: practice.general, nameEn: 'GP', namePt: 'MG', durationMinutes: 30, priceCents: 4500, ticketPrefix: 'G' });
    await t.desk.database.db.updateTable('patients').set({ email: 'x@example.com' }).where('id', '=', practice.patients[0]!).execute();
    const entries = outbox();
    expect(new Set(entries.map((entry) => entry.entity))).toEqual(new Set(['practitioner', 'specialty', 'patient']));
    for (const entry of entries) expect(() => entityData[entry.entity].parse(JSON.parse(entry.data!)), entry.entity).not.toThrow();
    const bruno = entityData.practitioner.parse(JSON.parse(entries.filter((entry) => entry.entity === 'practitioner').at(-1)!.data!));
    expect(bruno).toMatchObject({ fullName: 'Bruno B. Borges', defaultRoomUid: null, timeOff: [{ reason: 'Course' }] });
    expect(bruno.specialtyUids).toHaveLength(2);
    expect(bruno.workingHours.length).toBeGreaterThan(0);
  });

  it('folds changes of one row into its newest entry while unsent, and never touches a sent one', async () => {
    track();
    // Setting hours deletes and inserts many rows: one entry.
    await t.ok(t.admin, 'workingHours.set', { practitionerId: practice.ana, intervals: [{ weekday: 1, start: '09:00', end: '12:00' }] });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: practice.ana, intervals: [{ weekday: 2, start: '09:00', end: '12:00' }] });
    expect(outbox()).toHaveLength(1);
    const [first] = outbox();
    await markSent(t.desk.database.db, [first!.seq], t.now);
    await t.ok(t.admin, 'workingHours.set', { practitionerId: practice.ana, intervals: [{ weekday: 3, start: '09:00', end: '12:00' }] });
    const [sent, next] = outbox();
    expect(sent).toEqual({ ...first, attempts: 1, last_attempt_at: t.now, base_version: null });
    expect(JSON.parse(next!.data!).workingHours).toEqual([{ weekday: 3, startMinute: 540, endMinute: 720 }]);
    // Another row in between: no folding across it (the order of changes is kept).
    await t.ok(t.admin, 'rooms.save', { name: 'Room 7' });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: practice.ana, intervals: [{ weekday: 4, start: '09:00', end: '12:00' }] });
    expect(outbox().map((entry) => entry.entity)).toEqual(['practitioner', 'practitioner', 'room', 'practitioner']);
  });

  it('writes nothing for columns the cloud does not hold, nor for rows the pull applies', async () => {
    track();
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: t.at('2030-01-07T10:00'),
    });
    const count = outbox().length;
    await t.desk.database.db.updateTable('appointments').set({ call_count: 3, called_at: t.now }).where('id', '=', booked.id).execute();
    expect(outbox()).toHaveLength(count);
    await t.desk.database.db.transaction().execute((trx) =>
      whileApplying(trx, async () => {
        await trx.updateTable('appointments').set({ notes: 'from the cloud' }).where('id', '=', booked.id).execute();
        await trx.insertInto('rooms').values({ name: 'Cloud room', uid: '11111111-2222-4333-8444-555555555555' }).execute();
      }),
    );
    expect(outbox()).toHaveLength(count);
    expect(t.desk.database.sqlite.prepare('SELECT applying FROM sync_state').pluck().get()).toBe(0);
  });
});
