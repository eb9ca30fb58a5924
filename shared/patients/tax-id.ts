/**
 * Portuguese tax numbers (NIF / NIPC), as the Autoridade Tributária issues them: nine digits,
 * a first digit (or two) naming the kind of taxpayer, and a mod-11 check digit.
 */

/** Kinds of taxpayer by leading digits: 1–3 people, 45 non-resident people, 5 companies, 6 the state, 7x/9x special entities, 8 sole traders (old). */
const SINGLE_LEADS = ['1', '2', '3', '5', '6', '8'];
const DOUBLE_LEADS = ['45', '70', '71', '72', '74', '75', '77', '78', '79', '90', '91', '98', '99'];

export type NifProblem = 'length' | 'first_digit' | 'check_digit';

/** What a NIF is stored as: its nine digits, without spaces, dashes or a leading "PT". */
export function normaliseNif(value: string): string {
  return value
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/^PT/, '');
}

/** The check digit of a NIF's first eight digits. */
export function nifCheckDigit(firstEight: string): number {
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(firstEight[index]) * (9 - index);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/** Why a (normalised) NIF cannot be right, or null when it can. */
export function nifProblem(nif: string): NifProblem | null {
  if (!/^\d{9}$/.test(nif)) return 'length';
  if (!SINGLE_LEADS.includes(nif[0]!) && !DOUBLE_LEADS.includes(nif.slice(0, 2))) return 'first_digit';
  if (nifCheckDigit(nif.slice(0, 8)) !== Number(nif[8])) return 'check_digit';
  return null;
}

/** The country of a tax id: two letters, upper case (ISO 3166-1 alpha-2). */
export const DEFAULT_TAX_COUNTRY = 'PT';
