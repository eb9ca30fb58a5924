import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { addDays, dayBounds, dayOf, isoWeekday, mergeIntervals, wallClockInstants, wallRangeToIntervals } from './wall-clock';
import { HOUR_MS, MINUTE_MS } from '../time/units';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();

describe('calendar days', () => {
  it('adds days across months and years and knows the ISO weekday', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isoWeekday('2026-03-29')).toBe(7);
    expect(isoWeekday('2026-03-30')).toBe(1);
  });
});

describe('day bounds', () => {
  it('is 24 hours on an ordinary day, 23 and 25 on the Lisbon DST days', () => {
    const ordinary = dayBounds('Europe/Lisbon', '2026-06-15');
    expect(ordinary.startsAt).toBe(utc('2026-06-14T23:00'));
    expect(ordinary.endsAt - ordinary.startsAt).toBe(24 * HOUR_MS);

    const spring = dayBounds('Europe/Lisbon', '2026-03-29');
    expect(spring.startsAt).toBe(utc('2026-03-29T00:00'));
    expect(spring.endsAt - spring.startsAt).toBe(23 * HOUR_MS);

    const autumn = dayBounds('Europe/Lisbon', '2026-10-25');
    expect(autumn.startsAt).toBe(utc('2026-10-24T23:00'));
    expect(autumn.endsAt - autumn.startsAt).toBe(25 * HOUR_MS);
  });

  it('handles a 30-minute DST change (Lord Howe Island)', () => {
    const spring = dayBounds('Australia/Lord_Howe', '2026-10-04');
    expect(spring.endsAt - spring.startsAt).toBe(23.5 * HOUR_MS);
    const autumn = dayBounds('Australia/Lord_Howe', '2026-04-05');
    expect(autumn.endsAt - autumn.startsAt).toBe(24.5 * HOUR_MS);
  });

  it('agrees with luxon on which day an instant falls', () => {
    for (const zone of ['Europe/Lisbon', 'America/New_York', 'Australia/Lord_Howe']) {
      for (let t = utc('2026-10-23T00:00'); t < utc('2026-10-27T00:00'); t += 17 * MINUTE_MS) {
        expect(dayOf(zone, t)).toBe(DateTime.fromMillis(t, { zone }).toISODate());
      }
    }
  });
});

describe('wall-clock instants', () => {
  it('finds none in the spring gap and two in the repeated autumn hour', () => {
    expect(wallClockInstants('Europe/Lisbon', '2026-03-29', 90)).toEqual([]);
    expect(wallClockInstants('Europe/Lisbon', '2026-10-25', 90)).toEqual([utc('2026-10-25T00:30'), utc('2026-10-25T01:30')]);
    expect(wallClockInstants('America/New_York', '2026-03-08', 150)).toEqual([]);
    expect(wallClockInstants('America/New_York', '2026-11-01', 90)).toHaveLength(2);
    expect(wallClockInstants('Australia/Lord_Howe', '2026-10-04', 135)).toEqual([]);
    expect(wallClockInstants('Australia/Lord_Howe', '2026-04-05', 105)).toHaveLength(2);
  });

  it('matches luxon for every existing quarter hour of the DST days', () => {
    const days: Array<[string, string]> = [
      ['Europe/Lisbon', '2026-03-29'],
      ['Europe/Lisbon', '2026-10-25'],
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['Australia/Lord_Howe', '2026-04-05'],
    ];
    for (const [zone, day] of days) {
      for (let minute = 0; minute < 1440; minute += 15) {
        for (const instant of wallClockInstants(zone, day, minute)) {
          const local = DateTime.fromMillis(instant, { zone });
          expect(local.toISODate()).toBe(day);
          expect(local.hour * 60 + local.minute).toBe(minute);
        }
      }
    }
  });

  it('maps a wall range that spans the spring gap to one shorter stretch', () => {
    expect(wallRangeToIntervals('Europe/Lisbon', '2026-03-29', 0, 240)).toEqual([{ startsAt: utc('2026-03-29T00:00'), endsAt: utc('2026-03-29T03:00') }]);
    // Starting inside the gap: the range begins when the clock lands after it.
    expect(wallRangeToIntervals('Europe/Lisbon', '2026-03-29', 75, 180)).toEqual([{ startsAt: utc('2026-03-29T01:00'), endsAt: utc('2026-03-29T02:00') }]);
  });

  it('maps a wall range that ends inside the repeated hour to two stretches', () => {
    expect(wallRangeToIntervals('Europe/Lisbon', '2026-10-25', 0, 90)).toEqual([
      { startsAt: utc('2026-10-24T23:00'), endsAt: utc('2026-10-25T00:30') },
      { startsAt: utc('2026-10-25T01:00'), endsAt: utc('2026-10-25T01:30') },
    ]);
  });
});

describe('mergeIntervals', () => {
  it('unites overlapping and touching intervals and keeps gaps', () => {
    expect(
      mergeIntervals([
        { startsAt: 5, endsAt: 7 },
        { startsAt: 0, endsAt: 2 },
        { startsAt: 2, endsAt: 3 },
        { startsAt: 6, endsAt: 9 },
      ]),
    ).toEqual([
      { startsAt: 0, endsAt: 3 },
      { startsAt: 5, endsAt: 9 },
    ]);
  });
});
