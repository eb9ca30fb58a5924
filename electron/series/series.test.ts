import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { MethodInput } from '../../shared/contract/contract';
import { entityData } from '../../shared/sync/cloud-api';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Wednesday 10 March 2027, 08:00 in Lisbon; the clocks go forward on Sunday 28 March.
  t = await createTestDesk({ now: '2027-03-10T08:00' });
  p = await seedPractice(t);
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

const wall = (instant: number) => DateTime.fromMillis(instant, { zone: 'Europe/Lisbon' }).toFormat('ccc yyyy-MM-dd HH:mm');

function rule(overrides: Partial<MethodInput<'series.plan'>> = {}): MethodInput<'series.plan'> {
  return {
    patientId: p.patients[0]!,
    specialtyId: p.general,
    practitionerId: p.ana,
    firstDay: '2027-03-15',
    time: '10:00',
    repeat: { kind: 'weekly', weekdays: [1] },
    count: 4,
    ...overrides,
  };
}

function auditActions(): string[] {
  return (t.desk.database.sqlite.prepare(`SELECT action FROM audit_log ORDER BY id`).all() as Array<{ action: string }>).map((r) => r.action);
}

describe('series.plan', () => {
  it('proposes every session at the same wall-clock time, across the DST change, and writes nothing', async () => {
    const before = t.count('appointments');
    const plan = await t.ok(t.reception, 'series.plan', rule());
    expect(plan.sessions.map((s) => wall(s.startsAt))).toEqual([
      'Mon 2027-03-15 10:00',
      'Mon 2027-03-22 10:00',
      'Mon 2027-03-29 10:00',
      'Mon 2027-04-05 10:00',
    ]);
    expect(plan.sessions.every((s) => s.problem === null && s.alternative === null && s.practitionerId === p.ana && s.roomId === p.room1)).toBe(true);
    expect(plan.sessions.map((s) => s.index)).toEqual([1, 2, 3, 4]);
    expect(t.count('appointments')).toBe(before);
  });

  it('several weekdays a week, and every N days until a day', async () => {
    const weekly = await t.ok(t.reception, 'series.plan', rule({ repeat: { kind: 'weekly', weekdays: [2, 4] }, count: 3 }));
    expect(weekly.sessions.map((s) => wall(s.startsAt))).toEqual(['Tue 2027-03-16 10:00', 'Thu 2027-03-18 10:00', 'Tue 2027-03-23 10:00']);
    const everyTwo = await t.ok(t.reception, 'series.plan', rule({ repeat: { kind: 'everyDays', days: 2 }, count: undefined, until: '2027-03-19' }));
    expect(everyTwo.sessions.map((s) => wall(s.startsAt))).toEqual(['Mon 2027-03-15 10:00', 'Wed 2027-03-17 10:00', 'Fri 2027-03-19 10:00']);
  });

  it('shows each clash with its reason and the nearest free time', async () => {
    // Taken: another patient has Ana at 10:00 on the 22nd.
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-22T10:00'),
    });
    // A holiday on the 29th; Ana away on 5 April.
    await t.ok(t.admin, 'holidays.add', { day: '2027-03-29', nameEn: 'Bridge day', namePt: 'Ponte' });
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2027-04-05T09:00'), endsAt: t.at('2027-04-05T13:00') });
    const plan = await t.ok(t.reception, 'series.plan', rule({ count: 5 }));
    expect(plan.sessions.map((s) => s.problem)).toEqual([null, 'taken', 'clinic_closed', 'time_off', null]);
    const [, taken, closed, away] = plan.sessions;
    // 09:30 and 10:30 are as near: the earlier one.
    expect(wall(taken!.alternative!.startsAt)).toBe('Mon 2027-03-22 09:30');
    expect(closed!.holiday).toEqual({ nameEn: 'Bridge day', namePt: 'Ponte' });
    // The free time nearest to Monday 29th 10:00 on another day: Tuesday's first, 23 hours later.
    expect(wall(closed!.alternative!.startsAt)).toBe('Tue 2027-03-30 09:00');
    expect(wall(away!.alternative!.startsAt)).toBe('Mon 2027-04-05 14:00');
    expect(away!.alternative!.practitionerName).toBe('Ana Almeida');
    // Outside hours (a Saturday), and the patient busy elsewhere.
    const saturday = await t.ok(t.reception, 'series.plan', rule({ repeat: { kind: 'weekly', weekdays: [6] }, count: 1 }));
    expect(saturday.sessions[0]!.problem).toBe('outside_hours');
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.bruno,
      startsAt: t.at('2027-03-15T10:00'),
    });
    const busy = await t.ok(t.reception, 'series.plan', rule({ count: 1 }));
    expect(busy.sessions[0]!.problem).toBe('patient_busy');
    expect(wall(busy.sessions[0]!.alternative!.startsAt)).toBe('Mon 2027-03-15 09:30');
  });

  it('with anyone who offers the specialty, takes whoever is free at that time', async () => {
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-15T10:00'),
    });
    const plan = await t.ok(t.reception, 'series.plan', rule({ practitionerId: null, count: 2 }));
    expect(plan.sessions.map((s) => [s.practitionerName, s.problem])).toEqual([
      ['Bruno Borges', null],
      ['Ana Almeida', null],
    ]);
  });

  it('refuses a rule without an end, or ending before it starts', async () => {
    expect((await t.fail(t.reception, 'series.plan', rule({ count: undefined }))).code).toBe('VALIDATION');
    expect((await t.fail(t.reception, 'series.plan', rule({ until: '2027-03-01' }))).code).toBe('VALIDATION');
    expect((await t.fail(t.reception, 'series.plan', rule({ count: 61 }))).code).toBe('VALIDATION');
  });
});

