import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MBWAY_EXPIRY_MS, formatPortugueseMobile, isPortugueseMobile, parsePortugueseMobile } from './mbway';
import { centsToDecimal, centsToEuros, eurosToCents } from './money';
import {
  MULTIBANCO_MAX_CENTS,
  formatMultibancoReference,
  isValidMultibanco,
  multibancoCheckDigits,
  multibancoProblem,
  multibancoReference,
} from './multibanco';

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
const amount = fc.integer({ min: 100, max: MULTIBANCO_MAX_CENTS });

describe('money at the edge', () => {
  it('converts cents to euros and back exactly', () => {
    expect(centsToDecimal(1230)).toBe('12.30');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToEuros(1230)).toBe(12.3);
    expect(JSON.stringify({ value: centsToEuros(1999) })).toBe('{"value":19.99}');
    expect(eurosToCents(12.3)).toBe(1230);
    expect(eurosToCents('0.05')).toBe(5);
    // Where value * 100 would drift: 4.35 * 100 is 434.99999999999994.
    expect(4.35 * 100).not.toBe(435);
    expect([eurosToCents(4.35), eurosToCents(10.05), eurosToCents(0.57)]).toEqual([435, 1005, 57]);
    fc.assert(fc.property(fc.integer({ min: 0, max: MULTIBANCO_MAX_CENTS }), (cents) => eurosToCents(centsToEuros(cents)) === cents));
    // What goes on the wire is the decimal itself, trailing zeros aside ("12.30" prints 12.3).
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MULTIBANCO_MAX_CENTS }),
        (cents) => JSON.stringify(centsToEuros(cents)) === centsToDecimal(cents).replace(/\.?0+$/, ''),
      ),
    );
  });

  it('refuses float drift and more than two decimals instead of rounding them away', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(eurosToCents(0.1 + 0.2)).toBeNull();
    expect(eurosToCents(1.005)).toBeNull();
    expect(eurosToCents(-1)).toBeNull();
    expect(eurosToCents(Number.NaN)).toBeNull();
    expect(eurosToCents('1e3')).toBeNull();
    // The sum done in cents is exact.
    expect(centsToEuros(10 + 20)).toBe(0.3);
    expect(() => centsToDecimal(1.5)).toThrow(RangeError);
  });
});

describe('Multibanco references', () => {
  it('accepts a reference whose check digits are right (a worked example)', () => {
    // 11683 ‖ 6630004 ‖ 00001550: the check digits make the 22-digit number ≡ 1 (mod 97).
    const reference = multibancoReference('11683', '6630004', 1550);
    expect(reference).toMatch(/^6630004\d\d$/);
    expect(BigInt(`11683663000400001550${reference.slice(7)}`) % 97n).toBe(1n);
    expect(isValidMultibanco({ entity: '11683', reference, amountCents: 1550 })).toBe(true);
  });

  it('check digits always validate, for the amount they were made for only', () => {
    fc.assert(
      fc.property(digits(5), digits(7), amount, (entity, prefix, cents) => {
        const reference = multibancoReference(entity, prefix, cents);
        const check = Number(multibancoCheckDigits(entity, prefix, cents));
        return (
          check >= 1 &&
          check <= 98 &&
          BigInt(`${entity}${prefix}${String(cents).padStart(8, '0')}${reference.slice(7)}`) % 97n === 1n &&
          isValidMultibanco({ entity, reference, amountCents: cents })
        );
      }),
    );
    fc.assert(
      fc.property(digits(5), digits(7), amount, amount, (entity, prefix, cents, other) => {
        fc.pre(other !== cents);
        // Mod 97, another amount shares the check digits exactly when the two differ by a multiple of 97.
        const same = (other - cents) % 97 === 0;
        return isValidMultibanco({ entity, reference: multibancoReference(entity, prefix, cents), amountCents: other }) === same;
      }),
    );
  });

  it('catches any single mistyped digit', () => {
    fc.assert(
      fc.property(digits(5), digits(7), amount, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (entity, prefix, cents, at, delta) => {
        const reference = multibancoReference(entity, prefix, cents);
        const typo = reference.slice(0, at) + String((Number(reference[at]) + delta) % 10) + reference.slice(at + 1);
        return multibancoProblem({ entity, reference: typo, amountCents: cents }) === 'check_digits';
      }),
    );
  });

  it('names what is wrong', () => {
    const reference = multibancoReference('21098', '1234567', 2500);
    expect(multibancoProblem({ entity: '2109', reference, amountCents: 2500 })).toBe('entity');
    expect(multibancoProblem({ entity: '21098', reference: '12345678', amountCents: 2500 })).toBe('reference');
    expect(multibancoProblem({ entity: '21098', reference, amountCents: 99 })).toBe('amount');
    expect(multibancoProblem({ entity: '21098', reference, amountCents: 25.5 })).toBe('amount');
    expect(multibancoProblem({ entity: '21098', reference, amountCents: 2500 })).toBeNull();
  });

  it('prints references in groups of three', () => {
    expect(formatMultibancoReference('123456789')).toBe('123 456 789');
    expect(formatMultibancoReference('123 456 789')).toBe('123 456 789');
    expect(() => formatMultibancoReference('12345678')).toThrow(RangeError);
  });
});

describe('MB WAY mobiles', () => {
  it('normalises the ways a desk types a Portuguese mobile', () => {
    for (const input of ['912345678', '912 345 678', '+351 912 345 678', '+351912345678', '00351912345678', '351912345678', '(+351) 912-345-678']) {
      expect(parsePortugueseMobile(input), input).toEqual({ countryCode: '+351', national: '912345678', e164: '+351912345678' });
    }
    expect(formatPortugueseMobile(parsePortugueseMobile('961234567')!)).toBe('+351 961 234 567');
  });

  it('refuses landlines, other ranges, other countries and wrong lengths', () => {
    for (const input of ['212345678', '942345678', '952345678', '97234567', '9123456789', '+34 612 345 678', '+44 7911 123456', 'nine', '']) {
      expect(isPortugueseMobile(input), input).toBe(false);
    }
  });

  it('accepts exactly 9[1236] and seven digits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('1', '2', '3', '6'),
        digits(7),
        (second, rest) => parsePortugueseMobile(`+351 9${second}${rest}`)?.national === `9${second}${rest}`,
      ),
    );
    fc.assert(fc.property(fc.constantFrom('0', '4', '5', '7', '8', '9'), digits(7), (second, rest) => !isPortugueseMobile(`9${second}${rest}`)));
  });

  it('gives the customer four minutes', () => {
    expect(MBWAY_EXPIRY_MS).toBe(240_000);
  });
});
