import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Friday 20 March 2026, 08:00 in Lisbon: before both of the year's DST changes.
  t = await createTestDesk({ now: '2026-03-20T08:00' });
  p = await seedPractice(t);
});

afterEach(async () => {
  await t.close();
});

const count = () => t.desk.database.sqlite.prepare('SELECT count(*) FROM clinic_holidays').pluck().get() as number;
const auditActions = () => t.desk.database.sqlite.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];

describe('holidays.prefillNational', () => {
  it('adds Portugal’s thirteen national holidays of the year once: run again, it adds nothing and keeps edits', async () => {
    const first = await t.ok(t.admin, 'holidays.prefillNational', { year: 2026 });
    expect(first.added).toHaveLength(13);
    expect(first.added.every((h) => h.isNational)).toBe(true);
    expect(auditActions().at(-1)).toBe('holidays.prefillNational');

    const christmas = first.added.find((h) => h.day === '2026-12-25')!;
    await t.ok(t.admin, 'holidays.update', { id: christmas.id, day: '2026-12-25', nameEn: 'Christmas (closed)', namePt: 'Natal (fechado)' });
    await t.ok(t.admin, 'holidays.add', { day: '2026-06-13', nameEn: 'Saint Anthony', namePt: 'Santo António' });

    const second = await t.ok(t.admin, 'holidays.prefillNational', { year: 2026 });
    expect(second.added).toEqual([]);
    const list = await t.ok(t.reception, 'holidays.list', { year: 2026 });
    expect(list).toHaveLength(14);
    expect(list.find((h) => h.day === '2026-12-25')).toMatchObject({ nameEn: 'Christmas (closed)', isNational: true });
    expect(list.find((h) => h.day === '2026-06-13')).toMatchObject({ namePt: 'Santo António', isNational: false });
    expect(await t.ok(t.reception, 'holidays.list', { year: 2027 })).toEqual([]);
  });

  it('is for admins only', async () => {
    expect((await t.fail(t.reception, 'holidays.prefillNational', { year: 2026 })).code).toBe('FORBIDDEN');
    expect((await t.fail(t.reception, 'holidays.add', { day: '2026-06-13', nameEn: 'x', namePt: 'x' })).code).toBe('FORBIDDEN');
    expect(count()).toBe(0);
  });
});

