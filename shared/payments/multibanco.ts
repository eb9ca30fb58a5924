import { centsToDecimal, isCents } from './money';

/**
 * Multibanco (SIBS) payment references: a 5-digit entity, a 9-digit reference whose last
 * two digits are check digits, and the amount. The check digits are ISO 7064 MOD 97-10
 * over entity ‖ the reference's first 7 digits ‖ the amount in cents as 8 digits, so a
 * reference typed at an ATM with a wrong digit or for a different amount is caught before
 * it is shown to a patient (and a provider answer that is not one is refused).
 */

/** SIBS refuses references for less than this (cents). */
export const MULTIBANCO_MIN_CENTS = 100;
/** 8 digits of cents in the check-digit input. */
export const MULTIBANCO_MAX_CENTS = 99_999_999;

const ENTITY = /^\d{5}$/;
const REFERENCE = /^\d{9}$/;

export interface MultibancoReference {
  entity: string;
  reference: string;
  amountCents: number;
}

export type MultibancoProblem = 'entity' | 'reference' | 'amount' | 'check_digits';

/** A digit string mod 97, digit by digit: the number has 22 digits, beyond a double's exact range. */
function mod97(digits: string): number {
  let rest = 0;
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  return rest;
}

function checkInput(entity: string, firstSeven: string, amountCents: number): string {
  return `${entity}${firstSeven}${String(amountCents).padStart(8, '0')}`;
}

/** The two check digits ("01".."98") for this entity, reference prefix (7 digits) and amount. */
export function multibancoCheckDigits(entity: string, firstSeven: string, amountCents: number): string {
  if (!ENTITY.test(entity)) throw new RangeError('A Multibanco entity has 5 digits.');
  if (!/^\d{7}$/.test(firstSeven)) throw new RangeError('A reference prefix has 7 digits.');
  if (!isCents(amountCents) || amountCents > MULTIBANCO_MAX_CENTS) throw new RangeError('The amount does not fit a reference.');
  return String(98 - mod97(`${checkInput(entity, firstSeven, amountCents)}00`)).padStart(2, '0');
}

/** The full 9-digit reference for a 7-digit prefix. */
export function multibancoReference(entity: string, firstSeven: string, amountCents: number): string {
  return `${firstSeven}${multibancoCheckDigits(entity, firstSeven, amountCents)}`;
}

/** What is wrong with a reference, or null when it is a valid one (the amount counts: a reference is for one amount). */
export function multibancoProblem(ref: MultibancoReference): MultibancoProblem | null {
  if (!ENTITY.test(ref.entity)) return 'entity';
  if (!REFERENCE.test(ref.reference)) return 'reference';
  if (!isCents(ref.amountCents) || ref.amountCents < MULTIBANCO_MIN_CENTS || ref.amountCents > MULTIBANCO_MAX_CENTS) return 'amount';
  return mod97(checkInput(ref.entity, ref.reference.slice(0, 7), ref.amountCents) + ref.reference.slice(7)) === 1 ? null : 'check_digits';
}

export function isValidMultibanco(ref: MultibancoReference): boolean {
  return multibancoProblem(ref) === null;
}

/** "123 456 789": how references are printed on receipts and ATM screens. */
export function formatMultibancoReference(reference: string): string {
  const digits = reference.replace(/\s+/g, '');
  if (!REFERENCE.test(digits)) throw new RangeError('A Multibanco reference has 9 digits.');
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/** The amount as the ATM screen asks to confirm it, "12.30" (no locale: receipts format it themselves). */
export function multibancoAmount(amountCents: number): string {
  return centsToDecimal(amountCents);
}
