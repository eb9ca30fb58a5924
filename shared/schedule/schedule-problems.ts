import { fitsWorkingHours, overlaps, type WorkingMinutes } from './slots';
import type { Interval } from './wall-clock';

/**
 * Why an appointment no longer fits its practitioner's time: it overlaps their time off,
 * or it lies outside their working hours (shortened after it was booked). Time off wins:
 * it is the more likely reason, and the one the patient must hear about.
 */
export type ScheduleProblem = 'time_off' | 'outside_hours';

/** Statuses still to be seen: an appointment in one of them can be stranded by a schedule change. */
export const unsettledStatuses = ['booked', 'checked_in'] as const;

export function scheduleProblemOf(zone: string, hours: readonly WorkingMinutes[], timeOff: readonly Interval[], appointment: Interval): ScheduleProblem | null {
  if (timeOff.some((off) => overlaps(off, appointment))) return 'time_off';
  if (!fitsWorkingHours(zone, hours, appointment.startsAt, appointment.endsAt)) return 'outside_hours';
  return null;
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
