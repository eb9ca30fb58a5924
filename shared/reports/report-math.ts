import { addDays, dayBounds, dayToUtcMs, isoWeekday, wallRangeToIntervals, type Interval } from '../schedule/wall-clock';
import { DAY_MS } from '../time/units';
import type { DurationSummary, ReportBucketSize } from './reports.contract';

/**
 * Durations counted by whole minute: `minute → how many`. The database hands back this
 * histogram rather than every row, so a year's median costs a walk over a few hundred
 * entries instead of sorting a hundred thousand values.
 */
export type MinuteHistogram = Map<number, number>;

export function addToHistogram(histogram: MinuteHistogram, minute: number, count: number): void {
  histogram.set(minute, (histogram.get(minute) ?? 0) + count);
}

/**
 * Median and 90th percentile by nearest rank (the smallest value with at least p% of the
 * set at or below it): always a value that occurred, never an interpolation.
 */
export function summarise(histogram: MinuteHistogram): DurationSummary {
  const entries = [...histogram.entries()].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  const count = entries.reduce((sum, [, n]) => sum + n, 0);
  if (count === 0) return { count: 0, median: null, p90: null };
  const rank = (p: number) => Math.max(1, Math.ceil((p / 100) * count));
  const at = (wanted: number) => {
    let seen = 0;
    for (const [minute, n] of entries) {
      seen += n;
      if (seen >= wanted) return minute;
    }
    return entries[entries.length - 1]![0];
  };
  return { count, median: at(rank(50)), p90: at(rank(90)) };
}

export interface ReportBucket extends Interval {
  key: string;
}

/** How a range is cut for its chart: a day by the hour, a month by the day, a quarter by the week, longer by the month. */
export function bucketSizeFor(from: string, to: string): ReportBucketSize {
  const days = (dayToUtcMs(to) - dayToUtcMs(from)) / DAY_MS + 1;
  if (days === 1) return 'hour';
  if (days <= 31) return 'day';
  if (days <= 92) return 'week';
  return 'month';
}

/**
 * The periods of a range on the clinic's clock, in order, each as the real time it spans.
 * Weeks start on Monday and months on the 1st, clipped to the range. A day's hours skip
 * the hour a spring-forward removes and run two real hours for the one a fall-back repeats.
 */
export function reportBuckets(zone: string, from: string, to: string, size: ReportBucketSize): ReportBucket[] {
  if (size === 'hour') {
    const buckets: ReportBucket[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const pieces = wallRangeToIntervals(zone, from, hour * 60, (hour + 1) * 60);
      if (pieces.length === 0) continue;
      buckets.push({ key: `${from}T${String(hour).padStart(2, '0')}:00`, startsAt: pieces[0]!.startsAt, endsAt: pieces[pieces.length - 1]!.endsAt });
    }
    return buckets;
  }
  const buckets: ReportBucket[] = [];
  let day = from;
  while (day <= to) {
    let next: string;
    if (size === 'day') next = addDays(day, 1);
    else if (size === 'week') next = addDays(day, 8 - isoWeekday(day));
    else next = firstOfNextMonth(day);
    const last = next > to ? addDays(to, 1) : next;
    buckets.push({ key: day, startsAt: dayBounds(zone, day).startsAt, endsAt: dayBounds(zone, last).startsAt });
    day = last;
  }
  return buckets;
}

function firstOfNextMonth(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** Every calendar day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** How much of `intervals` (sorted, disjoint) lies outside `holes` (sorted, disjoint), in ms. */
export function lengthOutside(intervals: readonly Interval[], holes: readonly Interval[]): number {
  let total = 0;
  let h = 0;
  for (const interval of intervals) {
    let cursor = interval.startsAt;
    while (h < holes.length && holes[h]!.endsAt <= cursor) h++;
    let k = h;
    while (k < holes.length && holes[k]!.startsAt < interval.endsAt) {
      const hole = holes[k]!;
      if (hole.startsAt > cursor) total += hole.startsAt - cursor;
      cursor = Math.max(cursor, hole.endsAt);
      k++;
    }
    if (cursor < interval.endsAt) total += interval.endsAt - cursor;
  }
  return total;
}
