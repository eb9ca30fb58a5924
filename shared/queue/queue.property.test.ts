import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ConsultationRecord } from './durations';
import { moveInQueue, orderQueue } from './queue-order';
import { laneOf, type ManualMove, type QueueEntry, type QueueStatus } from './queue-rules';
import { DAY_START } from './test-helpers';
import { estimateWaits, planQueue, queueForecast, type WaitContext } from './wait-estimate';
import { DAY_MS, MINUTE_MS } from '../time/units';

/**
 * Random queues of one practitioner on a morning: appointments on a 5-minute grid from
 * 08:00, arrivals from an hour early to an hour late, walk-ins, every status, a few
 * manual moves, history, a consultation under way and appointments still to come.
 */
const rules = { graceMinutes: 10 };
const MORNING = DAY_START + 8 * 60 * MINUTE_MS;
const statuses: QueueStatus[] = ['checked_in', 'checked_in', 'checked_in', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'left_unseen'];

const entryShape = fc.record({
  isWalkIn: fc.boolean(),
  startStep: fc.integer({ min: 0, max: 48 }),
  arrivalOffset: fc.integer({ min: -60, max: 60 }),
  status: fc.constantFrom(...statuses),
  specialtyId: fc.constantFrom(1, 2),
});

const entriesArbitrary: fc.Arbitrary<QueueEntry[]> = fc.array(entryShape, { maxLength: 14 }).map((shapes) =>
  shapes.map((shape, index): QueueEntry => {
    const startsAt = MORNING + shape.startStep * 5 * MINUTE_MS;
    const arrivedAt = startsAt + shape.arrivalOffset * MINUTE_MS;
    const base = { id: index + 1, specialtyId: shape.specialtyId, arrivedAt, status: shape.status, moves: [] };
    return shape.isWalkIn ? { ...base, kind: 'walkIn' } : { ...base, kind: 'appointment', startsAt };
  }),
);

const moveShape = fc.record({
  mover: fc.nat(),
  past: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  direction: fc.constantFrom<'up' | 'down'>('up', 'down'),
  at: fc.integer({ min: 0, max: 240 }),
});

/** Entries with arbitrary (even contradictory) manual moves between them. */
const movedEntriesArbitrary = fc.tuple(entriesArbitrary, fc.array(moveShape, { maxLength: 6 })).map(([entries, moves]) => {
  if (entries.length === 0) return entries;
  const byIndex = entries.map((entry) => ({ ...entry, moves: [] as ManualMove[] }));
  for (const move of moves) {
    const mover = byIndex[move.mover % byIndex.length]!;
    mover.moves.push({
      at: MORNING + move.at * MINUTE_MS,
      direction: move.direction,
      past: move.past.map((n) => byIndex[n % byIndex.length]!.id),
      reason: 'test',
    });
  }
  return byIndex;
});

const contextArbitrary = fc
  .record({
    nowStep: fc.integer({ min: 0, max: 60 }),
    samples: fc.array(fc.record({ minutes: fc.integer({ min: 3, max: 60 }), specialtyId: fc.constantFrom(1, 2), daysAgo: fc.integer({ min: 0, max: 40 }) }), {
      maxLength: 30,
    }),
    current: fc.option(
      fc.record({
        specialtyId: fc.constantFrom(1, 2),
        status: fc.constantFrom<'called' | 'in_consultation'>('called', 'in_consultation'),
        elapsed: fc.integer({ min: 0, max: 90 }),
      }),
    ),
    upcoming: fc.array(fc.record({ step: fc.integer({ min: 0, max: 80 }), specialtyId: fc.constantFrom(1, 2) }), { maxLength: 5 }),
    showRate: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ nowStep, samples, current, upcoming, showRate }): WaitContext => {
    const now = MORNING + nowStep * 5 * MINUTE_MS;
    const history: ConsultationRecord[] = samples.map((sample) => {
      const endedAt = now - sample.daysAgo * DAY_MS - 60 * MINUTE_MS;
      return { practitionerId: 1, specialtyId: sample.specialtyId, startedAt: endedAt - sample.minutes * MINUTE_MS, endedAt };
    });
    return {
      now,
      practitionerId: 1,
      rules,
      specialtyMinutes: new Map([
        [1, 20],
        [2, 30],
      ]),
      history,
      current: current && { specialtyId: current.specialtyId, status: current.status, since: now - current.elapsed * MINUTE_MS },
      upcoming: upcoming.map((item) => ({ startsAt: MORNING + item.step * 5 * MINUTE_MS, specialtyId: item.specialtyId })),
      upcomingShowRate: showRate,
    };
  });

const ids = (entries: readonly QueueEntry[]) => entries.map((entry) => entry.id);
const waitingIds = (entries: readonly QueueEntry[]) => entries.filter((entry) => entry.status === 'checked_in').map((entry) => entry.id);

