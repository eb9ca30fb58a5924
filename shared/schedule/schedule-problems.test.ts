import { describe, expect, it } from 'vitest';
import { afterTimeOff, scheduleCache, scheduleProblemChecker, scheduleProblemOf } from './schedule-problems';
import { estimateWaits } from '../queue/wait-estimate';

const utc = (iso: string) => Date.parse(`${iso}Z`);
const MIN = 60_000;
const ZONE = 'Europe/Lisbon';
// Sundays 00:00–04:00 on the wall clock: the DST days are Sundays in Lisbon.
const SUNDAY_NIGHT = [{ weekday: 7, startMinute: 0, endMinute: 240 }];

describe('scheduleProblemOf', () => {
  it('says time off before hours, and reads hours on the wall clock of a DST day', () => {
    const span = (from: string, minutes: number) => ({ startsAt: utc(from), endsAt: utc(from) + minutes * MIN });
    // 2026-10-25 falls back at 02:00 WEST: 01:30Z is 01:30 WET, the second 01:30 of the night.
    expect(scheduleProblemOf(ZONE, SUNDAY_NIGHT, [], span('2026-10-25T01:30', 30))).toBe(null);
    // 03:30Z is 03:30 WET: 03:30–04:30 runs past the 04:00 end.
    expect(scheduleProblemOf(ZONE, SUNDAY_NIGHT, [], span('2026-10-25T03:30', 60))).toBe('outside_hours');
    expect(scheduleProblemOf(ZONE, SUNDAY_NIGHT, [span('2026-10-25T01:45', 60)], span('2026-10-25T01:30', 30))).toBe('time_off');
    // Touching time off is not overlapping it.
    expect(scheduleProblemOf(ZONE, SUNDAY_NIGHT, [span('2026-10-25T01:00', 30)], span('2026-10-25T01:30', 30))).toBe(null);
  });
});

describe('scheduleProblemChecker', () => {
  it('answers the same with one cache shared across practitioners and days, DST days included', () => {
    const shared = scheduleCache(ZONE);
    const night = scheduleProblemChecker(ZONE, SUNDAY_NIGHT, [], shared);
    const mornings = scheduleProblemChecker(ZONE, [{ weekday: 7, startMinute: 120, endMinute: 300 }], [], shared);
    const spans = ['2026-03-29T00:30', '2026-03-29T01:30', '2026-10-25T00:30', '2026-10-25T01:30', '2026-10-25T03:30', '2026-10-26T00:30'].map((iso) => ({
      startsAt: utc(iso),
      endsAt: utc(iso) + 30 * MIN,
    }));
    // 2026-03-29 00:30Z is 00:30 WET, 01:30Z is 02:30 WEST (the clocks jumped from 01:00 to 02:00).
    expect(spans.map(night)).toEqual([null, null, null, null, null, 'outside_hours']);
    expect(spans.map(mornings)).toEqual(['outside_hours', null, 'outside_hours', 'outside_hours', null, 'outside_hours']);
    expect(spans.map((span) => scheduleProblemOf(ZONE, SUNDAY_NIGHT, [], span))).toEqual(spans.map(night));
  });
});

describe('afterTimeOff', () => {
  it('skips to the end of the time off, across time off that follows on', () => {
    const off = [
      { startsAt: 100, endsAt: 200 },
      { startsAt: 200, endsAt: 260 },
    ];
    expect(afterTimeOff(50, off)).toBe(50);
    expect(afterTimeOff(100, off)).toBe(260);
    expect(afterTimeOff(199, off)).toBe(260);
    expect(afterTimeOff(260, off)).toBe(260);
  });

  it('keeps wait estimates out of the practitioner’s time off', () => {
    const now = utc('2026-06-15T11:00');
    const waits = estimateWaits(
      [
        { id: 1, kind: 'walkIn', specialtyId: 1, arrivedAt: now - 10 * MIN, status: 'checked_in', moves: [] },
        { id: 2, kind: 'walkIn', specialtyId: 1, arrivedAt: now - 5 * MIN, status: 'checked_in', moves: [] },
      ],
      {
        now,
        practitionerId: 1,
        rules: { graceMinutes: 10 },
        specialtyMinutes: new Map([[1, 30]]),
        history: [],
        timeOff: [{ startsAt: now + 15 * MIN, endsAt: now + 75 * MIN }],
      },
    );
    expect(waits.map((wait) => wait.minutes)).toEqual([0, 75]);
  });
});
