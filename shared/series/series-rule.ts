import { clockToMinutes } from '../contract/common';
import { addDays, dayClock, dayToUtcMs, isoWeekday, wallToInstant } from '../schedule/wall-clock';
import { DAY_MS } from '../time/units';

/** The most sessions one series may hold: a course, not a standing order. */
export const MAX_SERIES_SESSIONS = 60;

/** How a series repeats: on some weekdays of every week, or every N days. */
export type SeriesRepeat = { kind: 'weekly'; weekdays: readonly number[] } | { kind: 'everyDays'; days: number };

export interface SeriesRule {
  /** The first day it may start on, 'YYYY-MM-DD' on the clinic's clock. */
  firstDay: string;
  /** The wall-clock time every session starts at, 'HH:MM'. */
  time: string;
  repeat: SeriesRepeat;
  /** Stop after this many sessions… */
  count?: number | undefined;
  /** …or after this day (inclusive); with both, whichever comes first. Always capped at MAX_SERIES_SESSIONS. */
  until?: string | undefined;
}

/** The clinic days a rule falls on, in order, at most MAX_SERIES_SESSIONS of them. */
export function seriesDays(rule: SeriesRule): string[] {
  const limit = Math.min(rule.count ?? MAX_SERIES_SESSIONS, MAX_SERIES_SESSIONS);
  const lastMs = rule.until === undefined ? Infinity : dayToUtcMs(rule.until);
  const days: string[] = [];
  const step = rule.repeat.kind === 'everyDays' ? rule.repeat.days : 1;
  const weekdays = rule.repeat.kind === 'weekly' ? new Set(rule.repeat.weekdays) : null;
  // A weekly rule with no weekday would never stop: the schema refuses it, this guards anyway.
  if (weekdays?.size === 0) return days;
  for (let day = rule.firstDay; days.length < limit && dayToUtcMs(day) <= lastMs; day = addDays(day, step)) {
    if (weekdays === null || weekdays.has(isoWeekday(day))) days.push(day);
  }
  return days;
}

/**
 * The instant the wall clock of `day` reads `time` in the zone: the same wall-clock time on
 * every day, whatever the DST offset. A time the clock skips (spring forward) is read at the
 * offset before the jump, so it lands that much later (01:30 becomes 02:30); a time it
 * repeats (fall back), at its first occurrence.
 */
export function wallClockStart(zone: string, day: string, time: string): number {
  const minute = clockToMinutes(time);
  const clock = dayClock(zone, day);
  const segment = clock.segments.find((s) => minute >= s.wallFrom && minute < s.wallTo) ?? clock.segments[0]!;
  return wallToInstant(clock, segment, minute);
}

/** The days between two clinic days (b − a), for moving a series by whole days. */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayToUtcMs(b) - dayToUtcMs(a)) / DAY_MS);
}