async function bookPlanned(overrides: Partial<MethodInput<'series.plan'>> = {}) {
  const plan = await t.ok(t.reception, 'series.plan', rule(overrides));
  return t.ok(t.reception, 'series.book', {
    patientId: p.patients[0]!,
    specialtyId: p.general,
    sessions: plan.sessions.map((s) => ({ practitionerId: s.practitionerId, roomId: s.roomId, startsAt: s.startsAt })),
  });
}

describe('series.book', () => {
  it('books every session in one series, numbered in time order, audited and announced', async () => {
    const booked = await bookPlanned();
    expect(booked.appointments).toHaveLength(4);
    expect(new Set(booked.appointments.map((a) => a.seriesId))).toEqual(new Set([booked.seriesId]));
    expect(booked.appointments.map((a) => a.seriesIndex)).toEqual([1, 2, 3, 4]);
    expect(auditActions().at(-1)).toBe('series.book');
    expect(t.events.at(-1)).toEqual({
      event: 'appointments.changed',
      payload: { appointmentIds: booked.appointments.map((a) => a.id), days: ['2027-03-15', '2027-03-22', '2027-03-29', '2027-04-05'] },
    });
  });

  it('is all or nothing: a session taken meanwhile refuses the series, naming it, and writes nothing', async () => {
    const plan = await t.ok(t.reception, 'series.plan', rule());
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-29T10:00'),
    });
    const before = { appointments: t.count('appointments'), audit: t.count('audit_log') };
    const error = await t.fail(t.reception, 'series.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      sessions: plan.sessions.map((s) => ({ practitionerId: s.practitionerId, startsAt: s.startsAt })),
    });
    expect(error.code).toBe('SERIES_SESSION_UNAVAILABLE');
    expect(error.details).toMatchObject({ session: 3, startsAt: t.at('2027-03-29T10:00'), reason: 'SLOT_TAKEN' });
    expect({ appointments: t.count('appointments'), audit: t.count('audit_log') }).toEqual(before);
  });

  it('refuses a session on a holiday or out of hours the same way', async () => {
    await t.ok(t.admin, 'holidays.add', { day: '2027-03-22', nameEn: 'Bridge day', namePt: 'Ponte' });
    const before = t.count('appointments');
    const error = await t.fail(t.reception, 'series.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      sessions: [
        { practitionerId: p.ana, startsAt: t.at('2027-03-15T10:00') },
        { practitionerId: p.ana, startsAt: t.at('2027-03-22T10:00') },
      ],
    });
    expect(error.details).toMatchObject({ session: 2, reason: 'CLINIC_CLOSED', reasonDetails: { namePt: 'Ponte' } });
    expect(t.count('appointments')).toBe(before);
    // Numbered as the desk's planner numbers its rows (a skipped row keeps its number).
    const named = await t.fail(t.reception, 'series.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      sessions: [
        { practitionerId: p.ana, startsAt: t.at('2027-03-15T10:00'), index: 1 },
        { practitionerId: p.ana, startsAt: t.at('2027-03-22T10:00'), index: 3 },
      ],
    });
    expect(named.details).toMatchObject({ session: 3, reason: 'CLINIC_CLOSED' });
  });
});

