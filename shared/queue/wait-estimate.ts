import { defaultDurationOptions, recentDurations, remainingMinutes, typicalMinutes, type ConsultationRecord, type DurationOptions } from './durations';
import { projectQueue, type QueueForecast, type UpcomingAppointment } from './queue-order';
import type { QueueEntry, QueueRules } from './queue-rules';
import { MINUTE_MS } from '../time/units';

/**
 * Estimated waits for a practitioner's waiting list.
 *
 * THE METHOD
 * 1. Durations. For each specialty in play, the practitioner's typical consultation
 *    length: the median of their consultations of the last `windowDays` days (default
 *    28), pulled towards the specialty's default duration by `priorWeight` pseudo
 *    consultations (default 3), so with no history it is the default and with a few
 *    weeks of history it is their own median (`typicalMinutes`).
 * 2. Free at. If a consultation is under way, the practitioner is free after its expected
 *    remainder: the median remaining length among their past consultations that lasted
 *    longer than this one has so far, or typical − elapsed with too few of those, never
 *    under a 2-minute floor (`remainingMinutes`, which says why). Each patient already
 *    called but not yet in the room (whatever room they were called or sent to) adds a
 *    whole typical consultation: they are seen before anyone waiting. Idle: now.
 * 3. Walk the list. From that moment, each waiting patient in turn is expected to start
 *    at max(the running time, their appointment's start) (rule 3 of queue-rules.ts: an
 *    on-time patient with an appointment at 10:30 is never told 10:10, unless staff moved
 *    them ahead of someone due earlier, who they replace), and the running
 *    time moves on by their typical consultation. Booked appointments not yet checked in
 *    (`upcoming`) take their turn when due, as the queue rules would give it to them, so
 *    a walk-in is not promised the slot of a patient who is about to arrive. Since some
 *    never come or come late, each counts for `upcomingShowRate` (the clinic's measured
 *    share of on-time arrivals, `onTimeShare`) of a typical consultation: the time it
 *    takes from those behind it on average.
 *
 * What each part is worth, in bench/queue.bench.ts (a simulated clinic with known
 * outcomes; mean absolute error of the estimate told at check-in, minutes): all of it
 * 14.4, against 40.2 for the naive "patients ahead × default duration". Without the
 * practitioners' history (defaults only) 17.1; without the appointments still to come
 * 23.2; counting every booking as sure to come 17.0 (walk-ins: 37.7 instead of 30.4).
 * The conditional remainder of step 2 guesses the consultation under way better than
 * max(typical − elapsed, 2) (5.25 against 5.39 minutes), which hardly shows in the total.
 * 4. Report. minutes = round((expectedStartAt − now) / 1 min), never below 0. Along the
 *    list, expected starts never decrease.
 *
 * The practitioner's time off is skipped: nobody is expected to be called inside it.
 *
 * Not modelled: breaks and the end of the practitioner's day, patients who leave, and
 * several practitioners sharing one queue (every walk-in is assigned a practitioner at
 * check-in). Ordering a specialty's unassigned walk-ins still works with `orderQueue`.
 */

/** A consultation that occupies the practitioner now. */
export interface CurrentConsultation {
  specialtyId: number;
  /** `called`: the patient is on their way in; `in_consultation`: it has started. */
  status: 'called' | 'in_consultation';
  /** When that status began (epoch ms). */
  since: number;
}

/** Everything the estimate needs besides the waiting list. */
export interface WaitContext {
  /** The current instant (epoch ms). */
  now: number;
  practitionerId: number;
  rules: Pick<QueueRules, 'graceMinutes'>;
  /** Each specialty's default (booked) duration in minutes: the fallback with no history. */
  specialtyMinutes: ReadonlyMap<number, number>;
  /** Finished consultations; others' and older ones are ignored, so passing more is harmless. */
  history: readonly ConsultationRecord[];
  /** What occupies the practitioner before the waiting list: one consultation, or several (one under way, patients already called). */
  current?: CurrentConsultation | readonly CurrentConsultation[] | null;
  /** This practitioner's booked appointments not checked in yet; those starting after `now` count. */
  upcoming?: readonly UpcomingAppointment[];
  /**
   * The share (0–1) of booked appointments that turn up on time, e.g. `onTimeShare` of
   * the last weeks; default 1. Upcoming appointments count for this share of their
   * expected consultation.
   */
  upcomingShowRate?: number;
  /** The practitioner's time off: no estimate falls inside it. */
  timeOff?: QueueForecast['timeOff'];
  options?: Partial<DurationOptions>;
}

