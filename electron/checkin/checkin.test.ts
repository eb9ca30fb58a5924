import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { bookAt, eventsNamed } from '../queue/queue-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: everyone works 09:00–13:00 and 14:00–18:00.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 8);
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

function row(id: number) {
  return t.desk.database.sqlite.prepare(`SELECT status, checked_in_at, ticket, ticket_day FROM appointments WHERE id = ?`).get(id) as {
    status: string;
    checked_in_at: number | null;
    ticket: string | null;
    ticket_day: string | null;
  };
}

function counters() {
  return t.desk.database.sqlite.prepare(`SELECT day, prefix, last FROM ticket_counters ORDER BY day, prefix`).all();
}

describe('checkin.checkIn', () => {
  it("stamps the arrival and issues the next ticket of the specialty's prefix, in sequence", async () => {
    const first = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const second = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    const dental = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[2], practitionerId: p.bruno, specialtyId: p.dentistry });
    t.events.length = 0;
    t.now = t.at('2026-06-15T08:40');

    const result = await t.ok(t.reception, 'checkin.checkIn', { appointmentId: first });
    expect(result).toEqual({
      appointmentId: first,
      ticket: 'G-001',
      roomName: 'Room 1',
      practitionerName: 'Ana Almeida',
      estimatedWaitMinutes: 20,
      // Never before the appointment's own time, however early the patient is.
      expectedStartAt: t.at('2026-06-15T09:00'),
    });
    expect(row(first)).toEqual({ status: 'checked_in', checked_in_at: t.now, ticket: 'G-001', ticket_day: '2026-06-15' });
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: dental })).ticket).toBe('D-001');
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: second })).ticket).toBe('G-002');
    expect(counters()).toEqual([
      { day: '2026-06-15', prefix: 'D', last: 1 },
      { day: '2026-06-15', prefix: 'G', last: 2 },
    ]);

    // Every check-in tells the board, the queues and the waiting-room screen.
    expect(t.events.map((event) => event.event)).toEqual([
      'appointments.changed',
      'queue.changed',
      'display.changed',
      'appointments.changed',
      'queue.changed',
      'display.changed',
      'appointments.changed',
      'queue.changed',
      'display.changed',
    ]);
    expect(eventsNamed(t, 'queue.changed')[0]).toEqual({ practitionerIds: [p.ana], appointmentIds: [first] });
    const lastDisplay = eventsNamed(t, 'display.changed').at(-1) as { waiting: Array<{ ticket: string }> };
    expect(lastDisplay.waiting.map((waiting) => waiting.ticket).sort()).toEqual(['D-001', 'G-001', 'G-002']);

    // The audit log says who and which ticket, and nothing about the patient.
    const audit = t.desk.database.sqlite
      .prepare(`SELECT action, entity_id, detail FROM audit_log WHERE action = 'checkin.checkIn' ORDER BY id`)
      .all() as Array<{ detail: string }>;
    expect(audit).toHaveLength(3);
    expect(JSON.parse(audit[0]!.detail)).toEqual({ ticket: 'G-001', from: 'booked', minutesAfterStart: -20 });
    expect(audit[0]!.detail).not.toContain('Patient');
  });

  it('never hands out a ticket twice in a day, even after a cancellation, and starts again the next day', async () => {
    const a = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const b = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    const tomorrow = await bookAt(t, p, '2026-06-16T09:00', { patientId: p.patients[2] });
    t.now = t.at('2026-06-15T08:50');
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: a })).ticket).toBe('G-001');
    await t.ok(t.reception, 'appointments.cancel', { id: a, reason: 'Felt better' });
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: b })).ticket).toBe('G-002');

    t.now = t.at('2026-06-16T08:55');
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: tomorrow })).ticket).toBe('G-001');
    expect(row(tomorrow).ticket_day).toBe('2026-06-16');
  });

  it('a cancelled check-in leaves the queue and the display at once', async () => {
    const a = await bookAt(t, p, '2026-06-15T09:00');
    t.now = t.at('2026-06-15T08:50');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: a });
    t.events.length = 0;
    await t.ok(t.reception, 'appointments.cancel', { id: a, reason: 'Went home' });
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);
    expect((eventsNamed(t, 'display.changed')[0] as { waiting: unknown[] }).waiting).toEqual([]);
    expect((await t.ok(t.reception, 'queue.list', {})).entries).toEqual([]);
  });

  it('refuses what it cannot check in, and writes nothing', async () => {
    const today = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const tomorrow = await bookAt(t, p, '2026-06-16T09:00', { patientId: p.patients[1] });
    const cancelled = await bookAt(t, p, '2026-06-15T10:00', { patientId: p.patients[2] });
    await t.ok(t.reception, 'appointments.cancel', { id: cancelled, reason: 'Away' });
    t.now = t.at('2026-06-15T08:50');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: today });
    const before = { audit: t.count('audit_log'), counters: counters() };
    t.events.length = 0;

    const again = await t.fail(t.reception, 'checkin.checkIn', { appointmentId: today });
    expect(again).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'checked_in', ticket: 'G-001' } });
    expect(await t.fail(t.reception, 'checkin.checkIn', { appointmentId: tomorrow })).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { day: '2026-06-16' },
    });
    expect(await t.fail(t.reception, 'checkin.checkIn', { appointmentId: cancelled })).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'cancelled' },
    });
    expect((await t.fail(t.reception, 'checkin.checkIn', { appointmentId: 9999 })).code).toBe('NOT_FOUND');
    const doctor = await t.doctor(p.ana);
    expect((await t.fail(doctor, 'checkin.checkIn', { appointmentId: tomorrow })).code).toBe('FORBIDDEN');

    expect(t.count('audit_log')).toBe(before.audit);
    expect(counters()).toEqual(before.counters);
    expect(row(tomorrow)).toEqual({ status: 'booked', checked_in_at: null, ticket: null, ticket_day: null });
    expect(t.events).toEqual([]);
  });

  it('checks in a no-show who turns up after all, as late; unless the freed slot was given away', async () => {
    const late = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const given = await bookAt(t, p, '2026-06-15T10:00', { patientId: p.patients[1], practitionerId: p.bruno, specialtyId: p.dentistry });
    t.now = t.at('2026-06-15T09:30');
    await t.desk.runNoShowSweep();
    expect(row(late).status).toBe('no_show');

    t.now = t.at('2026-06-15T09:40');
    const result = await t.ok(t.reception, 'checkin.checkIn', { appointmentId: late });
    expect(result.ticket).toBe('G-001');
    const [entry] = (await t.ok(t.reception, 'queue.list', { practitionerId: p.ana })).entries;
    expect(entry).toMatchObject({ appointmentId: late, status: 'checked_in', isLate: true, arrivedAt: t.now });

    // Bruno's 10:00–11:00 becomes a no-show at 10:30, a walk-in booked now takes 10:30–11:00, then the patient arrives.
    t.now = t.at('2026-06-15T10:30');
    await t.desk.runNoShowSweep();
    await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.bruno });
    t.now = t.at('2026-06-15T10:35');
    const refused = await t.fail(t.reception, 'checkin.checkIn', { appointmentId: given });
    expect(refused.code).toBe('SLOT_TAKEN');
    expect(row(given)).toMatchObject({ status: 'no_show', ticket: null });
    expect(counters()).toEqual([{ day: '2026-06-15', prefix: 'G', last: 1 }]);
  });
});

