import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { MBWAY_EXPIRY_MS, parsePortugueseMobile } from '../../../shared/payments/mbway';
import { centsToEuros, eurosToCents } from '../../../shared/payments/money';
import { MULTIBANCO_MAX_CENTS, MULTIBANCO_MIN_CENTS, multibancoProblem } from '../../../shared/payments/multibanco';
import {
  PaymentProviderError,
  type CreateMultibancoInput,
  type MbWayPayment,
  type MultibancoPayment,
  type PaymentProvider,
  type PaymentState,
  type PaymentStatus,
  type Refund,
  type RefundBankAccount,
  type RequestMbWayInput,
  type WebhookResult,
} from '../provider';
import {
  errorBody,
  genericNotification,
  parseEasypayTime,
  refundCreated,
  singleCreated,
  singleDetails,
  type RefundPostRequest,
  type SingleDetails,
  type SinglePostRequest,
} from './easypay.wire';

export interface EasypayConfig {
  /** EASYPAY_SANDBOX_URL, EASYPAY_PRODUCTION_URL, or a peer's URL; ends in /2.0. */
  baseUrl: string;
  accountId: string;
  apiKey: string;
  /** The HTTP Basic credentials the clinic set for its generic notifications in easypay's back office. */
  webhook: { username: string; password: string };
  /** Per request, headers and body together (default 10 s). */
  timeoutMs?: number;
  now?: () => Date;
  /**
   * Refuse a Multibanco reference whose SIBS check digits do not match our amount (default
   * on): a reference for another amount must never reach a patient.
   */
  checkReferenceDigits?: boolean;
}

const PROVIDER_ID = /^[A-Za-z0-9-]{1,100}$/;
/** Our keys are ours to choose; easypay gives no limit, so keep them short and printable. */
const KEY = /^[\x21-\x7e]{1,50}$/;

const invalid = (message: string) => new PaymentProviderError('invalid_request', message);

