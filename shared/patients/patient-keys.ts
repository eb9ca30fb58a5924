/**
 * Folds text for matching: lower case, accents removed ("Conceição" → "conceicao"),
 * runs of anything that is not a letter or digit become one space.
 */
export function foldText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Only the digits of a phone number: "+351 912-345 678" → "351912345678". */
export function phoneDigits(value: string): string {
  return value.replace(/\D+/g, '');
}

/**
 * The forms one phone number may be stored in, as digits: typed with or without the
 * international prefix (00 or +) and with or without Portugal's country code 351.
 * "912345678" → 912345678, 351912345678, 00351912345678.
 */
export function phoneVariants(digits: string): string[] {
  if (!digits) return [];
  const international = digits.startsWith('00') ? digits.slice(2) : digits;
  const national = international.startsWith('351') ? international.slice(3) : international;
  const variants = [digits, international, national, `351${national}`, `00351${national}`];
  return [...new Set(variants.filter(Boolean))];
}