describe('holidays.add / update / remove', () => {
  it('refuses a second holiday on one day and writes nothing', async () => {
    await t.ok(t.admin, 'holidays.add', { day: '2026-06-13', nameEn: 'Saint Anthony', namePt: 'Santo António' });
    const audits = auditActions().length;
    expect((await t.fail(t.admin, 'holidays.add', { day: '2026-06-13', nameEn: 'Again', namePt: 'Outra vez' })).code).toBe('ALREADY_EXISTS');
    const other = await t.ok(t.admin, 'holidays.add', { day: '2026-06-24', nameEn: 'Saint John', namePt: 'São João' });
    const afterSecond = auditActions().length;
    expect((await t.fail(t.admin, 'holidays.update', { id: other.holiday.id, day: '2026-06-13', nameEn: 'x', namePt: 'x' })).code).toBe('ALREADY_EXISTS');
    expect(auditActions()).toHaveLength(afterSecond);
    expect(afterSecond).toBe(audits + 1);
    expect(count()).toBe(2);
  });

  it('is one row per real day, by the database itself', () => {
    const insert = t.desk.database.sqlite.prepare('INSERT INTO clinic_holidays (day, name_en, name_pt, created_at, updated_at) VALUES (?, ?, ?, 0, 0)');
    insert.run('2026-06-13', 'Saint Anthony', 'Santo António');
    expect(() => insert.run('2026-06-13', 'Again', 'Outra vez')).toThrow(/UNIQUE/);
    expect(() => insert.run('2026-02-30', 'No such day', 'Não existe')).toThrow(/CHECK/);
    expect(() => insert.run('2026-6-1', 'Short', 'Curto')).toThrow(/CHECK/);
    expect(() => insert.run('2026-06-14', ' ', 'Vazio')).toThrow(/CHECK/);
  });

  it('moving a holiday to a day with bookings lists them', async () => {
    const { holiday } = await t.ok(t.admin, 'holidays.add', { day: '2026-06-11', nameEn: 'Bridge day', namePt: 'Ponte' });
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.bruno,
      startsAt: t.at('2026-06-12T15:00'),
    });
    const moved = await t.ok(t.admin, 'holidays.update', { id: holiday.id, day: '2026-06-12', nameEn: 'Bridge day', namePt: 'Ponte' });
    expect(moved.appointments.map((a) => a.appointmentId)).toEqual([booked.id]);
    // The day's row is the day's for good (its uid is the day's): the moved holiday is the new day's row.
    expect(moved.holiday).toMatchObject({ day: '2026-06-12', nameEn: 'Bridge day' });
    expect((await t.fail(t.admin, 'holidays.update', { id: holiday.id, day: '2026-06-12', nameEn: 'x', namePt: 'x' })).code).toBe('NOT_FOUND');
    const renamed = await t.ok(t.admin, 'holidays.update', { id: moved.holiday.id, day: '2026-06-12', nameEn: 'Bridge', namePt: 'Ponte' });
    expect(renamed.appointments).toEqual([]);
    expect((await t.ok(t.admin, 'holidays.list', { year: 2026 })).map((h) => [h.day, h.nameEn])).toEqual([['2026-06-12', 'Bridge']]);
  });

  it('keeps one row per day for good: a removed holiday is turned off, and on again when the day is added back', async () => {
    const { holiday } = await t.ok(t.admin, 'holidays.add', { day: '2026-06-11', nameEn: 'Bridge day', namePt: 'Ponte' });
    await t.ok(t.admin, 'holidays.remove', { id: holiday.id });
    expect(await t.ok(t.admin, 'holidays.list', { year: 2026 })).toEqual([]);
    expect((await t.fail(t.admin, 'holidays.remove', { id: holiday.id })).code).toBe('NOT_FOUND');
    const again = await t.ok(t.admin, 'holidays.add', { day: '2026-06-11', nameEn: 'Closed', namePt: 'Fechado' });
    expect(again.holiday).toEqual({ id: holiday.id, day: '2026-06-11', nameEn: 'Closed', namePt: 'Fechado', isNational: false });
    expect(count()).toBe(1);
    const sqlite = t.desk.database.sqlite;
    expect(sqlite.prepare('SELECT uid FROM clinic_holidays WHERE id = ?').pluck().get(holiday.id)).toBe('00000000-0000-4000-8001-000020260611');
    // The database itself: a row's day never changes, and no row is deleted.
    expect(() => sqlite.prepare(`UPDATE clinic_holidays SET day = '2026-06-12' WHERE id = ?`).run(holiday.id)).toThrow(/HOLIDAY_DAY_FIXED/);
    expect(() => sqlite.prepare('DELETE FROM clinic_holidays WHERE id = ?').run(holiday.id)).toThrow(/HOLIDAY_NEVER_DELETED/);
  });

  it('returns the appointments still to be seen on a day that was just closed', async () => {
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-06-12T10:00'),
    });
    const { appointments } = await t.ok(t.admin, 'holidays.add', { day: '2026-06-12', nameEn: 'Bridge day', namePt: 'Ponte' });
    expect(appointments).toEqual([
      {
        appointmentId: booked.id,
        patientId: p.patients[0],
        patientName: 'Patient 1',
        practitionerId: p.ana,
        startsAt: booked.startsAt,
        endsAt: booked.endsAt,
      },
    ]);
  });

  it('flags them as schedule problems until moved or kept, with free times offered on open days', async () => {
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-03-23T09:00'),
    });
    await t.ok(t.admin, 'holidays.add', { day: '2026-03-23', nameEn: 'Bridge day', namePt: 'Ponte' });
    const { appointments } = await t.ok(t.admin, 'schedule.unsettled', {});
    expect(appointments).toEqual([expect.objectContaining({ appointmentId: booked.id, problem: 'clinic_closed' })]);
    expect(DateTime.fromMillis(appointments[0]!.nextFreeSame!.startsAt, { zone: t.timeZone }).toISODate()).not.toBe('2026-03-23');
    await t.ok(t.admin, 'schedule.keep', { appointmentId: booked.id });
    expect((await t.ok(t.admin, 'schedule.unsettled', {})).appointments).toEqual([]);
  });

  it('opens the day again when removed', async () => {
    const { holiday } = await t.ok(t.admin, 'holidays.add', { day: '2026-06-12', nameEn: 'Bridge day', namePt: 'Ponte' });
    await t.ok(t.admin, 'holidays.remove', { id: holiday.id });
    expect((await t.fail(t.admin, 'holidays.remove', { id: holiday.id })).code).toBe('NOT_FOUND');
    const { slots } = await t.ok(t.reception, 'schedule.freeSlots', { specialtyId: p.general, practitionerId: p.ana, day: '2026-06-12' });
    expect(slots.length).toBeGreaterThan(0);
  });
});

