/**
 * Money in our code is always an integer number of cents. Providers that speak decimal
 * euros (easypay's `value`) are converted at the edge through strings, never through
 * `cents / 100` arithmetic on floats, so 0.1 + 0.2 style drift cannot reach a payment.
 */

/** The largest amount we ever send: a Multibanco reference carries at most 8 digits of cents. */
export const MAX_CENTS = 99_999_999;

export function isCents(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** "12.30" for 1230: the decimal text of an amount (what a JSON number for it must print as). */
export function centsToDecimal(cents: number): string {
  if (!isCents(cents)) throw new RangeError(`Not an amount in cents: ${String(cents)}`);
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${String(rest).padStart(2, '0')}`;
}

/**
 * 12.3 for 1230: a JSON number whose shortest printed form is exactly the decimal (every
 * decimal with two places and fewer than 16 digits round-trips through a double).
 */
export function centsToEuros(cents: number): number {
  return Number(centsToDecimal(cents));
}

const DECIMAL = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * 1230 for 12.3 (or "12.30"); null for anything that is not a non-negative amount with at
 * most two decimal places. Read from the number's shortest decimal form, so 0.1 + 0.2
 * (0.30000000000000004) is refused rather than silently rounded.
 */
export function eurosToCents(euros: number | string): number | null {
  if (typeof euros === 'number' && (!Number.isFinite(euros) || euros < 0)) return null;
  const text = typeof euros === 'number' ? String(euros) : euros.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : null;
}
