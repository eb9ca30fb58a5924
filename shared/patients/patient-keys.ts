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
