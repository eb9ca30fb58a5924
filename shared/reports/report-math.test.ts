import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../time/units';
import { bucketSizeFor, lengthOutside, reportBuckets, summarise } from './report-math';

const ZONE = 'Europe/Lisbon';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();

describe('summarise', () => {
  it('takes the median and 90th percentile by nearest rank from a minute histogram', () => {
    expect(summarise(new Map())).toEqual({ count: 0, median: null, p90: null });
    expect(summarise(new Map([[7, 1]]))).toEqual({ count: 1, median: 7, p90: 7 });
    // 1..10 once each: the 5th and the 9th values.
    expect(summarise(new Map(Array.from({ length: 10 }, (_, i) => [10 - i, 1] as [number, number])))).toEqual({ count: 10, median: 5, p90: 9 });
    // Weighted: 3 at 2 min, 6 at 10 min, 1 at 60 min.
    expect(
      summarise(
        new Map([
          [60, 1],
          [2, 3],
          [10, 6],
        ]),
      ),
    ).toEqual({ count: 10, median: 10, p90: 10 });
  });
});

describe('reportBuckets', () => {
  it('cuts a spring-forward day into 23 hours and a fall-back day into 24, the repeated hour two hours long', () => {
    const spring = reportBuckets(ZONE, '2027-03-28', '2027-03-28', 'hour');
    expect(spring).toHaveLength(23);
    expect(spring.map((b) => b.key)).not.toContain('2027-03-28T01:00');
    expect(spring[0]!.startsAt).toBe(at('2027-03-28T00:00'));
    expect(spring.at(-1)!.endsAt).toBe(at('2027-03-29T00:00'));
    const autumn = reportBuckets(ZONE, '2027-10-31', '2027-10-31', 'hour');
    expect(autumn).toHaveLength(24);
    const repeated = autumn.find((b) => b.key === '2027-10-31T01:00')!;
    expect(repeated.endsAt - repeated.startsAt).toBe(2 * HOUR_MS);
  });

  it('starts weeks on Monday and months on the 1st, on the clinic clock, clipped to the range', () => {
    const weeks = reportBuckets(ZONE, '2027-03-24', '2027-04-06', 'week');
    expect(weeks.map((b) => b.key)).toEqual(['2027-03-24', '2027-03-29', '2027-04-05']);
    // The DST week is an hour short, and its end is Monday's local midnight, not UTC's.
    expect(weeks[1]!.startsAt).toBe(at('2027-03-29T00:00'));
    expect(weeks[0]!.endsAt - weeks[0]!.startsAt).toBe(5 * 24 * HOUR_MS - HOUR_MS);
    const months = reportBuckets(ZONE, '2027-01-15', '2027-12-31', 'month');
    expect(months.map((b) => b.key)).toEqual(['2027-01-15', ...Array.from({ length: 11 }, (_, i) => `2027-${String(i + 2).padStart(2, '0')}-01`)]);
    expect(months.at(-1)!.endsAt).toBe(at('2028-01-01T00:00'));
  });

  it('picks the bucket by the range: hours for a day, days to a month, weeks to a quarter, then months', () => {
    expect(bucketSizeFor('2027-03-28', '2027-03-28')).toBe('hour');
    expect(bucketSizeFor('2027-03-01', '2027-03-31')).toBe('day');
    expect(bucketSizeFor('2027-01-01', '2027-03-31')).toBe('week');
    expect(bucketSizeFor('2027-01-01', '2027-12-31')).toBe('month');
  });
});

describe('lengthOutside', () => {
  it('measures what of the intervals no hole covers', () => {
    const intervals = [
      { startsAt: 0, endsAt: 10 },
      { startsAt: 20, endsAt: 30 },
    ];
    expect(lengthOutside(intervals, [])).toBe(20);
    expect(lengthOutside(intervals, [{ startsAt: 5, endsAt: 25 }])).toBe(10);
    expect(
      lengthOutside(intervals, [
        { startsAt: -5, endsAt: 2 },
        { startsAt: 4, endsAt: 6 },
        { startsAt: 28, endsAt: 40 },
      ]),
    ).toBe(20 - 2 - 2 - 2);
  });
});
