import { createHash, randomUUID } from 'node:crypto';
import { MBWAY_EXPIRY_MS, parsePortugueseMobile } from '../../shared/payments/mbway';
import type { CreatePaymentRequest, PaymentErrorCode, PaymentStatusName, PaymentView, RefundRequest, RefundView } from '../../shared/payments/payments-api';
import type { CloudDb, Executor } from '../db/cloud-db';
import { inClinic } from '../db/tenancy.repository';
import { FIRST_CHECK_MS, STALE_CREATING_MS, canMove, mismatch, statusFor, statusesBefore, toView } from './payment-state';
import * as repo from './payments.repository';
import { PaymentProviderError, type PaymentProvider, type PaymentStatus } from './provider';
import { openProvider, type OpenProviderDeps } from './providers';

/**
 * The cloud's payments: a row is written (status 'creating') under the caller's key BEFORE
 * the provider is called, so a retry, or a crash between the two, never makes a second
 * charge: the same key finds the same row and, while it is still 'creating', calls the
 * provider again with the same idempotency key. Provider refusals become typed errors.
 */

export type PaymentsDeps = OpenProviderDeps & { db: CloudDb };

export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    readonly status: 404 | 409 | 422 | 429 | 502 | 503,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

const notFound = () => new PaymentError('PAYMENT_NOT_FOUND', 404, 'No such payment in this clinic.');
const notConfigured = () =>
  new PaymentError('PAYMENTS_NOT_CONFIGURED', 409, 'This clinic has no payment provider set up (npm run cloud:admin -- set-payment-provider).');

/** The provider's refusal as ours. Its message is the provider's words, never our secrets (the adapter sends none back). */
export function fromProvider(error: unknown): PaymentError {
  if (!(error instanceof PaymentProviderError)) throw error;
  switch (error.kind) {
    case 'invalid_request':
    case 'not_found':
      return new PaymentError('PROVIDER_REFUSED', 422, `The payment provider refused: ${error.message}`);
    case 'auth':
      return new PaymentError('PROVIDER_AUTH', 502, "The payment provider refused the clinic's credentials: an administrator must fix them.");
    case 'conflict':
      return new PaymentError('PROVIDER_CONFLICT', 409, `The payment provider refused: ${error.message}`);
    case 'rate_limited':
      return new PaymentError(
        'PROVIDER_BUSY',
        429,
        'The payment provider asks us to slow down; retry with the same key.',
        error.details.retryAfterSeconds ?? 5,
      );
    case 'unavailable':
      return new PaymentError('PROVIDER_UNAVAILABLE', 503, 'The payment provider did not answer; retry with the same key.', 5);
  }
}

