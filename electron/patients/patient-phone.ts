import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** How the desk's phone entry is read: Portuguese unless it says otherwise (+ or 00). */
const DEFAULT_COUNTRY = 'PT';

export type PhoneReading = { ok: true; e164: string } | { ok: false; reason: 'not_a_number' | 'invalid' };

/** The E.164 form of a phone as typed ("912 345 678", "00351 912…", "+44 20…"), or why there is none. */
export function readPhone(typed: string): PhoneReading {
  const trimmed = typed.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(trimmed, DEFAULT_COUNTRY);
  if (!parsed) return { ok: false, reason: 'not_a_number' };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number };
}

/** A Portuguese mobile (91, 92, 93, 96…): the numbers SMS and MB WAY reach. */
export function isPtMobile(e164: string): boolean {
  if (!e164.startsWith('+351')) return false;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country === 'PT' && parsed.getType() === 'MOBILE';
}
