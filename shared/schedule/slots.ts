import type { Slot } from './schedule.contract';
import { addDays, dayClock, dayOf, isoWeekday, mergeIntervals, wallRangeToIntervals, wallToInstant, type Interval } from './wall-clock';
import { MINUTE_MS } from '../time/units';

/** One working interval, in wall-clock minutes after midnight (end may be 1440). */
export interface WorkingMinutes {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface SlotPractitioner {
  practitionerId: number;
  /** Where this practitioner sees patients; null when no room is involved. */
  roomId: number | null;
  /** The whole week; only the intervals of each day's weekday are used. */
  workingHours: readonly WorkingMinutes[];
  /** Active appointments and time off of this practitioner, in any order, possibly overlapping. */
  busy: readonly Interval[];
}

export interface FreeSlotsQuery {
  timeZone: string;
  fromDay: string;
  days: number;
  stepMinutes: number;
  durationMinutes: number;
  /** No slot starts before this instant (now). */
  notBefore: number;
  practitioners: readonly SlotPractitioner[];
  /** Active appointments per room, whoever holds them. */
  roomBusy: ReadonlyMap<number, readonly Interval[]>;
  /** Keep only the earliest slots. */
  limit?: number;
  /** The clinic's holidays ('YYYY-MM-DD'): no slot on them, whoever works that weekday. */
  closedDays?: ReadonlySet<string>;
}

/**
 * A practitioner's working time on one calendar day: `blocks` are the real-time
 * stretches (touching intervals united, so a visit may run from one into the next);
 * `starts` are the grid instants, every `step` wall-clock minutes from each interval's
 * start. A wall time that falls in a DST gap has no instant and is skipped; one in a
 * repeated hour has two.
 */
export interface WorkingDay {
  blocks: Interval[];
  starts: number[];
}

export function workingDay(zone: string, day: string, hours: readonly WorkingMinutes[], stepMinutes: number): WorkingDay {
  if (!(stepMinutes >= 1)) throw new RangeError(`slot step must be at least a minute, not ${stepMinutes}`);
  const weekday = isoWeekday(day);
  const clock = dayClock(zone, day);
  const pieces: Interval[] = [];
  const starts: number[] = [];
  for (const interval of hours) {
    if (interval.weekday !== weekday) continue;
    pieces.push(...wallRangeToIntervals(zone, day, interval.startMinute, interval.endMinute));
    for (let minute = interval.startMinute; minute < interval.endMinute; minute += stepMinutes) {
      for (const segment of clock.segments) {
        if (minute >= segment.wallFrom && minute < segment.wallTo) starts.push(wallToInstant(clock, segment, minute));
      }
    }
  }
  starts.sort((a, b) => a - b);
  return { blocks: mergeIntervals(pieces), starts };
}

/**
 * Disjoint, sorted busy time: answers "is [start, end) free?" by binary search,
 * so checking every candidate of two weeks stays cheap.
 */
export class BusyTime {
  private readonly intervals: Interval[];

  constructor(intervals: readonly Interval[]) {
    this.intervals = mergeIntervals(intervals);
  }

  isFree(startsAt: number, endsAt: number): boolean {
    // Disjoint and sorted: only the first interval that ends after `startsAt` can overlap.
    let lo = 0;
    let hi = this.intervals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.intervals[mid]!.endsAt <= startsAt) lo = mid + 1;
      else hi = mid;
    }
    const next = this.intervals[lo];
    return next === undefined || next.startsAt >= endsAt;
  }
}

function blockContains(blocks: readonly Interval[], startsAt: number, endsAt: number): boolean {
  for (const block of blocks) {
    if (block.startsAt <= startsAt && endsAt <= block.endsAt) return true;
  }
  return false;
}

/**
 * Free slots: working hours minus busy time, for each practitioner and day, where the
 * whole duration is free for both the practitioner and their room. Sorted by start,
 * then practitioner.
 */
