import { AppError } from '../contract/errors';
import { MINUTE_MS } from '../time/units';
import { afterTimeOff } from '../schedule/schedule-problems';
import type { Interval } from '../schedule/wall-clock';
import { isWaiting, laneOf, type ManualMove, type QueueEntry, type QueueLane, type QueueRules } from './queue-rules';

/**
 * The order of a waiting list (rules 2–7 of queue-rules.ts): the projection that places
 * the waiting patients one at a time as the practitioner would call them, and the manual
 * moves staff make in it.
 */

/** A booked appointment of this practitioner not checked in yet, expected to arrive on time. */
export interface UpcomingAppointment {
  startsAt: number;
  specialtyId: number;
}

/**
 * What the projection of rule 7 needs to know about time. Build it from history with
 * `queueForecast` (wait-estimate.ts); orderQueue without one judges everyone at `now`.
 */
export interface QueueForecast {
  /** When the practitioner is expected to be free (now, if idle). */
  freeAt: number;
  /** Expected consultation length for this practitioner in a specialty, in minutes. */
  minutesFor(specialtyId: number): number;
  /**
   * Booked appointments still to come (start after now). They take their turn when due,
   * like on-time patients, but do not appear in the result.
   */
  upcoming: readonly UpcomingAppointment[];
  /**
   * The share (0–1) of booked appointments that turn up on time; default 1. An upcoming
   * appointment is an expected patient, not a certain one: it holds up those behind it
   * for this share of its expected consultation, on average.
   */
  upcomingShowRate?: number;
  /** The practitioner's time off: nobody is expected to be called inside it. */
  timeOff?: readonly Interval[];
}

/** One waiting patient with the moment the projection expects them to be called. */
export interface ProjectedEntry<E extends QueueEntry> {
  entry: E;
  /**
   * Never before `now`, nor before the appointment's start (rule 3), unless staff moved
   * the patient ahead of someone who is due earlier: then when that one would have been called.
   */
  expectedStartAt: number;
}

const NO_FORECAST: Omit<QueueForecast, 'freeAt'> = { minutesFor: () => 0, upcoming: [], upcomingShowRate: 1 };

interface Node<E extends QueueEntry> {
  entry: E;
  index: number;
  lane: QueueLane;
  startsAt: number;
  /** Indices of the nodes that must be placed before this one. */
  before: number[];
  isPlaced: boolean;
}

/** Category of rules 2–5 at time t: 0 due on time, 1 gap filler, 2 on time but not yet due. */
function category(lane: QueueLane, startsAt: number, t: number): number {
  if (lane !== 'onTime') return 1;
  return startsAt <= t ? 0 : 2;
}

/** Negative when `a` goes before `b` at time t (rules 2–5 and the tie-breaks of rule 7). */
function compareNodes<E extends QueueEntry>(a: Node<E>, b: Node<E>, t: number): number {
  const ca = category(a.lane, a.startsAt, t);
  const cb = category(b.lane, b.startsAt, t);
  if (ca !== cb) return ca - cb;
  if (ca === 1) {
    return (
      a.entry.arrivedAt - b.entry.arrivedAt ||
      (a.entry.kind === 'appointment' ? 0 : 1) - (b.entry.kind === 'appointment' ? 0 : 1) ||
      a.startsAt - b.startsAt ||
      a.entry.id - b.entry.id
    );
  }
  return a.startsAt - b.startsAt || a.entry.arrivedAt - b.entry.arrivedAt || a.entry.id - b.entry.id;
}

/**
 * Turns the manual moves of the waiting entries into "must be placed before" edges
 * (rule 6). Taken newest first, and a claim that would close a cycle with newer ones is
 * dropped: that settles an older move about the same two patients, as well as concurrent
 * or hand-edited moves, and always leaves an order that satisfies every claim kept.
 */