/** One waiting patient's estimate. */
export interface WaitEstimate {
  entryId: number;
  /** Whole minutes from now until the patient is expected to be called; ≥ 0. */
  minutes: number;
  /** When the patient is expected to be called (epoch ms); ≥ now, ≥ the appointment's start. */
  expectedStartAt: number;
}

/**
 * The durations, free time and upcoming appointments of a practitioner's queue, ready
 * for `orderQueue` and `projectQueue`. Each specialty's typical length is worked out once.
 *
 * @throws RangeError when a specialty in play has no default duration in `specialtyMinutes`.
 */
export function queueForecast(context: WaitContext): QueueForecast {
  const options = { ...defaultDurationOptions, ...context.options };
  const samples = new Map<number, number[]>();
  const typical = new Map<number, number>();
  const samplesFor = (specialtyId: number): number[] => {
    let found = samples.get(specialtyId);
    if (!found) {
      found = recentDurations(context.history, context.practitionerId, specialtyId, context.now, options.windowDays);
      samples.set(specialtyId, found);
    }
    return found;
  };
  const minutesFor = (specialtyId: number): number => {
    let minutes = typical.get(specialtyId);
    if (minutes === undefined) {
      const fallback = context.specialtyMinutes.get(specialtyId);
      if (fallback === undefined) throw new RangeError(`no default duration for specialty ${specialtyId}`);
      minutes = typicalMinutes(samplesFor(specialtyId), fallback, options.priorWeight);
      typical.set(specialtyId, minutes);
    }
    return minutes;
  };

  let freeAt = context.now;
  const current = context.current;
  const busy: readonly CurrentConsultation[] = current ? (Array.isArray(current) ? current : [current as CurrentConsultation]) : [];
  for (const consultation of busy) {
    const typicalNow = minutesFor(consultation.specialtyId);
    const left =
      consultation.status === 'called'
        ? typicalNow
        : remainingMinutes(samplesFor(consultation.specialtyId), (context.now - consultation.since) / MINUTE_MS, typicalNow, options);
    freeAt += left * MINUTE_MS;
  }
  return { freeAt, minutesFor, upcoming: context.upcoming ?? [], upcomingShowRate: context.upcomingShowRate ?? 1, timeOff: context.timeOff ?? [] };
}

function toEstimates(projected: ReadonlyArray<{ entry: QueueEntry; expectedStartAt: number }>, now: number): WaitEstimate[] {
  return projected.map(({ entry, expectedStartAt }) => ({
    entryId: entry.id,
    minutes: Math.max(0, Math.round((expectedStartAt - now) / MINUTE_MS)),
    expectedStartAt,
  }));
}

/**
 * Estimated waits along a waiting list that is already in order, by the method above.
 *
 * @param queue The practitioner's waiting list in calling order, normally
 *   `orderQueue(entries, now, rules, queueForecast(context))` (or use {@link planQueue},
 *   which does both). The order is kept as given; entries that are not `checked_in` are
 *   left out.
 * @returns One estimate per waiting entry, in queue order: minutes ≥ 0 and expected starts
 *   that never decrease along the list, never before now nor an appointment's start.
 */
export function estimateWaits(queue: readonly QueueEntry[], context: WaitContext): WaitEstimate[] {
  return toEstimates(projectQueue(queue, context.now, context.rules, queueForecast(context), 'asGiven'), context.now);
}

/**
 * The waiting list and its estimates in one go, from one forecast, so the order shown
 * and the waits shown always agree.
 */
export function planQueue<E extends QueueEntry>(entries: readonly E[], context: WaitContext): { order: E[]; waits: WaitEstimate[]; freeAt: number } {
  const forecast = queueForecast(context);
  const projected = projectQueue(entries, context.now, context.rules, forecast);
  return { order: projected.map((item) => item.entry), waits: toEstimates(projected, context.now), freeAt: forecast.freeAt };
}
