import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/reports/reports.contract';
import { MINUTE_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

/**
 * A hand-built week in Lisbon, Monday 22 to Sunday 28 March 2027: the clocks go forward on
 * the Sunday, so an appointment at 00:30 on Monday the 29th is still the 28th in UTC and must
 * stay out of the week. Wednesday the 24th is a clinic holiday; Ana is away on Tuesday
 * afternoon. Every figure below is counted by hand.
 */
interface Visit {
  practitioner: number;
  specialty: number;
  at: string;
  minutes?: number;
  status: string;
  walkIn?: boolean;
  /** Minutes after `at`, each optional: check-in, call, start, finish. */
  checkedIn?: number;
  called?: number;
  started?: number;
  finished?: number;
  createdBy?: number | null;
  cancelledHere?: boolean;
}

let t: TestDesk;
let p: Practice;

function insert(visit: Visit): number {
  const sqlite = t.desk.database.sqlite;
  const startsAt = t.at(visit.at);
  const offset = (minutes: number | undefined) => (minutes === undefined ? null : startsAt + minutes * MINUTE_MS);
  const id = Number(
    sqlite
      .prepare(
        `INSERT INTO appointments (patient_id, practitioner_id, specialty_id, starts_at, ends_at, status, status_changed_at, is_walk_in,
           created_by, created_at, updated_at, checked_in_at, called_at, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.patients[0],
        visit.practitioner,
        visit.specialty,
        startsAt,
        startsAt + (visit.minutes ?? 30) * MINUTE_MS,
        visit.status,
        startsAt,
        visit.walkIn ? 1 : 0,
        visit.createdBy ?? null,
        startsAt,
        startsAt,
        offset(visit.checkedIn),
        offset(visit.called),
        offset(visit.started),
        offset(visit.finished),
      ).lastInsertRowid,
  );
  if (visit.cancelledHere) {
    sqlite
      .prepare(`INSERT INTO audit_log (at, staff_id, action, entity, entity_id, detail) VALUES (?, NULL, 'appointments.cancel', 'appointment', ?, '{}')`)
      .run(startsAt, id);
  }
  return id;
}

const staffIdOf = (caller: TestDesk['admin']) => caller.auth.current()!.staffId;

beforeEach(async () => {
  t = await createTestDesk({ now: '2027-03-29T10:00' });
  p = await seedPractice(t, 3);
  const { ana, bruno, general, dentistry } = p;
  const sqlite = t.desk.database.sqlite;
  sqlite.prepare(`INSERT INTO clinic_holidays (day, name_en, name_pt, created_at, updated_at) VALUES ('2027-03-24', 'Town day', 'Dia da vila', 0, 0)`).run();
  // 13:00–18:00: only 14:00–18:00 of it is working time.
  sqlite.prepare(`INSERT INTO time_off (practitioner_id, starts_at, ends_at) VALUES (?, ?, ?)`).run(ana, t.at('2027-03-23T13:00'), t.at('2027-03-23T18:00'));

  const a = { practitioner: ana, specialty: general };
  insert({ ...a, at: '2027-03-22T09:00', status: 'done', checkedIn: -5, called: 5, started: 5, finished: 25 });
  insert({ ...a, at: '2027-03-22T09:30', status: 'done', checkedIn: -10, called: 10, started: 10, finished: 40 });
  insert({ ...a, at: '2027-03-23T09:00', status: 'done', checkedIn: -10, called: 20, started: 20, finished: 30 });
  insert({ ...a, at: '2027-03-23T10:00', status: 'no_show' });
  insert({ ...a, at: '2027-03-24T10:00', status: 'cancelled', cancelledHere: true });
  insert({ ...a, at: '2027-03-24T11:00', status: 'cancelled' });
  insert({ ...a, at: '2027-03-25T11:00', status: 'done', walkIn: true, checkedIn: 0, called: 40, started: 40, finished: 80 });
  insert({ ...a, at: '2027-03-25T15:00', status: 'left_unseen', walkIn: true, checkedIn: 0 });

  const b = { practitioner: bruno, specialty: dentistry, minutes: 60 };
  insert({ ...b, at: '2027-03-26T09:00', status: 'done', checkedIn: -2, called: 0, started: 0, finished: 60 });
  insert({ ...b, at: '2027-03-28T23:30', status: 'no_show' });
  insert({ ...b, at: '2027-03-29T00:30', status: 'done', checkedIn: 0, called: 100, started: 100, finished: 200 });
});

afterEach(async () => {
  await t.close();
});

const week = { from: '2027-03-22', to: '2027-03-28' };

describe('reports.get', () => {
  it('counts every figure of a hand-built DST week, per practitioner, per specialty and in total', async () => {
    const report: Report = await t.ok(t.admin, 'reports.get', week);
    expect(report.bucket).toBe('day');
    expect(report.total).toEqual({
      booked: 8,
      attended: 5,
      cancelled: 2,
      cancelledAtDesk: 1,
      cancelledElsewhere: 1,
      noShows: 2,
      noShowRate: 2 / 6,
      walkIns: 2,
      leftUnseen: 1,
      waitMinutes: { count: 5, median: 20, p90: 40 },
      consultationMinutes: { count: 5, median: 30, p90: 60 },
      utilisation: { bookedMinutes: 180, workingMinutes: 1680 + 1920 + 1920, ratio: 180 / 5520 },
    });
    const ana = report.practitioners.find((row) => row.practitionerId === p.ana)!;
    expect(ana).toMatchObject({
      name: 'Ana Almeida',
      booked: 6,
      attended: 4,
      cancelled: 2,
      cancelledAtDesk: 1,
      cancelledElsewhere: 1,
      noShows: 1,
      noShowRate: 0.25,
      walkIns: 2,
      leftUnseen: 1,
      waitMinutes: { count: 4, median: 20, p90: 40 },
      consultationMinutes: { count: 4, median: 20, p90: 40 },
      // Five days of eight hours, less the holiday (480) and the afternoon off (240).
      utilisation: { bookedMinutes: 120, workingMinutes: 1680, ratio: 120 / 1680 },
    });
    const bruno = report.practitioners.find((row) => row.practitionerId === p.bruno)!;
    expect(bruno).toMatchObject({
      booked: 2,
      attended: 1,
      noShows: 1,
      noShowRate: 0.5,
      waitMinutes: { count: 1, median: 2, p90: 2 },
      consultationMinutes: { count: 1, median: 60, p90: 60 },
      utilisation: { bookedMinutes: 60, workingMinutes: 1920 },
    });
    const carla = report.practitioners.find((row) => row.practitionerId === p.carla)!;
    expect(carla).toMatchObject({ booked: 0, noShowRate: null, waitMinutes: { count: 0, median: null, p90: null }, utilisation: { ratio: 0 } });
    expect(report.specialties.map((row) => [row.nameEn, row.booked, row.attended])).toEqual([
      ['Dentistry', 2, 1],
      ['General practice', 6, 4],
    ]);
    expect(report.series.map((point) => [point.key, point.booked, point.attended, point.cancelled, point.noShows, point.walkIns])).toEqual([
      ['2027-03-22', 2, 2, 0, 0, 0],
      ['2027-03-23', 2, 1, 0, 1, 0],
      ['2027-03-24', 2, 0, 2, 0, 0],
      ['2027-03-25', 0, 1, 0, 0, 2],
      ['2027-03-26', 1, 1, 0, 0, 0],
      ['2027-03-27', 0, 0, 0, 0, 0],
      ['2027-03-28', 1, 0, 0, 1, 0],
    ]);
  });

  it('counts a booked appointment towards the no-show rate only once it is due', async () => {
    insert({ practitioner: p.carla, specialty: p.general, at: '2027-03-29T09:00', status: 'no_show' });
    insert({ practitioner: p.carla, specialty: p.general, at: '2027-03-29T11:00', status: 'booked' });
    const report = await t.ok(t.admin, 'reports.get', { from: '2027-03-29', to: '2027-03-29' });
    const carla = report.practitioners.find((row) => row.practitionerId === p.carla)!;
    expect([carla.booked, carla.noShows, carla.noShowRate]).toEqual([2, 1, 1]);
    expect(report.bucket).toBe('hour');
  });

  it('gives a receptionist their own bookings of today, and refuses them anything else (FORBIDDEN)', async () => {
    const mine = staffIdOf(t.reception);
    insert({ practitioner: p.carla, specialty: p.general, at: '2027-03-29T09:00', status: 'done', createdBy: mine });
    insert({ practitioner: p.carla, specialty: p.general, at: '2027-03-29T09:30', status: 'booked', createdBy: staffIdOf(t.admin) });
    const today = { from: '2027-03-29', to: '2027-03-29' };
    const report = await t.ok(t.reception, 'reports.mine', {});
    expect([report.from, report.to, report.scope]).toEqual(['2027-03-29', '2027-03-29', 'mine']);
    expect([report.total.booked, report.total.attended]).toEqual([1, 1]);
    // Only Carla, whom they booked for: her 8 hours are what their 30 minutes fill.
    expect(report.practitioners.map((row) => row.name)).toEqual(['Carla Costa']);
    expect(report.total.utilisation).toEqual({ bookedMinutes: 30, workingMinutes: 480, ratio: 30 / 480 });

    // The clinic's figures are the admins' by the contract; an export of a range, by the service.
    expect(await t.fail(t.reception, 'reports.get', today)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.fail(t.reception, 'reports.export', { period: today })).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NOT_YOUR_REPORT' } });
    expect((await t.ok(t.reception, 'reports.export', { period: 'mine', locale: 'en' })).rows).toBe(1 + 1 + 1 + 24);
    expect(await t.fail(await t.doctor(p.ana), 'reports.mine', {})).toMatchObject({ code: 'FORBIDDEN' });
    // The whole clinic's figures for the same day are the admin's.
    expect((await t.ok(t.admin, 'reports.get', today)).total.booked).toBe(2 + 1);
  });

  it('refuses a range longer than a year', async () => {
    expect(await t.fail(t.admin, 'reports.get', { from: '2026-01-01', to: '2027-01-02' })).toMatchObject({ code: 'VALIDATION' });
  });
});

describe('reports.export', () => {
  it('writes the report as CSV, with a BOM, quoted cells and formulas made text', async () => {
    t.desk.database.sqlite.prepare(`UPDATE practitioners SET full_name = '=HYPERLINK("http://x")' WHERE id = ?`).run(p.carla);
    const { csv, rows } = await t.ok(t.admin, 'reports.export', { period: week, locale: 'en' });
    const lines = csv.split('\r\n');
    expect(csv.startsWith('\uFEFF"Section","Name","From","To","Booked","Attended","Cancelled"')).toBe(true);
    // The total, three practitioners, two specialties, seven days.
    expect(rows).toBe(1 + 3 + 2 + 7);
    expect(lines).toHaveLength(1 + rows + 1);
    expect(lines[1]).toBe(
      '"Total","Whole clinic","2027-03-22","2027-03-28","8","5","2","1","1","2","0.3333","2","1","20","40","30","60","180","5520","0.0326"',
    );
    expect(lines).toContain(
      '"Practitioner","\'=HYPERLINK(""http://x"")","2027-03-22","2027-03-28","0","0","0","0","0","0","","0","0","","","","","0","1920","0"',
    );
    expect(lines).toContain('"Period","2027-03-25","","","0","1","0","","","0","","2"');
    const pt = await t.ok(t.admin, 'reports.export', { period: week, locale: 'pt' });
    expect(pt.csv).toContain('"Especialidade","Medicina dentária"');
  });
});