describe('checkin.walkIn', () => {
  it('books the walk-in now with the practitioner asked for and checks them in', async () => {
    t.now = t.at('2026-06-15T09:10');
    const result = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[0]!, specialtyId: p.general, practitionerId: p.bruno });
    expect(result).toMatchObject({ ticket: 'G-001', practitionerName: 'Bruno Borges', roomName: 'Room 2', estimatedWaitMinutes: 0, expectedStartAt: t.now });
    const appointment = await t.ok(t.reception, 'appointments.get', { id: result.appointmentId });
    expect(appointment).toMatchObject({ isWalkIn: true, status: 'checked_in', practitionerId: p.bruno, startsAt: t.at('2026-06-15T09:10') });
    const [entry] = (await t.ok(t.reception, 'queue.list', {})).entries;
    expect(entry).toMatchObject({ isWalkIn: true, isLate: false, ticket: 'G-001' });
  });

  it('with no practitioner named, takes one who would see them soonest, nothing booked now first; refused walk-ins write nothing', async () => {
    await bookAt(t, p, '2026-06-15T09:00', { practitionerId: p.ana });
    t.now = t.at('2026-06-15T09:05');
    const result = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[1]!, specialtyId: p.general });
    expect(result.practitionerName).toBe('Bruno Borges');
    const appointments = t.count('appointments');
    expect((await t.fail(t.reception, 'checkin.walkIn', { patientId: 9999, specialtyId: p.general })).code).toBe('NOT_FOUND');
    t.now = t.at('2026-06-15T19:05');
    expect((await t.fail(t.reception, 'checkin.walkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.ana })).code).toBe(
      'OUTSIDE_WORKING_HOURS',
    );
    expect(t.count('appointments')).toBe(appointments);
    expect(counters()).toEqual([{ day: '2026-06-15', prefix: 'G', last: 1 }]);
  });
});
