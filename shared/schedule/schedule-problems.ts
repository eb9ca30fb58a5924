import { overlaps, type WorkingMinutes } from './slots';
import { dayBounds, dayOf, isoWeekday, mergeIntervals, wallRangeToIntervals, type Interval } from './wall-clock';

/**
 * Why an appointment no longer fits its practitioner's time: it overlaps their time off,
 * or it lies outside their working hours (shortened after it was booked). Time off wins:
 * it is the more likely reason, and the one the patient must hear about. `clinic_closed`
 * (a holiday declared since) wins over both, but is the clinic's, not the practitioner's:
 * the service finds it.
 */
export type ScheduleProblem = 'clinic_closed' | 'time_off' | 'outside_hours';

/** Statuses still to be seen: an appointment in one of them can be stranded by a schedule change. */
export const unsettledStatuses = ['booked', 'checked_in'] as const;

export function scheduleProblemOf(zone: string, hours: readonly WorkingMinutes[], timeOff: readonly Interval[], appointment: Interval): ScheduleProblem | null {
  return scheduleProblemChecker(zone, hours, timeOff)(appointment);
}

/**
 * `scheduleProblemOf` for many appointments of one practitioner. For one clinic-wide call
 * (a board day checks a thousand appointments of fifty practitioners), pass the same
 * `shared` cache to every practitioner's checker: the days and the wall-clock ranges are
 * then worked out once, not per appointment or per practitioner. An appointment must fit
 * the hours of the day it starts on, as a booking must.
 */
export function scheduleProblemChecker(
  zone: string,
  hours: readonly WorkingMinutes[],
  timeOff: readonly Interval[],
  shared: ScheduleCache = scheduleCache(zone),
): (appointment: Interval) => ScheduleProblem | null {
  const blocksByDay = new Map<string, Interval[]>();
  return (appointment) => {
    if (timeOff.some((off) => overlaps(off, appointment))) return 'time_off';
    const day = shared.dayOf(appointment.startsAt);
    let blocks = blocksByDay.get(day);
    if (!blocks) {
      const weekday = isoWeekday(day);
      blocks = mergeIntervals(
        hours.filter((interval) => interval.weekday === weekday).flatMap((interval) => shared.wallRange(day, interval.startMinute, interval.endMinute)),
      );
      blocksByDay.set(day, blocks);
    }
    return blocks.some((block) => block.startsAt <= appointment.startsAt && appointment.endsAt <= block.endsAt) ? null : 'outside_hours';
  };
}

/** Time-zone arithmetic shared by the checkers of one call. */
export interface ScheduleCache {
  dayOf(instant: number): string;
  wallRange(day: string, fromMinute: number, toMinute: number): Interval[];
}

export function scheduleCache(zone: string): ScheduleCache {
  const days: Array<{ day: string; startsAt: number; endsAt: number }> = [];
  const ranges = new Map<string, Interval[]>();
  return {
    dayOf(instant) {
      const known = days.find((candidate) => candidate.startsAt <= instant && instant < candidate.endsAt);
      if (known) return known.day;
      const day = dayOf(zone, instant);
      days.push({ day, ...dayBounds(zone, day) });
      return day;
    },
    wallRange(day, fromMinute, toMinute) {
      const key = `${day}|${fromMinute}|${toMinute}`;
      let found = ranges.get(key);
      if (!found) {
        found = wallRangeToIntervals(zone, day, fromMinute, toMinute);
        ranges.set(key, found);
      }
      return found;
    },
  };
}

/**
 * The end of the time off `instant` falls in, following time off that starts where the
 * last ends; `instant` itself when it falls in none. An estimate must not promise a
 * patient a time when their practitioner is away.
 */
export function afterTimeOff(instant: number, timeOff: readonly Interval[]): number {
  let t = instant;
  for (let moved = true; moved;) {
    moved = false;
    for (const off of timeOff) {
      if (off.startsAt <= t && t < off.endsAt) {
        t = off.endsAt;
        moved = true;
      }
    }
  }
  return t;
}
