import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { MAX_SERIES_SESSIONS, seriesDays, wallClockStart } from './series-rule';

const lisbon = 'Europe/Lisbon';
const wall = (instant: number) => DateTime.fromMillis(instant, { zone: lisbon }).toFormat('yyyy-MM-dd HH:mm');

describe('seriesDays', () => {
  it('weekly: the same weekday every week, N times', () => {
    // 2026-06-15 is a Monday.
    expect(seriesDays({ firstDay: '2026-06-15', time: '10:00', repeat: { kind: 'weekly', weekdays: [1] }, count: 3 })).toEqual([
      '2026-06-15',
      '2026-06-22',
      '2026-06-29',
    ]);
  });

  it('weekly on several weekdays, starting mid-week, skipping days before the first', () => {
    // Wednesday 17 June: Monday 15 is not part of it.
    expect(seriesDays({ firstDay: '2026-06-17', time: '10:00', repeat: { kind: 'weekly', weekdays: [1, 3, 5] }, count: 5 })).toEqual([
      '2026-06-17',
      '2026-06-19',
      '2026-06-22',
      '2026-06-24',
      '2026-06-26',
    ]);
  });

  it('every N days, until a day (inclusive)', () => {
    expect(seriesDays({ firstDay: '2026-06-15', time: '10:00', repeat: { kind: 'everyDays', days: 3 }, until: '2026-06-24' })).toEqual([
      '2026-06-15',
      '2026-06-18',
      '2026-06-21',
      '2026-06-24',
    ]);
  });

  it('stops at whichever comes first, count or until, and never beyond the cap', () => {
    const rule = { firstDay: '2026-06-15', time: '10:00', repeat: { kind: 'everyDays', days: 1 } } as const;
    expect(seriesDays({ ...rule, count: 10, until: '2026-06-17' })).toHaveLength(3);
    expect(seriesDays({ ...rule, count: 2, until: '2026-06-30' })).toHaveLength(2);
    expect(seriesDays({ ...rule, until: '2030-01-01' })).toHaveLength(MAX_SERIES_SESSIONS);
  });
});

describe('wallClockStart', () => {
  it('keeps the wall-clock time across the spring and autumn changes (Europe/Lisbon)', () => {
    const spring = seriesDays({ firstDay: '2027-03-22', time: '10:00', repeat: { kind: 'weekly', weekdays: [1] }, count: 2 });
    expect(spring.map((day) => wall(wallClockStart(lisbon, day, '10:00')))).toEqual(['2027-03-22 10:00', '2027-03-29 10:00']);
    const autumn = seriesDays({ firstDay: '2026-10-19', time: '09:30', repeat: { kind: 'weekly', weekdays: [1] }, count: 2 });
    expect(autumn.map((day) => wall(wallClockStart(lisbon, day, '09:30')))).toEqual(['2026-10-19 09:30', '2026-10-26 09:30']);
    // An hour apart in wall time, not 7 × 24 hours apart in real time.
    expect(wallClockStart(lisbon, '2027-03-29', '10:00') - wallClockStart(lisbon, '2027-03-22', '10:00')).toBe(7 * 24 * 3_600_000 - 3_600_000);
  });

  it('reads a time the clock skips an hour later, and a repeated one at its first occurrence', () => {
    expect(wall(wallClockStart(lisbon, '2027-03-28', '01:30'))).toBe('2027-03-28 02:30');
    const first = wallClockStart(lisbon, '2026-10-25', '01:30');
    expect(wall(first)).toBe('2026-10-25 01:30');
    expect(DateTime.fromMillis(first, { zone: lisbon }).offset).toBe(60);
  });
});
