/**
 * Join codes: what a person reads off one desk's screen (or the cloud's console) and types
 * at another. Ten characters of Crockford base32 (no I, L, O, U: nothing to misread), shown
 * as two groups of five; typed in any case, with or without the dash, O for 0 and I or L for 1.
 */

export const JOIN_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const JOIN_CODE_LENGTH = 10;

/** The ten characters of a code as typed (spaces, dashes and misreadable letters forgiven), or null. */
export function normaliseJoinCode(typed: string): string | null {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== JOIN_CODE_LENGTH) return null;
  for (const char of plain) if (!JOIN_CODE_ALPHABET.includes(char)) return null;
  return plain;
}

/** XXXXX-XXXXX, as shown. */
export function formatJoinCode(plain: string): string {
  return `${plain.slice(0, 5)}-${plain.slice(5)}`;
}

/** A code from random bytes (one per character; 256 is a multiple of 32, so every character is equally likely). */
export function joinCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < JOIN_CODE_LENGTH) throw new Error('not enough random bytes for a join code');
  let plain = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) plain += JOIN_CODE_ALPHABET[bytes[i]! % 32];
  return formatJoinCode(plain);
}
