import { describe, expect, it } from 'vitest';
import { easterSunday, portugueseNationalHolidays } from './portugal';

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2030, '2030-04-21'],
    [2038, '2038-04-25'],
    // The earliest and the latest possible dates.
    [2285, '2285-03-22'],
    [1943, '1943-04-25'],
  ])('%i is on %s', (year, day) => {
    expect(easterSunday(year)).toBe(day);
  });
});

describe('portugueseNationalHolidays', () => {
  it('lists the ten fixed and three movable holidays of 2026, by day', () => {
    const holidays = portugueseNationalHolidays(2026);
    expect(holidays.map((h) => h.day)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-05',
      '2026-04-25',
      '2026-05-01',
      '2026-06-04',
      '2026-06-10',
      '2026-08-15',
      '2026-10-05',
      '2026-11-01',
      '2026-12-01',
      '2026-12-08',
      '2026-12-25',
    ]);
    expect(holidays.find((h) => h.day === '2026-04-03')).toEqual({ day: '2026-04-03', nameEn: 'Good Friday', namePt: 'Sexta-feira Santa' });
    expect(holidays.find((h) => h.day === '2026-06-04')?.namePt).toBe('Corpo de Deus');
  });

  it('moves Good Friday and Corpus Christi with Easter, across month ends', () => {
    // Easter 2027 is on 28 March: Good Friday the 26th, Corpus Christi 27 May.
    const days = portugueseNationalHolidays(2027).map((h) => h.day);
    expect(days).toContain('2027-03-26');
    expect(days).toContain('2027-05-27');
    expect(days).not.toContain('2027-02-09'); // Carnival is not national
  });
});
