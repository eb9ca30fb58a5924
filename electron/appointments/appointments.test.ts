import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slotTakenDetails, type Appointment } from '../../shared/appointments/appointments.contract';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { findPractitioner } from '../practice/practice.repository';
import { writeOrSlotTaken } from './appointments-placement';
import { insertAppointment } from './appointments.repository';
import { AppError } from '../../shared/contract/errors';
import { HOUR_MS, MINUTE_MS } from '../../shared/time/units';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: everyone works 09:00–13:00 and 14:00–18:00.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t);
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

function book(
  overrides: { patientId?: number; specialtyId?: number; practitionerId?: number; startsAt?: number; roomId?: number | null; notes?: string } = {},
) {
  return {
    patientId: p.patients[0]!,
    specialtyId: p.general,
    practitionerId: p.ana,
    startsAt: t.at('2026-06-15T10:00'),
    ...overrides,
  };
}

function auditActions(): string[] {
  return (t.desk.database.sqlite.prepare(`SELECT action FROM audit_log ORDER BY id`).all() as Array<{ action: string }>).map((r) => r.action);
}

describe('appointments.book', () => {
  it('books with the specialty duration and price and the practitioner default room, audits and emits', async () => {
    const appointment = await t.ok(t.reception, 'appointments.book', book({ notes: 'First visit' }));
    expect(appointment).toEqual({
      id: appointment.id,
      patientId: p.patients[0],
      practitionerId: p.ana,
      roomId: p.room1,
      specialtyId: p.general,
      startsAt: t.at('2026-06-15T10:00'),
      endsAt: t.at('2026-06-15T10:30'),
      status: 'booked',
      statusChangedAt: t.now,
      isWalkIn: false,
      cancelReason: '',
      notes: 'First visit',
      priceCents: 4000,
      code: expect.stringMatching(/^[A-HJKMNP-Z2-9]{6}$/),
      seriesId: null,
      seriesIndex: null,
    });
    expect(t.events).toEqual([{ event: 'appointments.changed', payload: { appointmentIds: [appointment.id], days: ['2026-06-15'] } }]);
    expect(auditActions().at(-1)).toBe('appointments.book');
    expect(await t.ok(t.reception, 'appointments.get', { id: appointment.id })).toEqual(appointment);
  });

  it('takes the room given, or none', async () => {
    expect((await t.ok(t.reception, 'appointments.book', book({ roomId: p.room2 }))).roomId).toBe(p.room2);
    expect((await t.ok(t.reception, 'appointments.book', book({ practitionerId: p.bruno, roomId: null, patientId: p.patients[1]! }))).roomId).toBe(null);
  });

  it('refuses what it cannot book, and writes nothing', async () => {
    const before = { appointments: t.count('appointments'), audit: t.count('audit_log') };
    await t.ok(t.admin, 'practitioners.save', { id: p.carla, fullName: 'Carla Costa', specialtyIds: [p.general], defaultRoomId: null, isActive: false });
    const inactiveRoom = await t.ok(t.admin, 'rooms.save', { name: 'Closed', isActive: false });
    const afterSetup = t.count('audit_log');
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.bruno, startsAt: t.at('2026-06-15T09:00'), endsAt: t.at('2026-06-15T12:00') });
    const afterTimeOff = t.count('audit_log');

    const cases: Array<[string, ReturnType<typeof book>]> = [
      ['NOT_FOUND', book({ patientId: 999 })],
      ['NOT_FOUND', book({ specialtyId: 999 })],
      ['NOT_FOUND', book({ practitionerId: 999 })],
      ['NOT_FOUND', book({ roomId: 999 })],
      ['VALIDATION', book({ roomId: inactiveRoom.id })],
      ['VALIDATION', book({ practitionerId: p.carla })],
      ['VALIDATION', book({ specialtyId: p.dentistry })],
      ['IN_THE_PAST', book({ startsAt: t.at('2026-06-15T07:45') })],
      ['OUTSIDE_WORKING_HOURS', book({ startsAt: t.at('2026-06-15T12:45') })],
      ['OUTSIDE_WORKING_HOURS', book({ startsAt: t.at('2026-06-15T18:00') })],
      ['OUTSIDE_WORKING_HOURS', book({ startsAt: t.at('2026-06-20T10:00') })],
      ['OUTSIDE_WORKING_HOURS', book({ practitionerId: p.bruno, startsAt: t.at('2026-06-15T11:45') })],
    ];
    for (const [code, input] of cases) {
      const error = await t.fail(t.reception, 'appointments.book', input);
      expect([code, error.code, error.message]).toEqual([code, code, error.message]);
    }
    expect(t.count('appointments')).toBe(before.appointments);
    expect(t.count('audit_log')).toBe(afterTimeOff);
    expect(afterSetup).toBeGreaterThan(before.audit);
    expect(t.events.filter((e) => e.event === 'appointments.changed')).toEqual([]);
  });

  it('is refused for doctors', async () => {
    const doctor = await t.doctor(p.ana);
    expect((await t.fail(doctor, 'appointments.book', book())).code).toBe('FORBIDDEN');
  });
});

