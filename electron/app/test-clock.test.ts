import { describe, expect, it } from 'vitest';
import { parseTestClock, testClock } from './test-clock';

describe('test clock', () => {
  it('reads an instant with its offset, and a frozen one', () => {
    expect(parseTestClock('2027-03-28T00:50:00Z')).toEqual({ at: Date.UTC(2027, 2, 28, 0, 50), frozen: false });
    expect(parseTestClock('2026-12-09T23:50:00+01:00!')).toEqual({ at: Date.UTC(2026, 11, 9, 22, 50), frozen: true });
  });

  it('refuses a local time, a date alone, nonsense and impossible dates', () => {
    for (const text of ['2027-03-28T00:50:00', '2027-03-28', 'tomorrow', '', '2027-02-30T10:00:00Z!x', '2027-02-30T10:00:00Z', '2027-13-01T10:00:00Z']) {
      expect(typeof parseTestClock(text), text).toBe('string');
    }
  });

  it('runs on from its start at the real pace, or stands still', () => {
    let real = 1_000_000;
    const running = testClock({ at: 5_000_000, frozen: false }, () => real);
    const frozen = testClock({ at: 5_000_000, frozen: true }, () => real);
    expect(running()).toBe(5_000_000);
    real += 90_000;
    expect(running()).toBe(5_090_000);
    expect(frozen()).toBe(5_000_000);
  });
});
