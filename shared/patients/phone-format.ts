/**
 * A stored phone as the desk reads it: Portuguese numbers (E.164, +351 and nine digits) in
 * groups of three, as they are written in Portugal; any other exactly as stored.
 */
export function formatPhone(stored: string): string {
  const portuguese = /^\+351(\d{3})(\d{3})(\d{3})$/.exec(stored);
  return portuguese ? `+351 ${portuguese[1]} ${portuguese[2]} ${portuguese[3]}` : stored;
}