describe('SLOT_TAKEN', () => {
  it('names the clashing appointment and offers the next free slots of that practitioner', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book());
    const error = await t.fail(t.reception, 'appointments.book', book({ patientId: p.patients[1]!, startsAt: t.at('2026-06-15T10:15') }));
    expect(error.code).toBe('SLOT_TAKEN');
    const details = slotTakenDetails.parse(error.details);
    expect(details.clash).toEqual({ kind: 'practitioner', appointmentId: first.id, startsAt: first.startsAt, endsAt: first.endsAt });
    expect(details.nextFree).toHaveLength(5);
    expect(details.nextFree[0]).toEqual({ practitionerId: p.ana, roomId: p.room1, startsAt: t.at('2026-06-15T09:00'), endsAt: t.at('2026-06-15T09:30') });
    expect(details.nextFree.map((slot) => slot.startsAt)).not.toContain(t.at('2026-06-15T10:00'));
    // The alternatives really are bookable.
    const alternative = details.nextFree[4]!;
    await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]!, startsAt: alternative.startsAt }));
    expect(t.count('appointments')).toBe(2);
  });

  it('reports a room clash with another practitioner', async () => {
    const bruno = await t.ok(t.reception, 'appointments.book', book({ practitionerId: p.bruno, startsAt: t.at('2026-06-15T11:00') }));
    const error = await t.fail(
      t.reception,
      'appointments.book',
      book({ practitionerId: p.carla, roomId: p.room2, startsAt: t.at('2026-06-15T11:15'), patientId: p.patients[1]! }),
    );
    expect(error.code).toBe('SLOT_TAKEN');
    const details = slotTakenDetails.parse(error.details);
    expect(details.clash).toMatchObject({ kind: 'room', appointmentId: bruno.id });
    expect(details.nextFree.every((slot) => slot.practitionerId === p.carla)).toBe(true);
  });

  it('a cancelled or no-show appointment frees its slot', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book());
    await t.ok(t.reception, 'appointments.cancel', { id: first.id, reason: 'Ill' });
    const second = await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]! }));
    await t.ok(t.reception, 'appointments.markNoShow', { id: second.id });
    await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[2]! }));
    expect(t.count('appointments')).toBe(3);
  });

  it('the database itself refuses an overlapping row, for the practitioner and for the room', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book());
    const insert = t.desk.database.sqlite.prepare(`
      INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)`);
    expect(() => insert.run(p.patients[1], p.ana, null, p.general, first.startsAt + MINUTE_MS, first.endsAt + MINUTE_MS)).toThrow('SLOT_TAKEN:practitioner');
    expect(() => insert.run(p.patients[1], p.carla, p.room1, p.general, first.startsAt - MINUTE_MS, first.startsAt + MINUTE_MS)).toThrow('SLOT_TAKEN:room');
    // Touching is not overlapping.
    insert.run(p.patients[1], p.ana, p.room1, p.general, first.endsAt, first.endsAt + 30 * MINUTE_MS);
    expect(t.count('appointments')).toBe(2);
  });

  it('turns the trigger refusal into SLOT_TAKEN with details even when no pre-check ran', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book());
    const { db } = t.desk.database;
    const practitioner = (await findPractitioner(db, p.carla))!;
    const placement = { practitioner, specialtyId: p.general, roomId: p.room1, startsAt: first.startsAt, endsAt: first.endsAt };
    const env = { timeZone: t.timeZone, slotStepMinutes: 15, now: t.now };
    const error = await writeOrSlotTaken(db, env, placement, () =>
      insertAppointment(db, {
        patient_id: p.patients[1]!,
        practitioner_id: p.carla,
        room_id: p.room1,
        specialty_id: p.general,
        starts_at: first.startsAt,
        ends_at: first.endsAt,
        status_changed_at: t.now,
        is_walk_in: 0,
        notes: '',
        price_cents: 0,
        created_by: null,
        created_at: t.now,
        updated_at: t.now,
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SLOT_TAKEN');
    const details = slotTakenDetails.parse((error as AppError).details);
    expect(details.clash).toEqual({ kind: 'room', appointmentId: first.id, startsAt: first.startsAt, endsAt: first.endsAt });
    expect(details.nextFree.length).toBeGreaterThan(0);
  });

  it('many parallel bookings of one slot through one dispatcher: exactly one succeeds', async () => {
    const attempts = 25;
    const results = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        t.desk.dispatch(
          t.reception,
          'appointments.book',
          book({ patientId: p.patients[i % p.patients.length]!, practitionerId: i % 2 ? p.ana : p.carla, roomId: p.room1 }),
        ),
      ),
    );
    const succeeded = results.filter((r) => r.ok);
    expect(succeeded).toHaveLength(1);
    for (const result of results) if (!result.ok) expect(result.error.code).toBe('SLOT_TAKEN');
    const active = t.desk.database.sqlite.prepare(`SELECT count(*) AS n FROM appointments WHERE status = 'booked'`).get() as { n: number };
    expect(active.n).toBe(1);
    expect(t.events).toHaveLength(1);
  });
});