describe('a holiday closes the clinic', () => {
  const booking = (startsAt: number) => ({ patientId: p.patients[0]!, specialtyId: p.general, practitionerId: p.ana, startsAt });

  it('refuses a booking that day with CLINIC_CLOSED and its name, and writes nothing', async () => {
    await t.ok(t.admin, 'holidays.prefillNational', { year: 2026 });
    const before = { appointments: t.count('appointments'), audit: t.count('audit_log') };
    // Good Friday 2026 is 3 April.
    const error = await t.fail(t.reception, 'appointments.book', booking(t.at('2026-04-03T10:00')));
    expect(error.code).toBe('CLINIC_CLOSED');
    expect(error.details).toEqual({ day: '2026-04-03', nameEn: 'Good Friday', namePt: 'Sexta-feira Santa' });
    expect({ appointments: t.count('appointments'), audit: t.count('audit_log') }).toEqual(before);
    // The day before is open.
    await t.ok(t.reception, 'appointments.book', booking(t.at('2026-04-02T10:00')));
  });

  it('refuses moving an appointment onto a holiday', async () => {
    const booked = await t.ok(t.reception, 'appointments.book', booking(t.at('2026-04-02T10:00')));
    await t.ok(t.admin, 'holidays.add', { day: '2026-04-06', nameEn: 'Closed', namePt: 'Fechado' });
    const error = await t.fail(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-04-06T10:00') });
    expect(error.code).toBe('CLINIC_CLOSED');
    expect((await t.ok(t.reception, 'appointments.get', { id: booked.id })).startsAt).toBe(booked.startsAt);
  });

  it('turns walk-ins away that day, booked or queued, and writes nothing', async () => {
    await t.ok(t.admin, 'holidays.add', { day: '2026-03-20', nameEn: 'Closed', namePt: 'Fechado' });
    t.now = t.at('2026-03-20T10:00');
    const before = { appointments: t.count('appointments'), audit: t.count('audit_log') };
    const walkIn = { patientId: p.patients[0]!, specialtyId: p.general };
    expect((await t.fail(t.reception, 'appointments.bookWalkIn', walkIn)).code).toBe('CLINIC_CLOSED');
    expect((await t.fail(t.reception, 'checkin.walkIn', walkIn)).code).toBe('CLINIC_CLOSED');
    expect({ appointments: t.count('appointments'), audit: t.count('audit_log') }).toEqual(before);
  });

  it('offers no free times that day', async () => {
    await t.ok(t.admin, 'holidays.add', { day: '2026-04-06', nameEn: 'Closed', namePt: 'Fechado' });
    const { slots } = await t.ok(t.reception, 'schedule.freeSlots', { specialtyId: p.general, day: '2026-04-06', days: 2 });
    const days = new Set(slots.map((slot) => DateTime.fromMillis(slot.startsAt, { zone: t.timeZone }).toISODate()));
    expect([...days]).toEqual(['2026-04-07']);
  });

  // The clocks change on the last Sundays of March and October: a holiday on one is 23 or 25 hours long.
  it.each([
    ['2026-03-29', '2026-03-28', '2026-03-30'],
    ['2026-10-25', '2026-10-24', '2026-10-26'],
  ])('closes all of %s, a DST day, and nothing of the days around it', async (holiday, before, after) => {
    const allDay = [5, 6, 7, 1].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.ana, intervals: allDay });
    await t.ok(t.admin, 'holidays.add', { day: holiday, nameEn: 'Closed', namePt: 'Fechado' });

    const { slots } = await t.ok(t.reception, 'schedule.freeSlots', { specialtyId: p.general, practitionerId: p.ana, day: before, days: 3 });
    const dayOf = (instant: number) => DateTime.fromMillis(instant, { zone: t.timeZone }).toISODate();
    expect(slots.some((slot) => dayOf(slot.startsAt) === holiday || dayOf(slot.endsAt - 1) === holiday)).toBe(false);
    // The day before runs up to the holiday's midnight, the day after starts at its own.
    expect(slots.filter((slot) => dayOf(slot.startsAt) === before).at(-1)!.endsAt).toBe(t.at(`${holiday}T00:00`));
    expect(slots.filter((slot) => dayOf(slot.startsAt) === after)[0]!.startsAt).toBe(t.at(`${after}T00:00`));

    expect((await t.fail(t.reception, 'appointments.book', booking(t.at(`${holiday}T00:00`)))).code).toBe('CLINIC_CLOSED');
    expect((await t.fail(t.reception, 'appointments.book', booking(t.at(`${holiday}T23:30`)))).code).toBe('CLINIC_CLOSED');
    await t.ok(t.reception, 'appointments.book', booking(t.at(`${before}T23:30`)));
    await t.ok(t.reception, 'appointments.book', booking(t.at(`${after}T00:00`)));
  });
});
