import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { computeFreeSlots, type FreeSlotsQuery, type WorkingMinutes } from './slots';
import { addDays, dayBounds, isoWeekday, type Interval } from './wall-clock';
import { DAY_MS, MINUTE_MS } from '../time/units';

/**
 * Everything here is on a 5-minute grid (working hours, busy time, durations, "now"),
 * and every zone used changes its offset on that grid too. So sampling the wall clock
 * every 5 minutes with luxon sees everything there is to see, which gives an independent
 * brute-force oracle to compare the fast implementation with.
 */
const FIVE = 5 * MINUTE_MS;

// Each zone with the days around its 2026 DST changes, plus an ordinary day.
const zoneDays = {
  'Europe/Lisbon': ['2026-03-28', '2026-03-29', '2026-10-24', '2026-10-25', '2026-06-15'],
  'America/New_York': ['2026-03-07', '2026-03-08', '2026-10-31', '2026-11-01', '2026-01-05'],
  'Australia/Lord_Howe': ['2026-10-03', '2026-10-04', '2026-04-04', '2026-04-05', '2026-06-15'],
  UTC: ['2026-03-29', '2026-10-25'],
} as const;
const zoneAndDay = fc
  .constantFrom(...(Object.keys(zoneDays) as Array<keyof typeof zoneDays>))
  .chain((zone) => fc.tuple(fc.constant(zone), fc.constantFrom(...zoneDays[zone])));

// Cut points in 5-minute units; half of them in the small hours, where clocks change.
const cutPoint = fc.oneof(fc.integer({ min: 0, max: 288 }), fc.integer({ min: 0, max: 48 }));

const weekArbitrary: fc.Arbitrary<WorkingMinutes[]> = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 7 }), fc.array(cutPoint, { minLength: 0, maxLength: 6 })), {
    maxLength: 7,
  })
  .map((days) => {
    const week: WorkingMinutes[] = [];
    const used = new Set<number>();
    for (const [weekday, cuts] of days) {
      if (used.has(weekday)) continue;
      used.add(weekday);
      // Sorted cut points paired up: intervals never overlap, and may touch.
      const sorted = [...cuts].sort((a, b) => a - b);
      for (let i = 0; i + 1 < sorted.length; i += 2) {
        if (sorted[i]! < sorted[i + 1]!) week.push({ weekday, startMinute: sorted[i]! * 5, endMinute: sorted[i + 1]! * 5 });
      }
    }
    return week;
  });

/** Intervals as offsets (in 5-minute units) from the start of the range. */
const relativeIntervals = fc.array(fc.tuple(fc.integer({ min: -60, max: 3 * 288 }), fc.integer({ min: 1, max: 48 })), { maxLength: 12 });

const scenario = fc.record({
  zoneAndDay,
  days: fc.integer({ min: 1, max: 3 }),
  stepMinutes: fc.constantFrom(5, 10, 15, 20, 30, 60),
  durationMinutes: fc.integer({ min: 1, max: 36 }).map((n) => n * 5),
  notBeforeSteps: fc.integer({ min: -10, max: 3 * 288 }),
  practitioners: fc.array(
    fc.record({
      roomId: fc.constantFrom(null, 1, 2),
      week: weekArbitrary,
      appointments: relativeIntervals,
      timeOff: relativeIntervals,
    }),
    { minLength: 1, maxLength: 3 },
  ),
  otherRoomBusy: fc.array(fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: -60, max: 3 * 288 }), fc.integer({ min: 1, max: 48 })), {
    maxLength: 8,
  }),
});

type Scenario = (typeof scenario extends fc.Arbitrary<infer T> ? T : never) & { zone: string; fromDay: string };

const scenarios = scenario.map((s) => ({ ...s, zone: s.zoneAndDay[0], fromDay: s.zoneAndDay[1] }));

interface Built {
  query: FreeSlotsQuery;
  /** Per practitioner: appointments and time off kept apart, to check each. */
  appointments: Interval[][];
  timeOff: Interval[][];
  rangeStart: number;
}

function build(s: Scenario): Built {
  const rangeStart = dayBounds(s.zone, s.fromDay).startsAt;
  const toIntervals = (list: Array<[number, number]>) =>
    list.map(([offset, length]) => ({ startsAt: rangeStart + offset * FIVE, endsAt: rangeStart + (offset + length) * FIVE }));
  const appointments = s.practitioners.map((p) => toIntervals(p.appointments));
  const timeOff = s.practitioners.map((p) => toIntervals(p.timeOff));

  const roomBusy = new Map<number, Interval[]>();
  const addRoomBusy = (roomId: number, interval: Interval) => roomBusy.set(roomId, [...(roomBusy.get(roomId) ?? []), interval]);
  s.practitioners.forEach((p, index) => {
    if (p.roomId !== null) for (const interval of appointments[index]!) addRoomBusy(p.roomId, interval);
  });
  for (const [roomId, offset, length] of s.otherRoomBusy) {
    addRoomBusy(roomId, { startsAt: rangeStart + offset * FIVE, endsAt: rangeStart + (offset + length) * FIVE });
  }

  return {
    rangeStart,
    appointments,
    timeOff,
    query: {
      timeZone: s.zone,
      fromDay: s.fromDay,
      days: s.days,
      stepMinutes: s.stepMinutes,
      durationMinutes: s.durationMinutes,
      notBefore: rangeStart + s.notBeforeSteps * FIVE,
      roomBusy,
      practitioners: s.practitioners.map((p, index) => ({
        practitionerId: index + 1,
        roomId: p.roomId,
        workingHours: p.week,
        busy: [...appointments[index]!, ...timeOff[index]!],
      })),
    },
  };
}