/** What the caller asked for, key aside: the same key for anything else is refused. */
function requestHash(request: CreatePaymentRequest, phone: string | null): string {
  const canonical = JSON.stringify([
    request.method,
    request.amountCents,
    phone,
    request.method === 'multibanco' ? (request.expiresAt ?? null) : null,
    request.patientUid ?? null,
    request.appointmentUids ?? [],
    request.customerName ?? null,
    request.customerEmail ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** How long a Multibanco reference stays payable when the caller does not say. */
export const DEFAULT_MULTIBANCO_MS = 3 * 24 * 60 * 60_000;

export async function createPayment(deps: PaymentsDeps, clinicId: number, request: CreatePaymentRequest): Promise<{ payment: PaymentView; created: boolean }> {
  const now = deps.now();
  const phone = request.method === 'mbway' ? parsePortugueseMobile(request.phone)!.e164 : null;
  if (request.method === 'multibanco' && request.expiresAt !== undefined && request.expiresAt <= now) {
    throw new PaymentError('PROVIDER_REFUSED', 422, 'A reference must expire in the future.');
  }
  const { row, created } = await inClinic(deps.db, clinicId, async (trx) => {
    const settings = await repo.providerSettings(trx, clinicId);
    if (!settings || !deps.secrets) throw notConfigured();
    const made = await repo.insertPayment(trx, {
      clinicId,
      uid: randomUUID(),
      key: request.key,
      requestHash: requestHash(request, phone),
      provider: settings.provider,
      method: request.method,
      amountCents: request.amountCents,
      mbwayPhone: phone,
      expiresAt: request.method === 'multibanco' ? (request.expiresAt ?? now + DEFAULT_MULTIBANCO_MS) : null,
      patientUid: request.patientUid ?? null,
      appointmentUids: request.appointmentUids ?? [],
      customerName: request.customerName ?? null,
      customerEmail: request.customerEmail ?? null,
      createdAt: now,
      nextCheckAt: now + STALE_CREATING_MS,
    });
    return { row: made ?? (await repo.paymentByKey(trx, clinicId, request.key))!, created: made !== undefined };
  });
  if (row.requestHash !== requestHash(request, phone)) {
    throw new PaymentError('KEY_REUSED', 409, 'This key was used for another payment (another amount, method or customer): use a new key.');
  }
  if (row.status !== 'creating') return { payment: toView(row), created };
  return { payment: toView(await drive(deps, clinicId, row.uid)), created };
}

/**
 * Calls the provider for a payment still 'creating', holding its row lock meanwhile: a second
 * request with the same key (on this server or another) waits here, then finds the answer
 * instead of calling again. The lock is held across the call on purpose; the adapter's
 * timeout (10 s) bounds it.
 */
export async function drive(deps: PaymentsDeps, clinicId: number, uid: string): Promise<repo.PaymentRow> {
  let refusal: PaymentError | null = null;
  const row = await inClinic(deps.db, clinicId, async (trx) => {
    const locked = (await repo.paymentByUid(trx, clinicId, uid, true))!;
    if (locked.status !== 'creating') return locked;
    const provider = await openProvider(trx, deps, clinicId, locked.provider);
    if (!provider) throw notConfigured();
    const now = deps.now();
    try {
      const answer =
        locked.method === 'multibanco'
          ? await provider.createMultibanco({
              amountCents: locked.amountCents,
              key: locked.key,
              expiresAt: new Date(locked.expiresAt!),
              ...(locked.customerName || locked.customerEmail ? { customer: customerOf(locked) } : {}),
            })
          : await provider.requestMbWay({
              amountCents: locked.amountCents,
              phone: locked.mbwayPhone!,
              key: locked.key,
              customer: { ...customerOf(locked), name: locked.customerName ?? '' },
            });
      const expiresAt = answer.expiresAt.getTime();
      const answered = await repo.recordAnswer(
        trx,
        clinicId,
        uid,
        {
          providerId: answer.providerId,
          entity: answer.method === 'multibanco' ? answer.entity : null,
          reference: answer.method === 'multibanco' ? answer.reference : null,
          phone: answer.method === 'mbway' ? answer.phone : null,
          expiresAt,
          nextCheckAt: Math.min(now + FIRST_CHECK_MS, expiresAt),
        },
        now,
      );
      await repo.insertEvent(trx, event(answered, 'request', 'created', `created:${answer.providerId}`, 'creating', 'pending', now));
      return answered;
    } catch (error) {
      refusal = fromProvider(error);
      // A request the provider will never take as sent is over; anything else stays 'creating' for a retry with the same key.
      if (refusal.code !== 'PROVIDER_REFUSED') return locked;
      const failed = (await repo.moveStatus(
        trx,
        clinicId,
        uid,
        ['creating'],
        { status: 'failed', failure: refusal.message.slice(0, 300), nextCheckAt: null },
        now,
      ))!;
      await repo.insertEvent(trx, event(failed, 'request', 'failed', 'create-refused', 'creating', 'failed', now));
      return failed;
    }
  });
  if (refusal) throw refusal;
  return row;
}

const customerOf = (row: repo.PaymentRow) => ({
  ...(row.customerName ? { name: row.customerName } : {}),
  ...(row.customerEmail ? { email: row.customerEmail } : {}),
  ...(row.patientUid ? { key: row.patientUid } : {}),
});

function event(
  row: repo.PaymentRow,
  source: repo.PaymentEvent['source'],
  kind: repo.PaymentEvent['kind'],
  eventId: string,
  statusBefore: PaymentStatusName,
  statusAfter: PaymentStatusName,
  at: number,
  extra: Partial<repo.PaymentEvent> = {},
): repo.PaymentEvent {
  return { clinicId: row.clinicId, paymentUid: row.uid, source, kind, eventId, statusBefore, statusAfter, at, ...extra };
}

export async function getPayment(deps: PaymentsDeps, clinicId: number, uid: string): Promise<PaymentView> {
  const row = await inClinic(deps.db, clinicId, (trx) => repo.paymentByUid(trx, clinicId, uid), { readOnly: true });
  if (!row) throw notFound();
  return toView(row);
}

/**
 * The provider's reading of a payment, applied to the locked row: once per `eventId` (a
 * second delivery of the same notification changes nothing), and only along the allowed
 * transitions (a late "failed" after "paid" is recorded, the status stays paid).
 */
export async function applyReading(
  trx: Executor,
  row: repo.PaymentRow,
  reading: PaymentStatus,
  source: 'webhook' | 'poll',
  eventId: string,
  now: number,
  claimed: Record<string, unknown> | null = null,
): Promise<{ row: repo.PaymentRow; recorded: boolean }> {
  const wrong = mismatch(row, reading);
  const wanted = wrong ? null : statusFor(reading.state);
  const target = wanted && wanted !== row.status && canMove(row.status, wanted) ? wanted : row.status;
  const recorded = await repo.insertEvent(
    trx,
    event(row, source, source === 'webhook' ? 'notified' : 'observed', eventId, row.status, target, now, {
      claimed: wrong ? { ...claimed, refused: wrong } : claimed,
      providerState: reading.state,
    }),
  );
  if (!recorded || target === row.status) return { row, recorded };
  const moved = await repo.moveStatus(
    trx,
    row.clinicId,
    row.uid,
    statusesBefore(target),
    { status: target, paidAt: target === 'paid' ? (reading.paidAt?.getTime() ?? now) : null, nextCheckAt: null },
    now,
  );
  return { row: moved ?? row, recorded };
}

export async function refund(deps: PaymentsDeps, clinicId: number, uid: string, request: RefundRequest): Promise<RefundView> {
  const now = deps.now();
  const payment = await inClinic(deps.db, clinicId, async (trx) => {
    // The payment's lock orders this clinic's refunds of it: the sum below cannot be raced past.
    const row = await repo.paymentByUid(trx, clinicId, uid, true);
    if (!row) throw notFound();
    const existing = await repo.refundByKey(trx, clinicId, request.key);
    if (existing) {
      if (existing.paymentUid !== uid || existing.amountCents !== request.amountCents) {
        throw new PaymentError('KEY_REUSED', 409, 'This refund key was used for another refund: use a new key.');
      }
      return row;
    }
    if (row.status !== 'paid' && row.status !== 'partially_refunded') {
      throw new PaymentError('PAYMENT_NOT_REFUNDABLE', 409, `Only a paid payment can be refunded; this one is ${row.status}.`);
    }
    const reserved = await repo.reservedRefunds(trx, clinicId, uid);
    if (reserved + request.amountCents > row.amountCents) {
      throw new PaymentError('REFUND_EXCEEDS_PAID', 409, `At most ${row.amountCents - reserved} cents of this payment can still be refunded.`);
    }
    if (row.method === 'multibanco' && !request.bankAccount) {
      throw new PaymentError('PROVIDER_REFUSED', 422, 'A Multibanco refund needs the bank account to pay it back to (bankAccount).');
    }
    await repo.insertRefund(trx, clinicId, uid, request.key, request.amountCents, now);
    return row;
  });
  return driveRefund(deps, clinicId, payment, request);
}

async function driveRefund(deps: PaymentsDeps, clinicId: number, payment: repo.PaymentRow, request: RefundRequest): Promise<RefundView> {
  let refusal: PaymentError | null = null;
  const view = await inClinic(deps.db, clinicId, async (trx): Promise<RefundView> => {
    const pending = (await repo.refundByKey(trx, clinicId, request.key, true))!;
    const current = async () => toView((await repo.paymentByUid(trx, clinicId, payment.uid))!);
    if (pending.status !== 'requesting') return { key: pending.key, amountCents: pending.amountCents, status: pending.status, payment: await current() };
    const provider = await openProvider(trx, deps, clinicId, payment.provider);
    if (!provider) throw notConfigured();
    const now = deps.now();
    try {
      const done = await provider.refund(payment.providerId!, request.amountCents, request.key, request.bankAccount);
      await repo.settleRefund(trx, clinicId, request.key, 'done', done.refundId, now);
      const row = (await repo.paymentByUid(trx, clinicId, payment.uid, true))!;
      const refunded = row.refundedCents + request.amountCents;
      const status = refunded === row.amountCents ? 'refunded' : 'partially_refunded';
      const moved = (await repo.moveStatus(trx, clinicId, row.uid, statusesBefore(status), { status, refundedCents: refunded, nextCheckAt: null }, now))!;
      await repo.insertEvent(
        trx,
        event(moved, 'request', 'refunded', `refund:${done.refundId}`, row.status, status, now, { amountCents: request.amountCents }),
      );
      return { key: request.key, amountCents: request.amountCents, status: 'done', payment: toView(moved) };
    } catch (error) {
      refusal = fromProvider(error);
      if (refusal.retryable || refusal.code === 'PROVIDER_AUTH')
        return { key: request.key, amountCents: request.amountCents, status: 'requesting', payment: await current() };
      await repo.settleRefund(trx, clinicId, request.key, 'failed', null, now);
      return { key: request.key, amountCents: request.amountCents, status: 'failed', payment: await current() };
    }
  });
  if (refusal) throw refusal;
  return view;
}

/** An MB WAY request's window (and a little more): how long a 'creating' one may still become a payment. */
export const mbwayWindowEnds = (row: repo.PaymentRow) => row.createdAt + MBWAY_EXPIRY_MS;

export type { PaymentProvider };
