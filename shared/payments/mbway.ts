/**
 * MB WAY pays to a Portuguese mobile number: +351 then 9 digits starting 91, 92, 93 or 96
 * (the mobile ranges). Desks type them every way ("912 345 678", "+351912345678",
 * "00351 912..."), so input is normalised before it is checked or sent.
 */

/** How long the customer has to accept an MB WAY request in the app (SIBS's window). */
export const MBWAY_EXPIRY_MS = 4 * 60_000;

export const PT_COUNTRY_CODE = '+351';

const MOBILE = /^9[1236]\d{7}$/;

export interface PortugueseMobile {
  /** "+351" */
  countryCode: typeof PT_COUNTRY_CODE;
  /** The 9 national digits, "912345678". */
  national: string;
  /** E.164, "+351912345678". */
  e164: string;
}

/**
 * The mobile in `input` (spaces, dots, dashes and brackets ignored; "+351", "00351" or no
 * prefix), or null when it is not a Portuguese mobile number.
 */
export function parsePortugueseMobile(input: string): PortugueseMobile | null {
  let digits = input.replace(/[\s().-]/g, '');
  if (digits.startsWith('+351')) digits = digits.slice(4);
  else if (digits.startsWith('00351')) digits = digits.slice(5);
  else if (digits.length === 12 && digits.startsWith('351')) digits = digits.slice(3);
  if (!MOBILE.test(digits)) return null;
  return { countryCode: PT_COUNTRY_CODE, national: digits, e164: `${PT_COUNTRY_CODE}${digits}` };
}

export function isPortugueseMobile(input: string): boolean {
  return parsePortugueseMobile(input) !== null;
}

/** "+351 912 345 678" */
export function formatPortugueseMobile(mobile: PortugueseMobile): string {
  const n = mobile.national;
  return `${mobile.countryCode} ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
}
