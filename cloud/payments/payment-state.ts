import type { PaymentStatusName, PaymentView } from '../../shared/payments/payments-api';
import type { PaymentState, PaymentStatus } from './provider';
import type { PaymentRow } from './payments.repository';

/**
 * A payment's status and when to look at it again: pure rules, shared by the requests, the
 * webhook and the reconciliation job. Migration 0004's trigger holds the same transitions.
 */

/** Which status may follow which (a status may also stay as it is). */
export const STATUS_AFTER: Record<PaymentStatusName, readonly PaymentStatusName[]> = {
  creating: ['pending', 'paid', 'failed', 'expired', 'cancelled'],
  pending: ['paid', 'failed', 'expired', 'cancelled'],
  // Money the provider says arrived is real even after we gave up on it (a late MB WAY acceptance).
  failed: ['paid'],
  expired: ['paid'],
  cancelled: ['paid'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
};

/** The statuses `to` may be reached from: the UPDATE's guard. */
export function statusesBefore(to: PaymentStatusName): PaymentStatusName[] {
  return (Object.keys(STATUS_AFTER) as PaymentStatusName[]).filter((from) => STATUS_AFTER[from].includes(to));
}

export const canMove = (from: PaymentStatusName, to: PaymentStatusName) => STATUS_AFTER[from].includes(to);

/** Still waiting on the patient or the provider: the job keeps looking. */
export const isOpen = (status: PaymentStatusName) => status === 'creating' || status === 'pending';

/** What the provider's word makes of our status (null: nothing to change). */
export function statusFor(state: PaymentState): PaymentStatusName | null {
  return state === 'pending' ? null : state;
}

/**
 * Why a provider reading must not be applied to this row: it is another payment (our key or
 * amount differ), whatever id it came under.
 */
export function mismatch(row: PaymentRow, status: PaymentStatus): string | null {
  if (status.key !== null && status.key !== row.key) return 'the provider has it under another key';
  if (status.amountCents !== row.amountCents) return 'the provider has it for another amount';
  if (status.method !== null && status.method !== row.method) return 'the provider has it by another method';
  return null;
}

export const FIRST_CHECK_MS = 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 60 * 60_000;
/** A creation no request has finished after this long is the job's to settle. */
export const STALE_CREATING_MS = 2 * 60_000;

/**
 * When to look again: doubling from 30 s to an hour with each look, but never later than the
 * payment's expiry (so MB WAY's 4 minutes and a reference's deadline are met on time).
 */
export function nextCheckAt(row: Pick<PaymentRow, 'checks' | 'expiresAt'>, now: number): number {
  const delay = Math.min(BACKOFF_BASE_MS * 2 ** Math.min(row.checks, 20), BACKOFF_MAX_MS);
  if (row.expiresAt !== null && row.expiresAt > now) return Math.min(now + delay, row.expiresAt);
  return now + delay;
}

export function toView(row: PaymentRow): PaymentView {
  return {
    uid: row.uid,
    key: row.key,
    method: row.method,
    status: row.status,
    amountCents: row.amountCents,
    refundedCents: row.refundedCents,
    multibanco:
      row.method === 'multibanco' && row.mbEntity && row.mbReference && row.expiresAt !== null
        ? { entity: row.mbEntity, reference: row.mbReference, expiresAt: row.expiresAt }
        : null,
    mbway: row.method === 'mbway' && row.mbwayPhone ? { phone: row.mbwayPhone, expiresAt: row.expiresAt } : null,
    patientUid: row.patientUid,
    appointmentUids: row.appointmentUids,
    paidAt: row.paidAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
