import { describe, expect, it } from 'vitest';
import { createFormatter } from './format';

describe('calendar days in words', () => {
  it('names the year only where asked: on paper a patient keeps', () => {
    const en = createFormatter('en', 'Europe/Lisbon');
    const pt = createFormatter('pt', 'Europe/Lisbon');
    expect(en.dayLong('2031-03-04')).not.toMatch(/2031/);
    expect(en.dayLongWithYear('2031-03-04')).toMatch(/Tuesday.*4.*March.*2031/);
    expect(en.dayShortWithYear('2031-03-04')).toMatch(/Tue.*4.*Mar.*2031/);
    expect(pt.dayLongWithYear('2031-03-04')).toMatch(/terça-feira.*4.*março.*2031/i);
  });
});
