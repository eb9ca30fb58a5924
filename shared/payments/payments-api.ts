import { z } from 'zod';
import { isPortugueseMobile } from './mbway';
import { MULTIBANCO_MAX_CENTS, MULTIBANCO_MIN_CENTS } from './multibanco';

/**
 * The cloud's payments API (issue 15) on the wire: what a desk sends to ask for a Multibanco
 * reference or an MB WAY payment, a refund, and what it gets back. Amounts are integer cents,
 * instants epoch milliseconds, as everywhere in the cloud API. The provider's own names and
 * secrets never appear here.
 */

const instantMs = z.number().int().min(0).max(7_258_118_400_000);
const uid = z.uuid();

/** Ours to choose, kept per clinic: a retry with the same key is the same payment (or refund). */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,50}$/, '1 to 50 printable ASCII characters, no spaces');

export const paymentMethod = z.enum(['multibanco', 'mbway']);
export type PaymentMethodName = z.infer<typeof paymentMethod>;

export const paymentStatus = z.enum(['creating', 'pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded', 'partially_refunded']);
export type PaymentStatusName = z.infer<typeof paymentStatus>;

const common = {
  key: idempotencyKey,
  amountCents: z.number().int().max(MULTIBANCO_MAX_CENTS),
  patientUid: uid.optional(),
  appointmentUids: z.array(uid).max(20).optional(),
  customerName: z.string().trim().min(1).max(120).optional(),
  customerEmail: z.email().max(200).optional(),
};

export const createPaymentRequest = z.discriminatedUnion('method', [
  z.strictObject({
    ...common,
    method: z.literal('multibanco'),
    amountCents: common.amountCents.min(MULTIBANCO_MIN_CENTS),
    /** When the reference stops being payable (default: 3 days from the request). */
    expiresAt: instantMs.optional(),
  }),
  z.strictObject({
    ...common,
    method: z.literal('mbway'),
    amountCents: common.amountCents.min(50),
    phone: z.string().max(30).refine(isPortugueseMobile, { message: 'not a Portuguese mobile number (+351 91, 92, 93 or 96)' }),
    /** MB WAY shows it in the customer's app: required. */
    customerName: z.string().trim().min(1).max(120),
  }),
]);
export type CreatePaymentRequest = z.infer<typeof createPaymentRequest>;

export const refundRequest = z.strictObject({
  key: idempotencyKey,
  amountCents: z.number().int().min(1).max(MULTIBANCO_MAX_CENTS),
  /** Multibanco only: where the provider transfers the money back (a reference cannot pay back by itself). */
  bankAccount: z
    .strictObject({
      iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/, 'an IBAN, without spaces'),
      accountHolder: z.string().trim().min(1).max(120),
      email: z.email().max(200),
    })
    .optional(),
});
export type RefundRequest = z.infer<typeof refundRequest>;

export const paymentView = z.strictObject({
  uid,
  key: idempotencyKey,
  method: paymentMethod,
  status: paymentStatus,
  amountCents: z.number().int(),
  refundedCents: z.number().int(),
  multibanco: z.strictObject({ entity: z.string(), reference: z.string(), expiresAt: instantMs }).nullable(),
  mbway: z.strictObject({ phone: z.string(), expiresAt: instantMs.nullable() }).nullable(),
  patientUid: uid.nullable(),
  appointmentUids: z.array(uid),
  paidAt: instantMs.nullable(),
  createdAt: instantMs,
  updatedAt: instantMs,
});
export type PaymentView = z.infer<typeof paymentView>;

export const refundView = z.strictObject({
  key: idempotencyKey,
  amountCents: z.number().int(),
  status: z.enum(['requesting', 'done', 'failed']),
  payment: paymentView,
});
export type RefundView = z.infer<typeof refundView>;

/**
 * A payment's refusals. The status says whether to retry: `retryable` ones (429, 503) with
 * the same key after `Retry-After`; the others will not go through as sent.
 */
export const paymentErrorCode = z.enum([
  'PAYMENT_NOT_FOUND',
  'KEY_REUSED',
  'PAYMENTS_NOT_CONFIGURED',
  'PAYMENT_NOT_REFUNDABLE',
  'REFUND_EXCEEDS_PAID',
  'PROVIDER_REFUSED',
  'PROVIDER_AUTH',
  'PROVIDER_CONFLICT',
  'PROVIDER_BUSY',
  'PROVIDER_UNAVAILABLE',
]);
export type PaymentErrorCode = z.infer<typeof paymentErrorCode>;

export const paymentErrorResponse = z.strictObject({
  error: z.strictObject({ code: paymentErrorCode, message: z.string().max(500), retryable: z.boolean() }),
});
export type PaymentErrorResponse = z.infer<typeof paymentErrorResponse>;