describe('series.cancelFrom and series.moveFrom', () => {
  it('cancels a session and every later one still booked, keeping the earlier ones', async () => {
    const booked = await bookPlanned();
    const third = booked.appointments[2]!;
    const result = await t.ok(t.reception, 'series.cancelFrom', { appointmentId: third.id, reason: 'Course stopped' });
    expect(result.appointments.map((a) => [a.seriesIndex, a.status])).toEqual([
      [3, 'cancelled'],
      [4, 'cancelled'],
    ]);
    const series = await t.ok(t.reception, 'series.get', { seriesId: booked.seriesId });
    expect(series.sessions.map((a) => a.status)).toEqual(['booked', 'booked', 'cancelled', 'cancelled']);
    expect(series.total).toBe(2);
    expect(auditActions()).toContain('series.cancelFrom');
  });

  it('moves a session and the later ones by the same shift in wall-clock time, across DST', async () => {
    const booked = await bookPlanned();
    const second = booked.appointments[1]!;
    // Monday 22nd 10:00 → Tuesday 23rd 11:00: one day and one hour later, every later session too.
    const result = await t.ok(t.reception, 'series.moveFrom', { appointmentId: second.id, startsAt: t.at('2027-03-23T11:00') });
    expect(result.appointments.map((a) => wall(a.startsAt))).toEqual(['Tue 2027-03-23 11:00', 'Tue 2027-03-30 11:00', 'Tue 2027-04-06 11:00']);
    const series = await t.ok(t.reception, 'series.get', { seriesId: booked.seriesId });
    expect(wall(series.sessions[0]!.startsAt)).toBe('Mon 2027-03-15 10:00');
  });

  it('moves a weekly series a week later onto its own next sessions’ times', async () => {
    const booked = await bookPlanned();
    const result = await t.ok(t.reception, 'series.moveFrom', { appointmentId: booked.appointments[0]!.id, startsAt: t.at('2027-03-22T10:00') });
    expect(result.appointments.map((a) => wall(a.startsAt))).toEqual([
      'Mon 2027-03-22 10:00',
      'Mon 2027-03-29 10:00',
      'Mon 2027-04-05 10:00',
      'Mon 2027-04-12 10:00',
    ]);
  });

  it('moves all or nothing: one later session that cannot go refuses the move, naming it', async () => {
    const booked = await bookPlanned();
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-30T11:00'),
    });
    const before = t.desk.database.sqlite.prepare('SELECT id, starts_at FROM appointments ORDER BY id').all();
    const error = await t.fail(t.reception, 'series.moveFrom', { appointmentId: booked.appointments[1]!.id, startsAt: t.at('2027-03-23T11:00') });
    expect(error.code).toBe('SERIES_SESSION_UNAVAILABLE');
    expect(error.details).toMatchObject({ session: 3, reason: 'SLOT_TAKEN' });
    expect(t.desk.database.sqlite.prepare('SELECT id, starts_at FROM appointments ORDER BY id').all()).toEqual(before);
  });

  it('summarises a patient’s series: done, total and the next session', async () => {
    const booked = await bookPlanned();
    t.desk.database.sqlite.prepare(`UPDATE appointments SET status = 'done' WHERE id = ?`).run(booked.appointments[0]!.id);
    t.now = t.at('2027-03-16T08:00');
    const [series] = await t.ok(t.reception, 'series.listForPatient', { patientId: p.patients[0]! });
    expect(series).toMatchObject({ seriesId: booked.seriesId, total: 4, done: 1, practitionerIds: [p.ana] });
    expect(series!.next!.id).toBe(booked.appointments[1]!.id);
    expect(await t.ok(t.reception, 'series.listForPatient', { patientId: p.patients[1]! })).toEqual([]);
  });

  it('refuses an appointment outside any series', async () => {
    const single = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-15T11:00'),
    });
    expect((await t.fail(t.reception, 'series.cancelFrom', { appointmentId: single.id, reason: 'x' })).code).toBe('NOT_FOUND');
  });
});

describe('a series in the sync outbox (migration 0016)', () => {
  it('sends each session with its series id and number; a single appointment without them', async () => {
    t.desk.database.sqlite.prepare('UPDATE sync_state SET tracking = 1').run();
    const single = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2027-03-15T11:00'),
    });
    const booked = await bookPlanned({ count: 2 });
    const entries = t.desk.database.sqlite.prepare(`SELECT uid, data FROM sync_outbox WHERE entity = 'appointment' ORDER BY seq`).all() as Array<{
      data: string;
    }>;
    const sent = entries.map((entry) => entityData.appointment.parse(JSON.parse(entry.data)));
    expect(sent.map((data) => [data.seriesId, data.seriesIndex])).toEqual([
      [undefined, undefined],
      [booked.seriesId, 1],
      [booked.seriesId, 2],
    ]);
    expect(single.seriesId).toBeNull();
    // Cancelling from the second on sends it again, still in its series.
    await t.ok(t.reception, 'series.cancelFrom', { appointmentId: booked.appointments[1]!.id, reason: 'Stopped' });
    const last = t.desk.database.sqlite.prepare(`SELECT data FROM sync_outbox ORDER BY seq DESC LIMIT 1`).pluck().get() as string;
    expect(entityData.appointment.parse(JSON.parse(last))).toMatchObject({ status: 'cancelled', seriesId: booked.seriesId, seriesIndex: 2 });
  });
});