function moveConstraints<E extends QueueEntry>(nodes: Node<E>[]): void {
  const byId = new Map(nodes.map((node) => [node.entry.id, node]));
  const claims: Array<{ at: number; moverId: number; seq: number; first: Node<E>; second: Node<E> }> = [];
  for (const node of nodes) {
    let seq = 0;
    for (const move of node.entry.moves ?? []) {
      for (const passedId of move.past) {
        seq++;
        const other = byId.get(passedId);
        if (!other || other === node) continue;
        const [first, second] = move.direction === 'up' ? [node, other] : [other, node];
        claims.push({ at: move.at, moverId: node.entry.id, seq, first, second });
      }
    }
  }
  // Newest first; equal instants (two desks at once) settled by ids, never by input order.
  claims.sort((a, b) => b.at - a.at || b.moverId - a.moverId || b.seq - a.seq);
  const after = new Map<number, number[]>();
  const reaches = (from: number, to: number): boolean => {
    const stack = [from];
    const seen = new Set<number>();
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current === to) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...(after.get(current) ?? []));
    }
    return false;
  };
  for (const { first, second } of claims) {
    if (reaches(second.index, first.index)) continue;
    after.set(first.index, [...(after.get(first.index) ?? []), second.index]);
    second.before.push(first.index);
  }
}

/**
 * The engine behind {@link orderQueue} and `estimateWaits`: places the waiting entries
 * one at a time, as the practitioner would call them (rule 7), and notes when each is
 * expected to be called.
 *
 * Step by step, at the projected time t: take the best of everyone left by rules 2–5
 * (booked appointments still to come compete as on-time patients from their start, and
 * take `upcomingShowRate` × their expected consultation).
 * If that is a real patient who must wait for others (a manual move, or the given order),
 * place instead the best of those others, recursively, at the moment the first pick would
 * have been called. An upcoming appointment only advances t. Placing a patient sets t to
 * their expected start (max(t, their start if an appointment, or the displaced pick's if
 * earlier)) plus their expected consultation.
 *
 * @param order `'rules'` orders by the rules and the manual moves; `'asGiven'` keeps the
 *   entries in the order given (only upcoming appointments are fitted in), for estimating
 *   an order that was decided before.
 */
export function projectQueue<E extends QueueEntry>(
  entries: readonly E[],
  now: number,
  rules: Pick<QueueRules, 'graceMinutes'>,
  forecast?: QueueForecast,
  order: 'rules' | 'asGiven' = 'rules',
): Array<ProjectedEntry<E>> {
  const { minutesFor, upcoming, upcomingShowRate = 1, timeOff = [] } = forecast ?? NO_FORECAST;
  if (!(upcomingShowRate >= 0 && upcomingShowRate <= 1)) throw new RangeError(`upcoming show rate must be from 0 to 1, not ${upcomingShowRate}`);
  const nodes: Array<Node<E>> = entries.filter(isWaiting).map((entry, index) => ({
    entry,
    index,
    lane: laneOf(entry, rules),
    startsAt: entry.kind === 'appointment' ? entry.startsAt : Number.NEGATIVE_INFINITY,
    before: [],
    isPlaced: false,
  }));
  if (order === 'rules') moveConstraints(nodes);
  else for (const node of nodes) if (node.index > 0) node.before.push(node.index - 1);

  const pending = upcoming.filter((appointment) => appointment.startsAt > now).sort((a, b) => a.startsAt - b.startsAt || a.specialtyId - b.specialtyId);
  let nextUpcoming = 0;
  let t = afterTimeOff(Math.max(now, forecast?.freeAt ?? now), timeOff);
  const result: Array<ProjectedEntry<E>> = [];

  const best = (candidates: Iterable<Node<E>>): Node<E> | undefined => {
    let found: Node<E> | undefined;
    for (const node of candidates) if (!node.isPlaced && (!found || compareNodes(node, found, t) < 0)) found = node;
    return found;
  };

  while (result.length < nodes.length) {
    let node = best(nodes)!;
    const phantom = pending[nextUpcoming];
    // An upcoming appointment is an on-time patient whose arrival is assumed: it goes first
    // when the rules put it ahead of the best real patient (a real patient wins a tie).
    if (phantom) {
      const phantomCategory = category('onTime', phantom.startsAt, t);
      const nodeCategory = category(node.lane, node.startsAt, t);
      if (phantomCategory < nodeCategory || (phantomCategory === nodeCategory && phantom.startsAt < node.startsAt)) {
        t = afterTimeOff(Math.max(t, phantom.startsAt), timeOff) + upcomingShowRate * minutesFor(phantom.specialtyId) * MINUTE_MS;
        nextUpcoming++;
        continue;
      }
    }
    // The rules' pick is called when due: at once for a walk-in or a late patient, from
    // their start for one on time. Whoever staff put ahead of them is called in their place,
    // then, not later (rule 3 holds a patient back only where the rules placed them).
    const picked = node;
    for (;;) {
      const blocker = best(node.before.map((index) => nodes[index]!));
      if (!blocker) break;
      node = blocker;
    }
    // A patient moved up is due when the one they displaced was; none is promised a time inside time off.
    const dueAt = node === picked || picked.lane !== 'onTime' ? Number.NEGATIVE_INFINITY : picked.startsAt;
    const expectedStartAt = afterTimeOff(
      node.entry.kind === 'appointment' ? Math.max(t, node === picked ? node.entry.startsAt : Math.min(node.entry.startsAt, dueAt)) : t,
      timeOff,
    );
    node.isPlaced = true;
    result.push({ entry: node.entry, expectedStartAt });
    t = expectedStartAt + minutesFor(node.entry.specialtyId) * MINUTE_MS;
  }
  return result;
}

