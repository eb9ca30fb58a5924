import { describe, expect, it } from 'vitest';
import { isPtMobile, readPhone } from './patient-phone';

describe('phone numbers', () => {
  it('reads what the desk types as E.164, Portuguese unless it says otherwise', () => {
    expect(readPhone('912 345 678')).toEqual({ ok: true, e164: '+351912345678' });
    expect(readPhone('+351 912-345-678')).toEqual({ ok: true, e164: '+351912345678' });
    expect(readPhone('00351 212 345 678')).toEqual({ ok: true, e164: '+351212345678' });
    expect(readPhone('+44 20 7946 0958')).toEqual({ ok: true, e164: '+442079460958' });
  });

  it('refuses what cannot be a number', () => {
    expect(readPhone('12345').ok).toBe(false);
    expect(readPhone('ext').ok).toBe(false);
  });

  it('tells Portuguese mobiles from landlines and foreign numbers', () => {
    expect(isPtMobile('+351912345678')).toBe(true);
    expect(isPtMobile('+351962345678')).toBe(true);
    expect(isPtMobile('+351212345678')).toBe(false);
    expect(isPtMobile('+447911123456')).toBe(false);
    expect(isPtMobile('912345678')).toBe(false);
  });
});
