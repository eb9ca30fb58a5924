import { overlaps, workingDay, type WorkingMinutes } from './slots';
import { dayOf, type Interval } from './wall-clock';

/**
 * Why an appointment no longer fits its practitioner's time: it overlaps their time off,
 * or it lies outside their working hours (shortened after it was booked). Time off wins:
 * it is the more likely reason, and the one the patient must hear about.
 */
export type ScheduleProblem = 'time_off' | 'outside_hours';

/** Statuses still to be seen: an appointment in one of them can be stranded by a schedule change. */
export const unsettledStatuses = ['booked', 'checked_in'] as const;

export function scheduleProblemOf(zone: string, hours: readonly WorkingMinutes[], timeOff: readonly Interval[], appointment: Interval): ScheduleProblem | null {
  return scheduleProblemChecker(zone, hours, timeOff)(appointment);
}

/**
 * `scheduleProblemOf` for many appointments of one practitioner: each day's working blocks
 * are worked out once (a board day checks hundreds of appointments against the same day).
 * An appointment must fit the hours of the day it starts on, as a booking must.
 */
export function scheduleProblemChecker(
  zone: string,
  hours: readonly WorkingMinutes[],
  timeOff: readonly Interval[],
): (appointment: Interval) => ScheduleProblem | null {
  const blocksByDay = new Map<string, Interval[]>();
  return (appointment) => {
    if (timeOff.some((off) => overlaps(off, appointment))) return 'time_off';
    const day = dayOf(zone, appointment.startsAt);
    let blocks = blocksByDay.get(day);
    if (!blocks) {
      // The step does not matter for the blocks; 1440 keeps the grid to one start per interval.
      blocks = workingDay(zone, day, hours, 1440).blocks;
      blocksByDay.set(day, blocks);
    }
    return blocks.some((block) => block.startsAt <= appointment.startsAt && appointment.endsAt <= block.endsAt) ? null : 'outside_hours';
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