describe('orderQueue properties', () => {
  it('is a permutation of the waiting entries, with or without moves and forecast', () => {
    fc.assert(
      fc.property(movedEntriesArbitrary, contextArbitrary, fc.boolean(), (entries, ctx, withForecast) => {
        const order = orderQueue(entries, ctx.now, rules, withForecast ? queueForecast(ctx) : undefined);
        expect([...ids(order)].sort((a, b) => a - b)).toEqual(waitingIds(entries).sort((a, b) => a - b));
      }),
    );
  });

  it('calls on-time appointments in appointment order when nobody was moved', () => {
    fc.assert(
      fc.property(entriesArbitrary, contextArbitrary, fc.boolean(), (entries, ctx, withForecast) => {
        const order = orderQueue(entries, ctx.now, rules, withForecast ? queueForecast(ctx) : undefined);
        const starts = order.flatMap((entry) => (entry.kind === 'appointment' && laneOf(entry, rules) === 'onTime' ? [entry.startsAt] : []));
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
    );
  });

  it('does not depend on the order of its input', () => {
    fc.assert(
      fc.property(movedEntriesArbitrary, contextArbitrary, fc.boolean(), (entries, ctx, withForecast) => {
        const forecast = withForecast ? queueForecast(ctx) : undefined;
        expect(ids(orderQueue([...entries].reverse(), ctx.now, rules, forecast))).toEqual(ids(orderQueue(entries, ctx.now, rules, forecast)));
      }),
    );
  });

  it('puts a patient moved up exactly where staff put them, and one moved down at least that far', () => {
    fc.assert(
      fc.property(entriesArbitrary, contextArbitrary, fc.boolean(), fc.nat(), fc.integer({ min: -5, max: 5 }), (entries, ctx, withForecast, pick, places) => {
        const forecast = withForecast ? queueForecast(ctx) : undefined;
        const order = orderQueue(entries, ctx.now, rules, forecast);
        fc.pre(order.length > 1 && places !== 0);
        const index = pick % order.length;
        const moved = order[index]!;
        const move = moveInQueue(order, moved.id, places, 'test', ctx.now);
        const target = Math.min(order.length - 1, Math.max(0, index + places));
        if (target === index) {
          expect(move).toBeNull();
          return;
        }
        const after = orderQueue(
          entries.map((entry) => (entry.id === moved.id ? { ...entry, moves: [move!] } : entry)),
          ctx.now,
          rules,
          forecast,
        );
        const landed = ids(after).indexOf(moved.id);
        if (places < 0) expect(landed).toBe(target);
        else expect(landed).toBeGreaterThanOrEqual(target);
        // Everyone passed stays on the right side of the moved patient.
        for (const passed of move!.past) {
          const passedAt = ids(after).indexOf(passed);
          expect(places < 0 ? passedAt > landed : passedAt < landed).toBe(true);
        }
      }),
    );
  });
});

describe('estimateWaits properties', () => {
  it("gives non-negative, non-decreasing estimates, never before now nor (unmoved) an appointment's start", () => {
    fc.assert(
      fc.property(movedEntriesArbitrary, contextArbitrary, (entries, ctx) => {
        const { order, waits } = planQueue(entries, ctx);
        const isMoved = entries.some((entry) => (entry.moves ?? []).length > 0);
        expect(waits.map((wait) => wait.entryId)).toEqual(ids(order));
        for (const [index, wait] of waits.entries()) {
          const entry = order[index]!;
          expect(wait.minutes).toBeGreaterThanOrEqual(0);
          expect(wait.expectedStartAt).toBeGreaterThanOrEqual(ctx.now);
          if (entry.kind === 'appointment' && !isMoved) expect(wait.expectedStartAt).toBeGreaterThanOrEqual(entry.startsAt);
          if (index > 0) {
            expect(wait.expectedStartAt).toBeGreaterThanOrEqual(waits[index - 1]!.expectedStartAt);
            expect(wait.minutes).toBeGreaterThanOrEqual(waits[index - 1]!.minutes);
          }
        }
      }),
    );
  });

  it("agrees with planQueue when given planQueue's order, and keeps any order it is given", () => {
    fc.assert(
      fc.property(movedEntriesArbitrary, contextArbitrary, (entries, ctx) => {
        const plan = planQueue(entries, ctx);
        expect(estimateWaits(plan.order, ctx)).toEqual(plan.waits);
        const reversed = [...plan.order].reverse();
        expect(estimateWaits(reversed, ctx).map((wait) => wait.entryId)).toEqual(ids(reversed));
      }),
    );
  });

  it('starts the first patient when the practitioner is free, unless their appointment is later', () => {
    fc.assert(
      fc.property(entriesArbitrary, contextArbitrary, (entries, ctx) => {
        const { order, waits, freeAt } = planQueue(entries, { ...ctx, upcoming: [] });
        fc.pre(order.length > 0);
        const first = order[0]!;
        const expected = first.kind === 'appointment' ? Math.max(freeAt, first.startsAt) : freeAt;
        expect(waits[0]!.expectedStartAt).toBe(expected);
      }),
    );
  });

  it('tells the head of the queue they are called as soon as the practitioner is free, whenever anyone waiting could be called then', () => {
    fc.assert(
      fc.property(movedEntriesArbitrary, contextArbitrary, (generated, ctx) => {
        // Everyone waiting has arrived by now.
        const entries = generated.map((entry) => ({ ...entry, arrivedAt: Math.min(entry.arrivedAt, ctx.now) }));
        const { order, waits, freeAt } = planQueue(entries, { ...ctx, upcoming: [] });
        fc.pre(order.length > 0);
        const at = Math.max(ctx.now, freeAt);
        // A walk-in, a late patient or an on-time patient already due: the practitioner calls the head then.
        const anyoneCallable = order.some((entry) => laneOf(entry, rules) !== 'onTime' || (entry.kind === 'appointment' && entry.startsAt <= at));
        if (anyoneCallable) expect(waits[0]!.expectedStartAt).toBe(at);
      }),
    );
  });
});
