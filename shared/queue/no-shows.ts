import { MINUTE_MS } from '../time/units';

/** Who becomes a no-show, and when (rule 8 of queue-rules.ts). */

/** What {@link dueNoShows} needs of an appointment. */
export interface NoShowCandidate {
  id: number;
  startsAt: number;
  /** The appointment's status; only `booked` (not checked in) can become a no-show. */
  status: string;
  /** Walk-ins are created at check-in, so they are never no-shows. */
  isWalkIn?: boolean;
}

function checkNoShowMinutes(minutes: number): void {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`no-show minutes must be a finite number ≥ 0, not ${minutes}`);
}

/**
 * Ids of the appointments that become no-shows at `now` (rule 8): still `booked`, not a
 * walk-in, and `now ≥ startsAt + minutes`. At exactly `startsAt + minutes` the
 * appointment is a no-show; one millisecond earlier it is not. Sorted by start, then id.
 *
 * @throws RangeError when `minutes` is negative or not finite.
 */
export function dueNoShows(appointments: readonly NoShowCandidate[], now: number, minutes: number): number[] {
  checkNoShowMinutes(minutes);
  const limit = minutes * MINUTE_MS;
  return appointments
    .filter((appointment) => appointment.status === 'booked' && !appointment.isWalkIn && now >= appointment.startsAt + limit)
    .sort((a, b) => a.startsAt - b.startsAt || a.id - b.id)
    .map((appointment) => appointment.id);
}

/**
 * When the next appointment will become a no-show, if nothing changes: the earliest
 * `startsAt + minutes` after `now` among `booked` non-walk-in appointments, or null.
 * Lets the store sleep until then instead of polling.
 */
export function nextNoShowAt(appointments: readonly NoShowCandidate[], now: number, minutes: number): number | null {
  checkNoShowMinutes(minutes);
  let next: number | null = null;
  for (const appointment of appointments) {
    if (appointment.status !== 'booked' || appointment.isWalkIn) continue;
    const at = appointment.startsAt + minutes * MINUTE_MS;
    if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}
