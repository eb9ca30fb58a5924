import { describe, expect, it } from 'vitest';
import { formatPhone } from './phone-format';

describe('formatPhone', () => {
  it('groups a Portuguese number in threes and leaves any other as stored', () => {
    expect(formatPhone('+351912345678')).toBe('+351 912 345 678');
    expect(formatPhone('+442079460958')).toBe('+442079460958');
    expect(formatPhone('(12) 34')).toBe('(12) 34');
  });
});
