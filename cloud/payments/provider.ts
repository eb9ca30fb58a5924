/**
 * What the clinic cloud needs from a payment provider (issue 15), whoever it is: a
 * Multibanco reference, an MB WAY request, a payment's status, a verified webhook, a
 * refund. Amounts are integer cents everywhere on this side; an adapter converts at its
 * edge. Adapters live beside this file (easypay/ first).
 */

export type PaymentMethod = 'multibanco' | 'mbway';

/**
 * Our reading of a payment, provider-neutral. `expired` and `failed` are both final and
 * unpaid; they differ for the desk ("ask again" against "the bank said no").
 */
export type PaymentState = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled';

export interface PaymentCustomer {
  name?: string;
  email?: string;
  /** Our identifier for the patient (never a name or a number the provider would show). */
  key?: string;
}

export interface CreateMultibancoInput {
  amountCents: number;
  /** Ours, unique per payment: the provider's merchant key and the idempotency key, so a retry never makes a second reference. */
  key: string;
  expiresAt: Date;
  customer?: PaymentCustomer;
}

export interface MultibancoPayment {
  providerId: string;
  method: 'multibanco';
  entity: string;
  /** 9 digits, check digits verified. */
  reference: string;
  amountCents: number;
  expiresAt: Date;
}

export interface RequestMbWayInput {
  amountCents: number;
  /** As typed at the desk; normalised (and refused when it is not a Portuguese mobile). */
  phone: string;
  key: string;
  customer: PaymentCustomer & { name: string };
}

export interface MbWayPayment {
  providerId: string;
  method: 'mbway';
  amountCents: number;
  /** E.164. */
  phone: string;
  /** When the customer's window to accept closes (MBWAY_EXPIRY_MS after the request). */
  expiresAt: Date;
}

export interface PaymentStatus {
  providerId: string;
  state: PaymentState;
  amountCents: number;
  /** Ours, as given when the payment was made (how a notification is tied back to our row). */
  key: string | null;
  method: PaymentMethod | null;
  paidAt: Date | null;
  expiresAt: Date | null;
}

/**
 * Where a Multibanco refund goes: a reference cannot pay back by itself, so the provider
 * transfers to the patient's account (MB WAY refunds go back through the app).
 */
export interface RefundBankAccount {
  iban: string;
  accountHolder: string;
  email: string;
  phone?: string;
}

export interface Refund {
  refundId: string;
  providerId: string;
  amountCents: number;
}

/** What a notification claimed (a hint only) and what the provider said when asked. */
export interface VerifiedNotification {
  ok: true;
  providerId: string;
  claimed: { type: string; status: string; key: string | null; date: string | null };
  /** Read back from the provider (fetch-to-confirm): the only part to act on. */
  payment: PaymentStatus;
}

export type WebhookRefusalReason =
  /** Missing or wrong credentials: answer 401, do nothing. */
  | 'unauthenticated'
  /** Not a notification we understand: answer 400. */
  | 'malformed'
  /** Authentic, but the provider does not know the payment: answer 200 so it stops retrying, log it. */
  | 'unknown_payment';

export interface WebhookRefusal {
  ok: false;
  reason: WebhookRefusalReason;
}

export type WebhookResult = VerifiedNotification | WebhookRefusal;

export type ProviderErrorKind =
  /** We sent something the provider refuses (or our own check refused it first); retrying will not help. */
  | 'invalid_request'
  /** Our credentials are wrong or blocked: an operator must fix the clinic's settings. */
  | 'auth'
  | 'not_found'
  /** The same idempotency key with a different request, or a state the operation does not allow. */
  | 'conflict'
  /** Retry after `retryAfterSeconds` (when the provider said). */
  | 'rate_limited'
  /** Timeout, network failure, 5xx, or an answer we cannot read: retry later with the same key. */
  | 'unavailable';

export class PaymentProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

export interface PaymentProvider {
  readonly name: string;
  createMultibanco(input: CreateMultibancoInput): Promise<MultibancoPayment>;
  requestMbWay(input: RequestMbWayInput): Promise<MbWayPayment>;
  status(providerId: string): Promise<PaymentStatus>;
  /**
   * Checks a webhook's credentials and shape, then re-reads the payment from the provider:
   * the body is never trusted for the state. Throws PaymentProviderError only when the
   * provider cannot be asked (answer 5xx so the notification is retried).
   */
  parseWebhook(headers: Record<string, string | string[] | undefined>, body: unknown): Promise<WebhookResult>;
  /** `key`: ours for this refund (idempotency: a retried refund is one refund). */
  refund(providerId: string, amountCents: number, key: string, bankAccount?: RefundBankAccount): Promise<Refund>;
}
