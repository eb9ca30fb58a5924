import { describe, expect, it } from 'vitest';
import type { ConsultationRecord } from './durations';
import { orderQueue } from './queue-order';
import { appointment, clock, walkIn } from './test-helpers';
import { estimateWaits, planQueue, queueForecast, type WaitContext } from './wait-estimate';
import { DAY_MS, MINUTE_MS } from '../time/units';

const GENERAL = 1;
const PAEDIATRICS = 2;

function context(now: string, extra: Partial<WaitContext> = {}): WaitContext {
  return {
    now: clock(now),
    practitionerId: 10,
    rules: { graceMinutes: 10 },
    specialtyMinutes: new Map([
      [GENERAL, 20],
      [PAEDIATRICS, 30],
    ]),
    history: [],
    ...extra,
  };
}

/** `count` past consultations of `minutes` each, one a day over the last weeks. */
function history(count: number, minutes: number | ((i: number) => number), specialtyId = GENERAL, practitionerId = 10): ConsultationRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const endedAt = clock('12:00') - (i + 1) * DAY_MS * 0.5;
    const length = typeof minutes === 'number' ? minutes : minutes(i);
    return { practitionerId, specialtyId, startedAt: endedAt - length * MINUTE_MS, endedAt };
  });
}

const summary = (waits: ReturnType<typeof estimateWaits>) => waits.map((wait) => [wait.entryId, wait.minutes]);

describe('estimateWaits', () => {
  it("with no history, counts each specialty's default duration for the patients ahead", () => {
    const queue = [walkIn(1, '09:00'), walkIn(2, '09:01', { specialtyId: PAEDIATRICS }), walkIn(3, '09:02')];
    expect(summary(estimateWaits(queue, context('09:05')))).toEqual([
      [1, 0],
      [2, 20],
      [3, 50],
    ]);
  });

  it("uses the practitioner's own recent median instead of the default once there is history", () => {
    const queue = [walkIn(1, '09:00'), walkIn(2, '09:01'), walkIn(3, '09:02')];
    // 40 consultations of 12 minutes: typical = (40·12 + 3·20) / 43 ≈ 12.56.
    const waits = estimateWaits(queue, context('09:05', { history: history(40, 12) }));
    expect(summary(waits)).toEqual([
      [1, 0],
      [2, 13],
      [3, 25],
    ]);
    // Someone else's history and other specialties do not count.
    const others = [...history(40, 12, GENERAL, 11), ...history(40, 12, PAEDIATRICS)];
    expect(summary(estimateWaits(queue, context('09:05', { history: others })))).toEqual([
      [1, 0],
      [2, 20],
      [3, 40],
    ]);
  });

  it('never tells an on-time patient they will be seen before their appointment', () => {
    const queue = [appointment(1, '10:30', '10:00')];
    const [wait] = estimateWaits(queue, context('10:05'));
    expect(wait).toEqual({ entryId: 1, minutes: 25, expectedStartAt: clock('10:30') });
  });

  it('waits for the current consultation: typical minus elapsed while it runs normally', () => {
    const queue = [walkIn(1, '09:00')];
    const current = { specialtyId: GENERAL, status: 'in_consultation' as const, since: clock('09:00') };
    expect(summary(estimateWaits(queue, context('09:05', { current })))).toEqual([[1, 15]]);
  });

  it('expects an overrunning consultation to end soon, never "now", without history', () => {
    const queue = [walkIn(1, '09:00'), walkIn(2, '09:01')];
    const current = { specialtyId: GENERAL, status: 'in_consultation' as const, since: clock('08:20') };
    // 45 minutes in, typical 20: the 2-minute floor.
    expect(summary(estimateWaits(queue, context('09:05', { current })))).toEqual([
      [1, 2],
      [2, 22],
    ]);
  });

  it("expects an overrunning consultation to go on as this practitioner's long ones do", () => {
    // Mostly 15 minutes, one in four runs to 45: at minute 25 the long ones have ~20 to go.
    const past = history(40, (i) => (i % 4 === 0 ? 45 : 15));
    const current = { specialtyId: GENERAL, status: 'in_consultation' as const, since: clock('08:40') };
    const [wait] = estimateWaits([walkIn(1, '09:00')], context('09:05', { history: past, current }));
    expect(wait!.minutes).toBe(20);
  });

  it('counts a called patient who has not come in yet as a whole consultation', () => {
    const current = { specialtyId: PAEDIATRICS, status: 'called' as const, since: clock('09:04') };
    expect(summary(estimateWaits([walkIn(1, '09:00')], context('09:05', { current })))).toEqual([[1, 30]]);
  });

  it('keeps appointments still to come ahead of a walk-in when they fall due', () => {
    const queue = [walkIn(1, '09:00'), walkIn(2, '09:01')];
    const upcoming = [{ startsAt: clock('09:10'), specialtyId: GENERAL }];
    // Walk-in 1 fills 09:05–09:25; the 09:10 patient is due then: walk-in 2 at 09:45.
    expect(summary(estimateWaits(queue, context('09:05', { upcoming })))).toEqual([
      [1, 0],
      [2, 40],
    ]);
    // If only half the bookings turn up on time, the 09:10 one holds walk-in 2 up 10 minutes on average.
    expect(summary(estimateWaits(queue, context('09:05', { upcoming, upcomingShowRate: 0.5 })))).toEqual([
      [1, 0],
      [2, 30],
    ]);
    expect(() => estimateWaits(queue, context('09:05', { upcoming, upcomingShowRate: 1.5 }))).toThrow(RangeError);
    // Appointments that started before now are not expected any more.
    const past = [{ startsAt: clock('09:00'), specialtyId: GENERAL }];
    expect(summary(estimateWaits(queue, context('09:05', { upcoming: past })))).toEqual([
      [1, 0],
      [2, 20],
    ]);
  });

  it('keeps the order it is given and leaves out anyone not waiting', () => {
    const queue = [walkIn(2, '09:01'), walkIn(1, '09:00', { status: 'called' }), walkIn(3, '09:00')];
    expect(summary(estimateWaits(queue, context('09:05')))).toEqual([
      [2, 0],
      [3, 20],
    ]);
  });

  it('refuses a specialty without a default duration', () => {
    expect(() => estimateWaits([walkIn(1, '09:00', { specialtyId: 99 })], context('09:05'))).toThrow(RangeError);
  });
});

describe('planQueue', () => {
  it('orders and estimates from one forecast, agreeing with orderQueue + estimateWaits', () => {
    const entries = [appointment(1, '10:30', '10:00'), walkIn(2, '10:05'), walkIn(3, '10:10'), appointment(4, '10:00', '10:22')];
    const ctx = context('10:20', {
      history: history(30, 15),
      current: { specialtyId: GENERAL, status: 'in_consultation', since: clock('10:10') },
      upcoming: [{ startsAt: clock('10:45'), specialtyId: PAEDIATRICS }],
    });
    const plan = planQueue(entries, ctx);
    const order = orderQueue(entries, ctx.now, ctx.rules, queueForecast(ctx));
    expect(plan.order).toEqual(order);
    expect(plan.waits).toEqual(estimateWaits(order, ctx));
    expect(plan.order.map((entry) => entry.id)).toEqual([2, 1, 3, 4]);
    expect(plan.freeAt).toBeGreaterThan(ctx.now);
  });
});
