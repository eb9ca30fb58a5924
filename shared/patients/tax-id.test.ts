import { describe, expect, it } from 'vitest';
import { nifCheckDigit, nifProblem, normaliseNif } from './tax-id';

describe('Portuguese NIF', () => {
  it('accepts numbers whose mod-11 check digit is right', () => {
    for (const nif of ['123456789', '501442600', '999999990', '450000001', '200000004']) expect(nifProblem(nif)).toBeNull();
  });

  it('refuses a wrong check digit, a first digit the AT never issues, and a wrong length', () => {
    expect(nifProblem('123456780')).toBe('check_digit');
    expect(nifProblem('400000003')).toBe('first_digit');
    expect(nifProblem('730000000')).toBe('first_digit');
    expect(nifProblem('12345678')).toBe('length');
    expect(nifProblem('12345678A')).toBe('length');
  });

  it('takes a check digit of 10 or 11 as 0', () => {
    expect(nifCheckDigit('10000000')).toBe(2); // 9 % 11 = 9 → 11 − 9
    expect(nifCheckDigit('99999999')).toBe(0); // 396 % 11 = 0
    expect(nifCheckDigit('10000007')).toBe(0); // 23 % 11 = 1
  });

  it('is stored without spaces, dashes or a PT prefix', () => {
    expect(normaliseNif(' pt 123-456 789 ')).toBe('123456789');
  });
});