export function computeFreeSlots(query: FreeSlotsQuery): Slot[] {
  const duration = query.durationMinutes * MINUTE_MS;
  const roomTime = new Map<number, BusyTime>();
  const roomBusy = (roomId: number): BusyTime => {
    let busy = roomTime.get(roomId);
    if (!busy) {
      busy = new BusyTime(query.roomBusy.get(roomId) ?? []);
      roomTime.set(roomId, busy);
    }
    return busy;
  };

  const days = Array.from({ length: query.days }, (_, index) => {
    const day = addDays(query.fromDay, index);
    return { day, weekday: isoWeekday(day) };
  }).filter(({ day }) => !query.closedDays?.has(day));
  // Most practitioners share a handful of weekly patterns: each day's working time is
  // worked out once per pattern, not once per practitioner.
  const workingDays = new Map<string, WorkingDay>();
  const slots: Slot[] = [];
  for (const practitioner of query.practitioners) {
    const own = new BusyTime(practitioner.busy);
    const room = practitioner.roomId === null ? null : roomBusy(practitioner.roomId);
    const byWeekday = groupByWeekday(practitioner.workingHours);
    const patterns = byWeekday.map((hours) => hours.map((h) => `${h.startMinute}-${h.endMinute}`).join(','));
    for (const { day, weekday } of days) {
      const hours = byWeekday[weekday]!;
      if (hours.length === 0) continue;
      const key = `${day}|${patterns[weekday]}`;
      let working = workingDays.get(key);
      if (!working) {
        working = workingDay(query.timeZone, day, hours, query.stepMinutes);
        workingDays.set(key, working);
      }
      for (const startsAt of working.starts) {
        const endsAt = startsAt + duration;
        if (startsAt < query.notBefore) continue;
        if (!blockContains(working.blocks, startsAt, endsAt)) continue;
        if (!own.isFree(startsAt, endsAt)) continue;
        if (room && !room.isFree(startsAt, endsAt)) continue;
        slots.push({ practitionerId: practitioner.practitionerId, roomId: practitioner.roomId, startsAt, endsAt });
      }
    }
  }

  slots.sort((a, b) => a.startsAt - b.startsAt || a.practitionerId - b.practitionerId);
  return query.limit === undefined ? slots : slots.slice(0, query.limit);
}

/** Index 1–7: that weekday's intervals, by start. */
function groupByWeekday(hours: readonly WorkingMinutes[]): WorkingMinutes[][] {
  const byWeekday: WorkingMinutes[][] = Array.from({ length: 8 }, () => []);
  for (const interval of hours) byWeekday[interval.weekday]?.push(interval);
  for (const list of byWeekday) list.sort((a, b) => a.startMinute - b.startMinute);
  return byWeekday;
}

/** Whether [startsAt, endsAt) lies wholly inside the working hours of the day it starts on. */
export function fitsWorkingHours(zone: string, hours: readonly WorkingMinutes[], startsAt: number, endsAt: number): boolean {
  const day = dayOf(zone, startsAt);
  // The step does not matter for the blocks; 1440 keeps the grid to one start per interval.
  const { blocks } = workingDay(zone, day, hours, 1440);
  return blockContains(blocks, startsAt, endsAt);
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/**
 * Problems with a set of weekly intervals: an end not after its start, or two intervals
 * of one weekday that overlap (touching is fine). Empty when the week is valid.
 */
export function workingHoursProblems(hours: readonly WorkingMinutes[]): Array<{ index: number; problem: 'empty' | 'overlap'; with?: number }> {
  const problems: Array<{ index: number; problem: 'empty' | 'overlap'; with?: number }> = [];
  hours.forEach((interval, index) => {
    if (interval.endMinute <= interval.startMinute) problems.push({ index, problem: 'empty' });
  });
  for (let i = 0; i < hours.length; i++) {
    for (let j = i + 1; j < hours.length; j++) {
      const a = hours[i]!;
      const b = hours[j]!;
      if (a.weekday === b.weekday && a.startMinute < b.endMinute && b.startMinute < a.endMinute) {
        problems.push({ index: j, problem: 'overlap', with: i });
      }
    }
  }
  return problems;
}
