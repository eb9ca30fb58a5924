import { describe, expect, it } from 'vitest';
import {
  MAX_PLAUSIBLE_MINUTES,
  median,
  onTimeShare,
  recentDurationMedian,
  recentDurations,
  remainingMinutes,
  typicalMinutes,
  type ConsultationRecord,
} from './durations';
import { DAY_MS, MINUTE_MS } from '../time/units';

const NOW = Date.UTC(2030, 0, 31, 12, 0);

function record(minutes: number, endedDaysAgo: number, practitionerId = 1, specialtyId = 1): ConsultationRecord {
  const endedAt = NOW - endedDaysAgo * DAY_MS;
  return { practitionerId, specialtyId, startedAt: endedAt - minutes * MINUTE_MS, endedAt };
}

describe('recentDurations', () => {
  it('keeps this practitioner and specialty within the window, ascending', () => {
    const history = [record(20, 1), record(10, 2), record(30, 1, 2), record(40, 1, 1, 2), record(15, 0)];
    expect(recentDurations(history, 1, 1, NOW, 28)).toEqual([10, 15, 20]);
  });

  it('counts a consultation that ended exactly windowDays ago as outside, and one just after as inside', () => {
    const history = [record(10, 28), { ...record(12, 28), endedAt: NOW - 28 * DAY_MS + 1, startedAt: NOW - 28 * DAY_MS + 1 - 12 * MINUTE_MS }];
    expect(recentDurations(history, 1, 1, NOW, 28)).toEqual([12]);
  });

  it('ignores consultations that end after now and implausible records', () => {
    const history = [record(10, -1), record(0, 1), record(-5, 1), record(MAX_PLAUSIBLE_MINUTES + 1, 1), record(MAX_PLAUSIBLE_MINUTES, 1)];
    expect(recentDurations(history, 1, 1, NOW, 28)).toEqual([MAX_PLAUSIBLE_MINUTES]);
  });
});

describe('median and recentDurationMedian', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([1, 2, 10])).toBe(2);
    expect(median([1, 2, 4, 100])).toBe(3);
  });

  it('is null without history and robust to one runaway consultation', () => {
    expect(recentDurationMedian([], 1, 1, NOW, 28)).toBeNull();
    const history = [record(14, 1), record(15, 2), record(16, 3), record(200, 4)];
    expect(recentDurationMedian(history, 1, 1, NOW, 28)).toBe(15.5);
  });
});

describe('typicalMinutes', () => {
  it('falls back to the specialty default with no history', () => {
    expect(typicalMinutes([], 30, 3)).toBe(30);
  });

  it('pulls a small sample towards the default and trusts a large one', () => {
    expect(typicalMinutes([20], 30, 3)).toBe(27.5);
    const many = Array.from({ length: 60 }, () => 20);
    expect(typicalMinutes(many, 30, 3)).toBeCloseTo(20.476, 3);
    expect(typicalMinutes([20], 30, 0)).toBe(20);
  });
});

describe('remainingMinutes', () => {
  const options = { floorMinutes: 2, minTailSamples: 3 };

  it('is typical − elapsed without history, and never below the floor', () => {
    expect(remainingMinutes([], 5, 20, options)).toBe(15);
    expect(remainingMinutes([], 19, 20, options)).toBe(2);
    expect(remainingMinutes([], 45, 20, options)).toBe(2);
  });

  it("uses the practitioner's own longer consultations once one overruns", () => {
    // Typical 15, but this doctor's long visits run to 30–40 minutes: at minute 25, expect ~10 more.
    const samples = [12, 13, 14, 15, 15, 16, 30, 35, 40];
    expect(remainingMinutes(samples, 25, 15, options)).toBe(10);
    // At the start, the median of everything.
    expect(remainingMinutes(samples, 0, 15, options)).toBe(15);
  });

  it('falls back when too few consultations ran this long', () => {
    expect(remainingMinutes([10, 12, 14, 50], 20, 13, options)).toBe(2);
  });

  it('treats a negative elapsed time (clock skew) as zero', () => {
    expect(remainingMinutes([], -3, 20, options)).toBe(20);
  });
});

describe('onTimeShare', () => {
  const start = (daysAgo: number) => NOW - daysAgo * DAY_MS;

  it('is 1 without history, and the share within the grace, pulled towards 1, with it', () => {
    expect(onTimeShare([], 10, NOW, 28)).toBe(1);
    const outcomes = [
      { startsAt: start(1), checkedInAt: start(1) - 5 * MINUTE_MS },
      { startsAt: start(2), checkedInAt: start(2) + 10 * MINUTE_MS },
      { startsAt: start(3), checkedInAt: start(3) + 10 * MINUTE_MS + 1 },
      { startsAt: start(4), checkedInAt: null },
    ];
    expect(onTimeShare(outcomes, 10, NOW, 28, 0)).toBe(0.5);
    expect(onTimeShare(outcomes, 10, NOW, 28, 3)).toBeCloseTo(5 / 7, 10);
  });

  it('ignores bookings outside the window', () => {
    const outcomes = [
      { startsAt: start(29), checkedInAt: null },
      { startsAt: start(-1), checkedInAt: null },
      { startsAt: start(1), checkedInAt: start(1) },
    ];
    expect(onTimeShare(outcomes, 10, NOW, 28, 0)).toBe(1);
  });
});
