import { describe, expect, it } from 'vitest';
import { nowLineIndex } from './now-line';

const utc = (iso: string) => Date.parse(`${iso}Z`);
const zone = 'Europe/Lisbon';

describe('nowLineIndex', () => {
  it('goes before the first card not started yet, at either end when all or none have', () => {
    const startTimes = [utc('2026-06-15T08:00'), utc('2026-06-15T09:00'), utc('2026-06-15T10:00')];
    const at = (iso: string) => nowLineIndex({ day: '2026-06-15', zone, now: utc(iso), startTimes });
    expect(at('2026-06-15T07:00')).toBe(0);
    expect(at('2026-06-15T08:00')).toBe(1);
    expect(at('2026-06-15T09:30')).toBe(2);
    expect(at('2026-06-15T22:00')).toBe(3);
  });

  it('is only on the clinic’s today, by its time zone, and not in an empty column', () => {
    const startTimes = [utc('2026-06-15T08:00')];
    // 23:30Z on the 14th is already 00:30 on the 15th in Lisbon (summer time).
    expect(nowLineIndex({ day: '2026-06-15', zone, now: utc('2026-06-14T23:30'), startTimes })).toBe(0);
    expect(nowLineIndex({ day: '2026-06-15', zone, now: utc('2026-06-15T23:30'), startTimes })).toBe(null);
    expect(nowLineIndex({ day: '2026-06-15', zone, now: utc('2026-06-15T12:00'), startTimes: [] })).toBe(null);
  });

  it('orders the two 01:30s of the night the clocks go back by the instant', () => {
    // 2026-10-25: 00:30Z is 01:30 summer time, 01:30Z is 01:30 winter time.
    const startTimes = [utc('2026-10-25T00:30'), utc('2026-10-25T01:30')];
    const at = (iso: string) => nowLineIndex({ day: '2026-10-25', zone, now: utc(iso), startTimes });
    expect(at('2026-10-25T01:00')).toBe(1);
    expect(at('2026-10-25T01:45')).toBe(2);
    // The day is 25 hours long: 23:30Z is still the 25th (23:30 winter time).
    expect(at('2026-10-25T23:30')).toBe(2);
    // Spring forward: 2026-03-29 ends at 23:00Z.
    expect(nowLineIndex({ day: '2026-03-29', zone, now: utc('2026-03-29T23:30'), startTimes: [utc('2026-03-29T10:00')] })).toBe(null);
    expect(nowLineIndex({ day: '2026-03-29', zone, now: utc('2026-03-29T22:30'), startTimes: [utc('2026-03-29T10:00')] })).toBe(1);
  });
});
