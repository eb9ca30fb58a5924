import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_TICKET_SEQUENCE, formatTicket, isTicketPrefix, nextTicketSequence, parseTicket, ticketCode } from './tickets';

describe('formatTicket', () => {
  it('writes the prefix, a hyphen and the sequence padded to three digits', () => {
    expect(formatTicket('M', 7)).toBe('M-007');
    expect(formatTicket('PD', 42)).toBe('PD-042');
    expect(formatTicket('G', 999)).toBe('G-999');
    expect(formatTicket('G', 1000)).toBe('G-1000');
  });

  it('refuses prefixes and sequences that cannot be tickets', () => {
    for (const prefix of ['', 'm', 'ABC', 'M1', ' M']) expect(() => formatTicket(prefix, 1)).toThrow(RangeError);
    for (const sequence of [0, -1, 1.5, MAX_TICKET_SEQUENCE + 1, Number.NaN]) expect(() => formatTicket('M', sequence)).toThrow(RangeError);
    expect(isTicketPrefix('AB')).toBe(true);
  });
});

describe('parseTicket', () => {
  it('reads canonical codes and forgiving spellings', () => {
    for (const code of ['M-007', 'm-007', ' M-7 ', 'M7', 'm 07', 'M-0007']) expect(parseTicket(code)).toEqual({ prefix: 'M', sequence: 7 });
    expect(parseTicket('PD-1000')).toEqual({ prefix: 'PD', sequence: 1000 });
  });

  it('returns null for what is not a ticket', () => {
    for (const code of ['', 'M-', '-007', 'ABC-001', 'M-000', 'M-10000', 'M--7', '7', 'M-7a', 'É-001']) expect(parseTicket(code)).toBeNull();
  });

  it('round-trips every ticket, and canonical codes match the contract schema', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{1,2}$/), fc.integer({ min: 1, max: MAX_TICKET_SEQUENCE }), (prefix, sequence) => {
        const code = formatTicket(prefix, sequence);
        expect(parseTicket(code)).toEqual({ prefix, sequence });
        expect(ticketCode.safeParse(code).success).toBe(true);
      }),
    );
    expect(ticketCode.safeParse('M-7').success).toBe(false);
    expect(ticketCode.safeParse('M-0007').success).toBe(false);
  });
});

describe('nextTicketSequence', () => {
  it('starts at 1 and counts up, never reusing a number', () => {
    expect(nextTicketSequence(null)).toBe(1);
    expect(nextTicketSequence(undefined)).toBe(1);
    expect(nextTicketSequence(0)).toBe(1);
    const issued = new Set<string>();
    let last = 0;
    for (let i = 0; i < 1200; i++) {
      last = nextTicketSequence(last);
      issued.add(formatTicket('M', last));
    }
    expect(issued.size).toBe(1200);
  });

  it('refuses to go past the last number or from a nonsense counter', () => {
    expect(() => nextTicketSequence(MAX_TICKET_SEQUENCE)).toThrow(RangeError);
    expect(() => nextTicketSequence(-1)).toThrow(RangeError);
    expect(() => nextTicketSequence(2.5)).toThrow(RangeError);
  });
});
