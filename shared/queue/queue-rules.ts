import { MINUTE_MS } from '../time/units';

/**
 * The check-in queue: who waits, in what order, and who becomes a no-show. This file holds
 * the rules, the statuses, the settings and how an entry is seen (on time, late, walk-in);
 * the order (rules 2–7) is computed in queue-order.ts, the no-shows (rule 8) in no-shows.ts.
 *
 * THE QUEUE RULES. This block is the single source of truth; the README quotes it.
 *
 * 1. Waiting. Check-in puts a patient in their practitioner's waiting list with status
 *    `checked_in`. Only `checked_in` patients wait. Statuses: `checked_in` → `called` →
 *    `in_consultation` → `done`; a called patient who does not come in may go back to
 *    `checked_in`; a waiting or called patient may leave without being seen
 *    (`left_unseen`); a booked appointment nobody checked in becomes `no_show` (rule 8).
 *    A walk-in joins a queue at once, however busy the practitioner, and holds no slot
 *    while waiting; the call gives them one, from when the practitioner is free and
 *    never over anyone else's.
 * 2. On time. An appointment patient who checks in no later than start + grace
 *    (`graceMinutes`, default 10; checking in exactly at the end of the grace is on time)
 *    is on time. On-time patients are called in appointment order.
 * 3. Not before their time. An on-time patient is due from their appointment's start, not
 *    earlier: arriving early does not move them ahead of anyone, and they are never told
 *    they will be seen before their appointment time, unless staff move them ahead of
 *    someone who is due: then they are expected when that patient would have been called.
 * 4. Late. A patient who checks in after start + grace has lost the claim to their slot:
 *    they go behind every on-time patient who is due and wait like a walk-in (rule 5).
 * 5. Walk-ins fill gaps. A walk-in (or late patient) is called only when no on-time
 *    patient is due: when no on-time patient is waiting, or the next one's appointment
 *    has not started yet. Among walk-ins and late patients: first come, first served.
 * 6. Manual moves. Staff may move a patient up or down, with a reason. A move is recorded
 *    as "this patient before that one" for each patient it passed, and the ordering keeps
 *    it while both still wait; rules 2–5 order everyone around it. Of two moves about the
 *    same two patients, the newer one wins. A patient moved up lands exactly where staff
 *    put them; one moved down lands at least that far down (someone who falls due
 *    meanwhile may also go ahead of them).
 * 7. Projection. "Due" is judged at the moment each patient is expected to be called:
 *    the head of the list is decided at the moment the practitioner is free, the second
 *    one after the head's expected consultation, and so on (with a forecast of durations
 *    and of the appointments still to arrive; without one, everyone is judged at `now`).
 *    Ties are broken the same way every time: on-time patients by appointment start,
 *    then check-in time, then id; walk-ins and late patients by check-in time, an
 *    appointment before a walk-in, then id.
 * 8. No-show. An appointment still `booked` (not checked in) `noShowAfterMinutes` after
 *    its start (default 30; exactly at that mark counts) becomes `no_show`. A no-show who
 *    turns up after all may still be checked in; they wait as late (rule 4).
 */

export const queueStatuses = ['checked_in', 'called', 'in_consultation', 'done', 'no_show', 'left_unseen'] as const;
/** Where a checked-in patient (or an appointment that never came) stands. `left_unseen`: left without being seen. */
export type QueueStatus = (typeof queueStatuses)[number];

/**
 * Allowed status changes (rule 1 and rule 8). `booked` is the appointment before check-in.
 * `called → checked_in` puts back a patient who did not answer the call; they keep their
 * place, since their place follows from their appointment or arrival, not from the call.
 */
export const queueTransitions: Readonly<Record<QueueStatus | 'booked', readonly QueueStatus[]>> = {
  booked: ['checked_in', 'no_show'],
  checked_in: ['called', 'left_unseen'],
  called: ['in_consultation', 'checked_in', 'left_unseen'],
  in_consultation: ['done'],
  done: [],
  no_show: ['checked_in'],
  left_unseen: [],
};

export function canTransition(from: QueueStatus | 'booked', to: QueueStatus): boolean {
  return queueTransitions[from].includes(to);
}

/** The clinic's queue settings. */
export interface QueueRules {
  /** Minutes after an appointment's start during which checking in still counts as on time (rule 2). */
  graceMinutes: number;
  /** Minutes after an appointment's start at which one not checked in becomes a no-show (rule 8). */
  noShowAfterMinutes: number;
}

export const defaultQueueRules: QueueRules = { graceMinutes: 10, noShowAfterMinutes: 30 };

/**
 * A manual move (rule 6), stored on the patient moved. Build one with `moveInQueue`
 * (queue-order.ts) from the order staff were looking at, so that `past` names exactly who
 * was passed.
 */
export interface ManualMove {
  /** When staff made the move (epoch ms): a newer move about the same two patients wins. */
  at: number;
  /** `up`: the patient now goes before everyone in `past`; `down`: after them. */
  direction: 'up' | 'down';
  /** Ids of the queue entries passed, nearest first. Entries no longer waiting are ignored. */
  past: readonly number[];
  /** Why (required; shown to staff beside the entry and kept in the audit log). */
  reason: string;
  staffId?: number | null;
}

interface QueueEntryBase {
  /** The appointment id (a walk-in is also an appointment row, with `isWalkIn`). */
  id: number;
  specialtyId: number;
  /** When the patient checked in (epoch ms). */
  arrivedAt: number;
  status: QueueStatus;
  /** Manual moves of this patient, in any order. */
  moves?: readonly ManualMove[];
}

/** A patient with an appointment. */
export interface AppointmentQueueEntry extends QueueEntryBase {
  kind: 'appointment';
  /** The appointment's start (epoch ms). */
  startsAt: number;
}

/** A patient without an appointment. */
export interface WalkInQueueEntry extends QueueEntryBase {
  kind: 'walkIn';
}

/** One patient in one queue: a practitioner's (or, for walk-ins not yet assigned, a specialty's). */
export type QueueEntry = AppointmentQueueEntry | WalkInQueueEntry;

/** How rules 2–5 see an entry: `onTime` is called by appointment order; `late` and `walkIn` fill gaps. */
export type QueueLane = 'onTime' | 'late' | 'walkIn';

export function laneOf(entry: QueueEntry, rules: Pick<QueueRules, 'graceMinutes'>): QueueLane {
  if (entry.kind === 'walkIn') return 'walkIn';
  return entry.arrivedAt <= entry.startsAt + rules.graceMinutes * MINUTE_MS ? 'onTime' : 'late';
}

export function isWaiting(entry: QueueEntry): boolean {
  return entry.status === 'checked_in';
}
