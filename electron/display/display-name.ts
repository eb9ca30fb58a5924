import type { DisplayPrivacy } from '../../shared/display/display.contract';

const LONGEST_FIRST_NAME = 30;

function words(value: string): string[] {
  return value
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '');
}

/** The first letter of a word, capitalised ("d'Almeida" → "D"); '' when it has none. */
function initialOf(word: string): string {
  const letter = /\p{L}/u.exec(word)?.[0] ?? '';
  return letter.toLocaleUpperCase();
}

/**
 * What the waiting-room display may show of a patient's name, reduced here in the main
 * process so that nothing more ever leaves it.
 *
 * The first name is the first word of the preferred name when there is one (the name the
 * patient answers to), else the first word of the full name; the surname is the last word
 * of the full name. `firstNameLastInitial`: "Ana S."; `initials`: "A. S."; `ticketOnly`: ''.
 * A one-word name shows just that word (or its initial).
 */
export function displayNameOf(privacy: DisplayPrivacy, fullName: string, preferredName: string): string {
  if (privacy === 'ticketOnly') return '';
  const full = words(fullName);
  const first = (words(preferredName)[0] ?? full[0] ?? '').slice(0, LONGEST_FIRST_NAME);
  const surname = full.length > 1 ? full[full.length - 1]! : '';
  const surnameInitial = surname ? initialOf(surname) : '';
  if (privacy === 'initials') {
    return [initialOf(first), surnameInitial]
      .filter((initial) => initial !== '')
      .map((initial) => `${initial}.`)
      .join(' ');
  }
  return surnameInitial ? `${first} ${surnameInitial}.` : first;
}

/** How the kiosk greets a patient who matched: the preferred name, else the first name; never the full name. */
export function greetingNameOf(fullName: string, preferredName: string): string {
  return (words(preferredName)[0] ?? words(fullName)[0] ?? '').slice(0, LONGEST_FIRST_NAME);
}