describe('appointments.bookWalkIn', () => {
  it('starts now (next whole minute), with the first free practitioner, marked as a walk-in', async () => {
    // Ana (first by name) is busy now; Bruno is next.
    await t.ok(t.reception, 'appointments.book', book({ startsAt: t.at('2026-06-15T09:45') }));
    t.now = t.at('2026-06-15T10:02') + 25_000;
    const walkIn = await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[1]!, specialtyId: p.general });
    expect(walkIn).toMatchObject({
      practitionerId: p.bruno,
      roomId: p.room2,
      startsAt: t.at('2026-06-15T10:03'),
      endsAt: t.at('2026-06-15T10:33'),
      isWalkIn: true,
      status: 'booked',
      // The practitioner it picked, named.
      practitionerName: 'Bruno Borges',
    });
    expect(auditActions().at(-1)).toBe('appointments.bookWalkIn');
  });

  it('takes the practitioner asked for, and refuses when they are busy or not working', async () => {
    t.now = t.at('2026-06-15T10:00');
    const walkIn = await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[0]!, specialtyId: p.general, practitionerId: p.carla });
    expect(walkIn.practitionerId).toBe(p.carla);

    const busy = await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[1]!, specialtyId: p.general, practitionerId: p.carla });
    expect(busy.code).toBe('SLOT_TAKEN');
    expect(slotTakenDetails.parse(busy.details).clash.appointmentId).toBe(walkIn.id);

    t.now = t.at('2026-06-15T12:45');
    expect((await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[1]!, specialtyId: p.general })).code).toBe('OUTSIDE_WORKING_HOURS');
    expect(t.count('appointments')).toBe(1);
  });

  it('says SLOT_TAKEN when everyone who works now is busy', async () => {
    t.now = t.at('2026-06-15T10:00');
    for (const [i, practitionerId] of [p.ana, p.bruno, p.carla].entries()) {
      await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[i]!, specialtyId: p.general, practitionerId });
    }
    const error = await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[3]!, specialtyId: p.general });
    expect(error.code).toBe('SLOT_TAKEN');
    const details = slotTakenDetails.parse(error.details);
    expect(details.nextFree[0]?.startsAt).toBe(t.at('2026-06-15T10:30'));
  });

  it("offers the next free times of everyone who offers the specialty, from today when today has any, not only the first one's", async () => {
    t.now = t.at('2026-06-15T17:00');
    for (const [i, practitionerId] of [p.ana, p.bruno, p.carla].entries()) {
      await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[i]!, specialtyId: p.general, practitionerId });
    }
    const error = await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[3]!, specialtyId: p.general });
    const details = slotTakenDetails.parse(error.details);
    expect(details.nextFree.map((slot) => slot.startsAt)).toEqual([
      t.at('2026-06-15T17:30'),
      t.at('2026-06-15T17:30'),
      t.at('2026-06-15T17:30'),
      t.at('2026-06-16T09:00'),
      t.at('2026-06-16T09:00'),
    ]);
    expect(details.nextFree.map((slot) => slot.practitionerId)).toEqual([p.ana, p.bruno, p.carla, p.ana, p.bruno]);
  });
});

