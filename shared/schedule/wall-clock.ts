import { IANAZone } from 'luxon';
import { DAY_MS, MINUTE_MS } from '../time/units';

/**
 * Wall-clock arithmetic in an IANA time zone, DST-safe and fast enough to run per slot.
 *
 * A clinic works "09:00–13:00" on its own clock. On the days the clock jumps, a wall time
 * may not exist (spring forward) or exist twice (fall back), so a wall-clock range can map
 * to less, more, or even two separate stretches of real time. Everything here works on
 * instants (epoch ms) and "wall minutes" (minutes after the day's midnight on the wall clock).
 *
 * Asking luxon for a zone's offset costs microseconds, so each day is described once as
 * one or two segments of constant offset and everything else is integer arithmetic.
 */

/** Milliseconds since the epoch of `day` at 00:00 UTC: the "naive" midnight wall clocks count from. */
export function dayToUtcMs(day: string): number {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = Number(day.slice(8, 10));
  return Date.UTC(year, month - 1, date);
}

export function utcMsToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, count: number): string {
  return utcMsToDay(dayToUtcMs(day) + count * DAY_MS);
}

/** ISO weekday of a calendar day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const weekday = new Date(dayToUtcMs(day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

const zones = new Map<string, IANAZone>();

/** The zone, or an Error for a name this runtime does not know (the settings should never hold one). */
export function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    if (!zone.isValid) throw new Error(`Unknown time zone: ${name}`);
    zones.set(name, zone);
  }
  return zone;
}

/** UTC offset in minutes at an instant (from the cached clock of its UTC day: no luxon call once cached). */
export function offsetAt(zone: string, instant: number): number {
  const clock = dayClock(zone, utcMsToDay(instant));
  return clock.change === null || instant < clock.change ? clock.segments[0]!.offset : clock.segments[1]!.offset;
}

/** The calendar day an instant falls on in the zone. */
export function dayOf(zone: string, instant: number): string {
  return utcMsToDay(instant + offsetAt(zone, instant) * MINUTE_MS);
}

/** Minutes after the naive midnight of `day` that the wall clock shows at an instant (may be < 0 or ≥ 1440). */
export function wallMinuteOf(zone: string, day: string, instant: number): number {
  return (instant + offsetAt(zone, instant) * MINUTE_MS - dayToUtcMs(day)) / MINUTE_MS;
}

/**
 * A stretch of one day's wall clock with a constant offset: wall minute `w` in
 * [wallFrom, wallTo) is the instant `naiveMidnight + (w - offset) * MINUTE_MS`.
 */
export interface Segment {
  wallFrom: number;
  wallTo: number;
  offset: number;
}

export interface DayClock {
  day: string;
  naiveMidnight: number;
  /** One segment on ordinary days, two on the day of a transition. */
  segments: Segment[];
  /** The instant the offset changes, within a day and a half of this day; null if it does not. */
  change: number | null;
}

const clockCache = new Map<string, DayClock>();
const CLOCK_CACHE_LIMIT = 4096;

/**
 * The clock of one day in one zone. Assumes at most one offset change within a day and
 * a half either side of it, which holds for every zone in the IANA database today.
 */
export function dayClock(zone: string, day: string): DayClock {
  const key = `${zone}|${day}`;
  const cached = clockCache.get(key);
  if (cached) return cached;

  const naiveMidnight = dayToUtcMs(day);
  // Wide enough that any offset (−12 h … +14 h) keeps the whole day inside the window.
  const low = naiveMidnight - 15 * 60 * MINUTE_MS;
  const high = naiveMidnight + DAY_MS + 15 * 60 * MINUTE_MS;
  const before = zoneOf(zone).offset(low);
  const after = zoneOf(zone).offset(high);

  let segments: Segment[];
  let change: number | null = null;
  if (before === after) {
    segments = [{ wallFrom: -Infinity, wallTo: Infinity, offset: before }];
  } else {
    change = findOffsetChange(zone, low, high, before);
    const toWall = (instant: number, offset: number) => (instant - naiveMidnight) / MINUTE_MS + offset;
    segments = [
      { wallFrom: -Infinity, wallTo: toWall(change, before), offset: before },
      { wallFrom: toWall(change, after), wallTo: Infinity, offset: after },
    ];
  }

  const clock: DayClock = { day, naiveMidnight, segments, change };
  if (clockCache.size >= CLOCK_CACHE_LIMIT) clockCache.clear();
  clockCache.set(key, clock);
  return clock;
}

/** The first instant (to the minute) at which the offset is no longer `before`. */
function findOffsetChange(zone: string, low: number, high: number, before: number): number {
  let lo = Math.floor(low / MINUTE_MS);
  let hi = Math.ceil(high / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOf(zone).offset(mid * MINUTE_MS) === before) lo = mid;
    else hi = mid;
  }
  return hi * MINUTE_MS;
}

export function wallToInstant(clock: DayClock, segment: Segment, wallMinute: number): number {
  return clock.naiveMidnight + (wallMinute - segment.offset) * MINUTE_MS;
}

/** Every instant at which the wall clock of `day` reads `wallMinute`: none in a DST gap, two in a repeated hour. */
export function wallClockInstants(zone: string, day: string, wallMinute: number): number[] {
  const clock = dayClock(zone, day);
  const instants: number[] = [];
  for (const segment of clock.segments) {
    if (wallMinute >= segment.wallFrom && wallMinute < segment.wallTo) instants.push(wallToInstant(clock, segment, wallMinute));
  }
  return instants.sort((a, b) => a - b);
}

export interface Interval {
  startsAt: number;
  endsAt: number;
}

/**
 * The stretches of real time during which the wall clock of `day` reads within
 * [fromMinute, toMinute), sorted and merged. Usually one; none if the range falls
 * wholly in a DST gap; two if it ends inside a repeated hour.
 */
export function wallRangeToIntervals(zone: string, day: string, fromMinute: number, toMinute: number): Interval[] {
  const clock = dayClock(zone, day);
  const pieces: Interval[] = [];
  for (const segment of clock.segments) {
    const from = Math.max(fromMinute, segment.wallFrom);
    const to = Math.min(toMinute, segment.wallTo);
    if (from < to) pieces.push({ startsAt: wallToInstant(clock, segment, from), endsAt: wallToInstant(clock, segment, to) });
  }
  return mergeIntervals(pieces);
}

/** The instants of a calendar day in the zone: [its first instant, the next day's first instant). */
export function dayBounds(zone: string, day: string): Interval {
  return { startsAt: dayStartInstant(zone, day), endsAt: dayStartInstant(zone, addDays(day, 1)) };
}

function dayStartInstant(zone: string, day: string): number {
  const pieces = wallRangeToIntervals(zone, day, 0, 1440);
  return pieces[0]?.startsAt ?? dayToUtcMs(day);
}

/** Sorts and unites overlapping or touching intervals. Returns a new array. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.startsAt - b.startsAt);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startsAt <= last.endsAt) {
      if (interval.endsAt > last.endsAt) last.endsAt = interval.endsAt;
    } else {
      merged.push({ startsAt: interval.startsAt, endsAt: interval.endsAt });
    }
  }
  return merged;
}