interface WallSample {
  day: string;
  minute: number;
}

/** The wall clock every 5 minutes from a day before the range to its end, read by luxon. */
function sampleWallClock(zone: string, from: number, to: number): Map<number, WallSample> {
  const samples = new Map<number, WallSample>();
  for (let t = from; t < to; t += FIVE) {
    const local = DateTime.fromMillis(t, { zone });
    samples.set(t, { day: local.toISODate()!, minute: local.hour * 60 + local.minute });
  }
  return samples;
}

function isWorking(week: readonly WorkingMinutes[], sample: WallSample, day: string): boolean {
  if (sample.day !== day) return false;
  const weekday = isoWeekday(day);
  return week.some((w) => w.weekday === weekday && w.startMinute <= sample.minute && sample.minute + 5 <= w.endMinute);
}

const overlaps = (a: Interval, b: Interval) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** The slots by brute force: every 5-minute instant of the range, checked from first principles. */
function oracle(built: Built, samples: Map<number, WallSample>): Array<[number, number]> {
  const { query } = built;
  const days = new Set(Array.from({ length: query.days }, (_, i) => addDays(query.fromDay, i)));
  const duration = query.durationMinutes * MINUTE_MS;
  const found: Array<[number, number]> = [];
  const rangeEnd = dayBounds(query.timeZone, addDays(query.fromDay, query.days)).startsAt;
  query.practitioners.forEach((p) => {
    for (let t = built.rangeStart; t < rangeEnd; t += FIVE) {
      const start = samples.get(t)!;
      if (!days.has(start.day) || t < query.notBefore) continue;
      const weekday = isoWeekday(start.day);
      const onGrid = p.workingHours.some(
        (w) => w.weekday === weekday && w.startMinute <= start.minute && start.minute < w.endMinute && (start.minute - w.startMinute) % query.stepMinutes === 0,
      );
      if (!onGrid) continue;
      let fits = true;
      for (let u = t; u < t + duration && fits; u += FIVE) {
        const sample = samples.get(u);
        fits = sample !== undefined && isWorking(p.workingHours, sample, start.day);
      }
      if (!fits) continue;
      const slot = { startsAt: t, endsAt: t + duration };
      if (p.busy.some((b) => overlaps(b, slot))) continue;
      if (p.roomId !== null && (query.roomBusy.get(p.roomId) ?? []).some((b) => overlaps(b, slot))) continue;
      found.push([p.practitionerId, t]);
    }
  });
  return found.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

describe('computeFreeSlots properties', () => {
  it('returns exactly the slots a brute-force wall-clock check finds, and each is sound', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const built = build(s);
        const { query } = built;
        const slots = computeFreeSlots(query);
        const rangeEnd = dayBounds(s.zone, addDays(s.fromDay, s.days)).startsAt;
        const samples = sampleWallClock(s.zone, built.rangeStart - DAY_MS, rangeEnd + DAY_MS);
        const days = new Set(Array.from({ length: s.days }, (_, i) => addDays(s.fromDay, i)));

        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          const index = slot.practitionerId - 1;
          const practitioner = query.practitioners[index]!;

          // A slot lasts exactly the duration in real time, DST or not.
          expect(slot.endsAt - slot.startsAt).toBe(s.durationMinutes * MINUTE_MS);
          // Sorted by start, then practitioner.
          if (i > 0) {
            const previous = slots[i - 1]!;
            expect(previous.startsAt < slot.startsAt || (previous.startsAt === slot.startsAt && previous.practitionerId < slot.practitionerId)).toBe(true);
          }
          expect(slot.startsAt).toBeGreaterThanOrEqual(query.notBefore);
          expect(slot.roomId).toBe(practitioner.roomId);
          // Never over an appointment, time off, or the room's other bookings.
          for (const busy of built.appointments[index]!) expect(overlaps(busy, slot)).toBe(false);
          for (const off of built.timeOff[index]!) expect(overlaps(off, slot)).toBe(false);
          if (slot.roomId !== null) for (const busy of query.roomBusy.get(slot.roomId) ?? []) expect(overlaps(busy, slot)).toBe(false);
          // Inside working hours on the wall clock, for its whole length.
          const day = samples.get(slot.startsAt)!.day;
          expect(days.has(day)).toBe(true);
          for (let t = slot.startsAt; t < slot.endsAt; t += FIVE) {
            expect(isWorking(practitioner.workingHours, samples.get(t)!, day)).toBe(true);
          }
        }

        expect(slots.map((slot) => [slot.practitionerId, slot.startsAt])).toEqual(oracle(built, samples));
      }),
      { numRuns: 200 },
    );
  });

  it('a limit keeps the earliest slots of the full answer', () => {
    fc.assert(
      fc.property(scenarios, fc.integer({ min: 0, max: 10 }), (s, limit) => {
        const { query } = build(s);
        expect(computeFreeSlots({ ...query, limit })).toEqual(computeFreeSlots(query).slice(0, limit));
      }),
      { numRuns: 100 },
    );
  });
});
