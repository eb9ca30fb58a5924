import { z } from 'zod';

/**
 * Queue tickets: the short code a patient gets at check-in and that the waiting-room
 * display calls, e.g. `M-007`.
 *
 * A code is the specialty's ticket prefix (one or two capital letters, as
 * `specialties.ticket_prefix` holds), a hyphen and the day's sequence number for that
 * prefix, zero-padded to three digits (`M-007`, `M-042`, `M-999`, then `M-1000`).
 *
 * Never reused in a day: the store keeps one counter per (clinic day, prefix), not per
 * specialty, so two specialties that happen to share a prefix still never hand out the
 * same code on the same day. The day is the clinic's wall-clock day (`dayOf(zone, now)`).
 * The pure part lives here: formatting, parsing and the next sequence number.
 */

/** One or two capital letters: the shape of a specialty's ticket prefix. */
export const TICKET_PREFIX_PATTERN = /^[A-Z]{1,2}$/;

/** Sequence numbers run from 1 to this, per prefix and day: far beyond any real day. */
export const MAX_TICKET_SEQUENCE = 9999;

/** Digits a sequence is padded to: `M-007`. Longer sequences simply grow (`M-1000`). */
export const TICKET_SEQUENCE_DIGITS = 3;

/** A ticket as data: `{ prefix: 'M', sequence: 7 }` is `M-007`. */
export interface Ticket {
  prefix: string;
  sequence: number;
}

/** A canonical ticket code, as {@link formatTicket} writes it; for contracts. */
export const ticketCode = z.string().regex(/^[A-Z]{1,2}-(\d{3}|[1-9]\d{3})$/, 'expected a ticket such as M-007');

export function isTicketPrefix(value: string): boolean {
  return TICKET_PREFIX_PATTERN.test(value);
}

export function isTicketSequence(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_TICKET_SEQUENCE;
}

/**
 * The display code of a ticket: `formatTicket('M', 7)` is `'M-007'`.
 *
 * @throws RangeError for a prefix that is not one or two capital letters, or a sequence
 *   outside 1…{@link MAX_TICKET_SEQUENCE}: both are programming errors (the prefix comes
 *   from a validated specialty, the sequence from {@link nextTicketSequence}).
 */
export function formatTicket(prefix: string, sequence: number): string {
  if (!isTicketPrefix(prefix)) throw new RangeError(`ticket prefix must be one or two capital letters, not ${JSON.stringify(prefix)}`);
  if (!isTicketSequence(sequence)) throw new RangeError(`ticket sequence must be a whole number from 1 to ${MAX_TICKET_SEQUENCE}, not ${sequence}`);
  return `${prefix}-${String(sequence).padStart(TICKET_SEQUENCE_DIGITS, '0')}`;
}

/**
 * Reads a ticket code as staff or a patient might type it: case, surrounding spaces,
 * the hyphen (or a space instead) and zero-padding are all forgiven, so `m7`, `M 7`,
 * `M-07` and `M-007` all read as `{ prefix: 'M', sequence: 7 }`. Returns null for
 * anything that is not a ticket (wrong prefix shape, no digits, sequence 0 or too big).
 * `formatTicket(t.prefix, t.sequence)` gives the canonical code back.
 */
export function parseTicket(code: string): Ticket | null {
  const match = /^([A-Za-z]{1,2})[- ]?(\d{1,6})$/.exec(code.trim());
  if (!match) return null;
  const sequence = Number(match[2]);
  if (!isTicketSequence(sequence)) return null;
  return { prefix: match[1]!.toUpperCase(), sequence };
}

/**
 * The sequence to issue next, given the last one issued today for the same prefix
 * (0, null or undefined when none has been issued yet). The store reads and bumps its
 * per-day counter in the check-in transaction, so two desks never get the same number.
 *
 * @throws RangeError when the day's numbers for this prefix are used up, or when
 *   `lastIssued` is not a whole number from 0 to {@link MAX_TICKET_SEQUENCE}.
 */
export function nextTicketSequence(lastIssued: number | null | undefined): number {
  const last = lastIssued ?? 0;
  if (!Number.isInteger(last) || last < 0 || last > MAX_TICKET_SEQUENCE) {
    throw new RangeError(`last issued ticket sequence must be a whole number from 0 to ${MAX_TICKET_SEQUENCE}, not ${last}`);
  }
  if (last === MAX_TICKET_SEQUENCE) throw new RangeError(`all ${MAX_TICKET_SEQUENCE} tickets of this prefix have been issued today`);
  return last + 1;
}