export class EasypayProvider implements PaymentProvider {
  readonly name = 'easypay';
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly config: EasypayConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.now = config.now ?? (() => new Date());
  }

  async createMultibanco(input: CreateMultibancoInput): Promise<MultibancoPayment> {
    checkKey(input.key);
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents < MULTIBANCO_MIN_CENTS || input.amountCents > MULTIBANCO_MAX_CENTS) {
      throw invalid('A Multibanco reference is for €1.00 to €999,999.99, in whole cents.');
    }
    if (!(input.expiresAt.getTime() > this.now().getTime())) throw invalid('The reference must expire in the future.');
    const body: SinglePostRequest = {
      type: 'sale',
      method: 'mb',
      value: centsToEuros(input.amountCents),
      currency: 'EUR',
      key: input.key,
      multibanco: { expiration_time: input.expiresAt.toISOString() },
      ...(input.customer ? { customer: customerBody(input.customer) } : {}),
    };
    const created = await this.call('POST', '/single', singleCreated, body, input.key);
    const entity = created.method.entity ?? '';
    const reference = created.method.reference ?? '';
    if (created.method.type !== 'mb') throw badAnswer(`a Multibanco request came back as "${created.method.type}"`);
    const problem = multibancoProblem({ entity, reference, amountCents: input.amountCents });
    if (problem === 'entity' || problem === 'reference' || (problem === 'check_digits' && this.config.checkReferenceDigits !== false)) {
      throw badAnswer(`a Multibanco reference with ${problem === 'check_digits' ? 'wrong check digits' : `a malformed ${problem}`}`);
    }
    return { providerId: created.id, method: 'multibanco', entity, reference, amountCents: input.amountCents, expiresAt: input.expiresAt };
  }

  async requestMbWay(input: RequestMbWayInput): Promise<MbWayPayment> {
    checkKey(input.key);
    const mobile = parsePortugueseMobile(input.phone);
    if (!mobile) throw invalid('MB WAY needs a Portuguese mobile number (+351 91, 92, 93 or 96).');
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 50 || input.amountCents > MULTIBANCO_MAX_CENTS) {
      throw invalid('An MB WAY request is for at least €0.50, in whole cents.');
    }
    if (!input.customer.name.trim()) throw invalid('MB WAY needs the customer’s name.');
    const body: SinglePostRequest = {
      type: 'sale',
      method: 'mbw',
      value: centsToEuros(input.amountCents),
      currency: 'EUR',
      key: input.key,
      customer: { ...customerBody(input.customer), phone: mobile.national, phone_indicative: mobile.countryCode },
    };
    const created = await this.call('POST', '/single', singleCreated, body, input.key);
    if (created.method.type !== 'mbw') throw badAnswer(`an MB WAY request came back as "${created.method.type}"`);
    const expiresAt = new Date(this.now().getTime() + MBWAY_EXPIRY_MS);
    return { providerId: created.id, method: 'mbway', amountCents: input.amountCents, phone: mobile.e164, expiresAt };
  }

  async status(providerId: string): Promise<PaymentStatus> {
    return this.toStatus(await this.details(providerId));
  }

  /**
   * easypay refunds a capture, not a payment (POST /refund/{capture id}): the payment is read
   * first for its capture, which also gives a clear refusal when it was never paid.
   */
  async refund(providerId: string, amountCents: number, key: string, bankAccount?: RefundBankAccount): Promise<Refund> {
    checkKey(key);
    if (!Number.isSafeInteger(amountCents) || amountCents < 1) throw invalid('A refund is for a positive number of cents.');
    const payment = await this.details(providerId);
    if (payment.payment_status !== 'paid') throw new PaymentProviderError('conflict', `The payment is ${payment.payment_status}, not paid.`);
    const captureId = payment.capture?.id;
    if (!captureId || !PROVIDER_ID.test(captureId)) throw badAnswer('a paid payment without its capture');
    const body: RefundPostRequest = {
      transaction_key: key,
      value: centsToEuros(amountCents),
      ...(bankAccount
        ? {
            iban: bankAccount.iban,
            account_holder: bankAccount.accountHolder,
            email: bankAccount.email,
            ...(bankAccount.phone ? { phone: bankAccount.phone } : {}),
          }
        : {}),
    };
    const created = await this.call('POST', `/refund/${captureId}`, refundCreated, body, key);
    return { refundId: created.id, providerId, amountCents };
  }

  async parseWebhook(headers: Record<string, string | string[] | undefined>, body: unknown): Promise<WebhookResult> {
    // Node lowercases header names; a caller passing another framework's headers may not.
    const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    if (!this.authentic(authorization)) return { ok: false, reason: 'unauthenticated' };
    const parsed = genericNotification.safeParse(typeof body === 'string' ? safeJson(body) : body);
    if (!parsed.success || !PROVIDER_ID.test(parsed.data.id)) return { ok: false, reason: 'malformed' };
    const notification = parsed.data;
    let payment: PaymentStatus;
    try {
      // Fetch-to-confirm: whatever the body says, the state is what easypay answers now.
      payment = await this.status(notification.id);
    } catch (error) {
      if (error instanceof PaymentProviderError && error.kind === 'not_found') return { ok: false, reason: 'unknown_payment' };
      throw error;
    }
    return {
      ok: true,
      providerId: notification.id,
      claimed: { type: notification.type, status: notification.status, key: notification.key ?? null, date: notification.date ?? null },
      payment,
    };
  }

  private async details(providerId: string): Promise<SingleDetails> {
    if (!PROVIDER_ID.test(providerId)) throw invalid('Not an easypay payment id.');
    return this.call('GET', `/single/${providerId}`, singleDetails);
  }

  private toStatus(details: SingleDetails): PaymentStatus {
    const amountCents = eurosToCents(details.value);
    if (amountCents === null) throw badAnswer(`the amount ${details.value} is not in cents`);
    const expiresAt = parseEasypayTime(details.expiration_time);
    return {
      providerId: details.id,
      state: this.state(details, expiresAt),
      amountCents,
      key: details.key ?? null,
      method: details.method.type === 'mb' ? 'multibanco' : details.method.type === 'mbw' ? 'mbway' : null,
      paidAt: parseEasypayTime(details.paid_at),
      expiresAt,
    };
  }

  /**
   * easypay has no "expired" payment status: a payment still pending past its expiry is
   * expired for us (easypay may flip it later), and a failed one whose method says
   * "expired" is too.
   */
  private state(details: SingleDetails, expiresAt: Date | null): PaymentState {
    switch (details.payment_status) {
      case 'paid':
        return 'paid';
      case 'pending':
      case 'active':
      case 'authorised':
        return expiresAt && expiresAt.getTime() <= this.now().getTime() ? 'expired' : 'pending';
      case 'failed':
      case 'error':
        return details.method.status === 'expired' ? 'expired' : 'failed';
      case 'deleted':
      case 'voided':
        return 'cancelled';
    }
  }

  /** Both halves compared in constant time, and both always compared (no early exit on the user). */
  private authentic(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string') return false;
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = sameSecret(decoded.slice(0, colon), this.config.webhook.username);
    const password = sameSecret(decoded.slice(colon + 1), this.config.webhook.password);
    return user && password;
  }

  private async call<T extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: T, body?: unknown, idempotencyKey?: string): Promise<z.output<T>> {
    const headers: Record<string, string> = { AccountId: this.config.accountId, ApiKey: this.config.apiKey, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      // One signal for the whole exchange: a peer that sends headers then stalls the body is still cut off.
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new PaymentProviderError('unavailable', timedOut ? `easypay did not answer within ${this.timeoutMs} ms.` : 'easypay could not be reached.', {
        cause: error,
      });
    }
    const json = safeJson(text);
    if (status < 200 || status >= 300) throw this.refusal(status, json, retryAfter);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw badAnswer(`an unexpected ${method} ${path.split('/')[1]} answer`, status);
    return parsed.data;
  }

  private refusal(status: number, json: unknown, retryAfter: string | null): PaymentProviderError {
    const parsed = errorBody.safeParse(json);
    const said = parsed.success ? [parsed.data.message ?? []].flat().join(' ').slice(0, 300) : '';
    const message = said || `easypay answered ${status}.`;
    if (status === 401 || status === 403) return new PaymentProviderError('auth', message, { status });
    if (status === 404) return new PaymentProviderError('not_found', message, { status });
    if (status === 409 || status === 412) return new PaymentProviderError('conflict', message, { status });
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(retryAfter, this.now());
      return new PaymentProviderError('rate_limited', message, { status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
    }
    // 422 is easypay's "operations are being processed, try later".
    if (status === 422 || status >= 500) return new PaymentProviderError('unavailable', message, { status });
    return new PaymentProviderError('invalid_request', message, { status });
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw invalid('The payment key must be 1 to 50 printable characters.');
}

function customerBody(customer: { name?: string; email?: string; key?: string }): NonNullable<SinglePostRequest['customer']> {
  return {
    ...(customer.name ? { name: customer.name } : {}),
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.key ? { key: customer.key } : {}),
    language: 'PT',
  };
}

function badAnswer(what: string, status?: number): PaymentProviderError {
  return new PaymentProviderError('unavailable', `easypay sent ${what}.`, status !== undefined ? { status } : {});
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Seconds, or an HTTP date (relative to our injected now); easypay documents neither, so both are read. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Hashing first makes both sides the same length, so timingSafeEqual never leaks the secret's length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}
