import { describe, expect, it } from 'vitest';
import { clampRange, periodAround, shiftPeriod } from './period';

describe('report periods', () => {
  it('finds the day, the Monday-to-Sunday week and the month around a day', () => {
    expect(periodAround('day', '2027-03-28')).toEqual({ kind: 'day', from: '2027-03-28', to: '2027-03-28' });
    expect(periodAround('week', '2027-03-28')).toEqual({ kind: 'week', from: '2027-03-22', to: '2027-03-28' });
    expect(periodAround('month', '2028-02-10')).toEqual({ kind: 'month', from: '2028-02-01', to: '2028-02-29' });
  });

  it('steps a period back and forth, a range by its own length', () => {
    expect(shiftPeriod(periodAround('week', '2027-03-28'), 1)).toEqual({ kind: 'week', from: '2027-03-29', to: '2027-04-04' });
    expect(shiftPeriod(periodAround('month', '2027-03-31'), -1)).toEqual({ kind: 'month', from: '2027-02-01', to: '2027-02-28' });
    expect(shiftPeriod({ kind: 'range', from: '2027-01-01', to: '2027-01-10' }, 1)).toEqual({ kind: 'range', from: '2027-01-11', to: '2027-01-20' });
  });

  it('puts a typed range in order and keeps it within a year', () => {
    expect(clampRange('2027-05-01', '2027-04-01')).toEqual({ kind: 'range', from: '2027-04-01', to: '2027-05-01' });
    expect(clampRange('2027-01-01', '2029-01-01')).toEqual({ kind: 'range', from: '2027-01-01', to: '2028-01-01' });
  });
});