describe('appointments.reschedule', () => {
  let booked: Appointment;
  beforeEach(async () => {
    booked = await t.ok(t.reception, 'appointments.book', book());
    t.events.length = 0;
  });

  it('moves a booked appointment, keeping its length, and tells both days', async () => {
    t.now += MINUTE_MS;
    const moved = await t.ok(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-16T15:00') });
    expect(moved).toMatchObject({ startsAt: t.at('2026-06-16T15:00'), endsAt: t.at('2026-06-16T15:30'), roomId: p.room1, statusChangedAt: t.now });
    expect(t.events).toEqual([{ event: 'appointments.changed', payload: { appointmentIds: [booked.id], days: ['2026-06-15', '2026-06-16'] } }]);
    expect(auditActions().at(-1)).toBe('appointments.reschedule');
    // The old time is free again.
    await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]! }));
  });

  it('can move to another practitioner, taking their room, and may overlap its own old time', async () => {
    const moved = await t.ok(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T10:15'), practitionerId: p.bruno });
    expect(moved).toMatchObject({ practitionerId: p.bruno, roomId: p.room2 });
    const back = await t.ok(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T10:00'), practitionerId: p.bruno });
    expect(back.startsAt).toBe(t.at('2026-06-15T10:00'));
  });

  it('makes the same checks as booking', async () => {
    const other = await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]!, startsAt: t.at('2026-06-15T11:00') }));
    const taken = await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T11:15') });
    expect(taken.code).toBe('SLOT_TAKEN');
    expect(slotTakenDetails.parse(taken.details).clash.appointmentId).toBe(other.id);
    expect((await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T07:00') })).code).toBe('IN_THE_PAST');
    expect((await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T13:00') })).code).toBe('OUTSIDE_WORKING_HOURS');
    expect((await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T15:00'), practitionerId: 999 })).code).toBe(
      'NOT_FOUND',
    );
    expect((await t.fail(t.reception, 'appointments.reschedule', { id: 999, startsAt: t.at('2026-06-15T15:00') })).code).toBe('NOT_FOUND');
    expect((await t.ok(t.reception, 'appointments.get', { id: booked.id })).startsAt).toBe(booked.startsAt);
  });

  it('only reschedules booked appointments', async () => {
    t.desk.database.sqlite.prepare(`UPDATE appointments SET status = 'checked_in' WHERE id = ?`).run(booked.id);
    const error = await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-15T15:00') });
    expect(error.code).toBe('INVALID_TRANSITION');
  });
});

describe('appointments.cancel and markNoShow', () => {
  it('cancels booked and checked-in appointments with a reason, nothing else', async () => {
    const a = await t.ok(t.reception, 'appointments.book', book());
    t.now += 5 * MINUTE_MS;
    const cancelled = await t.ok(t.reception, 'appointments.cancel', { id: a.id, reason: '  Feeling better ' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Feeling better', statusChangedAt: t.now });
    expect((await t.fail(t.reception, 'appointments.cancel', { id: a.id, reason: 'again' })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'appointments.cancel', { id: a.id, reason: ' ' })).code).toBe('VALIDATION');

    const b = await t.ok(t.reception, 'appointments.book', book());
    t.desk.database.sqlite.prepare(`UPDATE appointments SET status = 'checked_in' WHERE id = ?`).run(b.id);
    expect((await t.ok(t.reception, 'appointments.cancel', { id: b.id, reason: 'Left' })).status).toBe('cancelled');

    const c = await t.ok(t.reception, 'appointments.book', book());
    t.desk.database.sqlite.prepare(`UPDATE appointments SET status = 'in_consultation' WHERE id = ?`).run(c.id);
    expect((await t.fail(t.reception, 'appointments.cancel', { id: c.id, reason: 'Left' })).code).toBe('INVALID_TRANSITION');
    const row = t.desk.database.sqlite.prepare(`SELECT updated_at FROM appointments WHERE id = ?`).get(a.id) as { updated_at: number };
    expect(row.updated_at).toBe(cancelled.statusChangedAt);
  });

  it('marks only booked appointments as no-shows', async () => {
    const a = await t.ok(t.reception, 'appointments.book', book());
    expect((await t.ok(t.reception, 'appointments.markNoShow', { id: a.id })).status).toBe('no_show');
    expect((await t.fail(t.reception, 'appointments.markNoShow', { id: a.id })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'appointments.markNoShow', { id: 999 })).code).toBe('NOT_FOUND');
    expect(auditActions().filter((action) => action === 'appointments.markNoShow')).toHaveLength(1);
  });
});

describe('appointments.listForPatient', () => {
  it('lists a patient’s appointments, newest first', async () => {
    const early = await t.ok(t.reception, 'appointments.book', book());
    const late = await t.ok(t.reception, 'appointments.book', book({ startsAt: t.at('2026-06-17T10:00') }));
    await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]!, startsAt: t.at('2026-06-16T10:00') }));
    const doctor = await t.doctor(p.ana);
    expect((await t.ok(doctor, 'appointments.listForPatient', { patientId: p.patients[0]! })).map((a) => a.id)).toEqual([late.id, early.id]);
    expect((await t.fail(t.reception, 'appointments.listForPatient', { patientId: 999 })).code).toBe('NOT_FOUND');
  });
});

describe('booking across daylight-saving changes', () => {
  it('books the second 01:30 of the Lisbon fall-back night, for exactly the duration', async () => {
    await t.close();
    t = await createTestDesk({ now: '2026-10-20T08:00' });
    p = await seedPractice(t);
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: [{ weekday: 7, start: '00:00', end: '04:00' }] });
    const secondOneThirty = Date.UTC(2026, 9, 25, 1, 30);
    const appointment = await t.ok(t.reception, 'appointments.book', book({ practitionerId: p.carla, startsAt: secondOneThirty }));
    expect(appointment.endsAt - appointment.startsAt).toBe(30 * MINUTE_MS);
    // The first 01:30 (an hour earlier in real time) is still free.
    await t.ok(t.reception, 'appointments.book', book({ patientId: p.patients[1]!, practitionerId: p.carla, startsAt: secondOneThirty - HOUR_MS }));
    // 04:30 on that night is outside 00:00–04:00 on the wall clock.
    expect((await t.fail(t.reception, 'appointments.book', book({ practitionerId: p.carla, startsAt: Date.UTC(2026, 9, 25, 3, 45) }))).code).toBe(
      'OUTSIDE_WORKING_HOURS',
    );
  });
});