/**
 * The waiting list of one queue, first to be called first (rules 1–7).
 *
 * @param entries Everyone in one practitioner's queue (or one specialty's queue of
 *   unassigned walk-ins), in any order and any status; only `checked_in` entries are
 *   returned, each exactly once.
 * @param now The current instant (epoch ms).
 * @param rules The clinic's grace period.
 * @param forecast Durations, the practitioner's free time and the appointments still to
 *   come, for the projection of rule 7 (see `queueForecast`). Without it, everyone is
 *   judged at `now`: the head is still right when the practitioner is free now, the rest
 *   assumes nobody takes any time.
 * @returns The same entry objects, reordered: deterministic for the same input.
 */
export function orderQueue<E extends QueueEntry>(entries: readonly E[], now: number, rules: Pick<QueueRules, 'graceMinutes'>, forecast?: QueueForecast): E[] {
  return projectQueue(entries, now, rules, forecast).map((projected) => projected.entry);
}

/**
 * Records staff moving a waiting patient up (negative `places`) or down (positive) in
 * the order they are looking at (rule 6). Store the returned move on the entry
 * (`moves`); the next {@link orderQueue} with the same inputs shows a patient moved up
 * exactly `places` higher, and one moved down at least `places` lower. Moving further
 * than the ends of the list stops at the ends.
 *
 * @param order The waiting list as shown to staff (the result of {@link orderQueue}).
 * @returns The move, or null when there is no one to pass (already first or last).
 * @throws AppError `NOT_FOUND` when the patient is not in `order` (no longer waiting);
 *   `VALIDATION` when the reason is blank.
 * @throws RangeError when `places` is not a whole number (a programming error).
 */
export function moveInQueue(
  order: readonly QueueEntry[],
  entryId: number,
  places: number,
  reason: string,
  at: number,
  staffId: number | null = null,
): ManualMove | null {
  if (!Number.isInteger(places)) throw new RangeError(`places must be a whole number, not ${places}`);
  const index = order.findIndex((entry) => entry.id === entryId);
  if (index < 0) throw new AppError('NOT_FOUND', 'This patient is no longer waiting in this queue.', { entryId });
  const why = reason.trim();
  if (why === '') throw new AppError('VALIDATION', 'Say why the patient is moved.', { fields: { reason: 'required' } });
  const target = Math.min(order.length - 1, Math.max(0, index + places));
  if (target === index) return null;
  const past =
    target < index
      ? order
          .slice(target, index)
          .map((entry) => entry.id)
          .reverse()
      : order.slice(index + 1, target + 1).map((entry) => entry.id);
  return { at, direction: target < index ? 'up' : 'down', past, reason: why, staffId };
}
