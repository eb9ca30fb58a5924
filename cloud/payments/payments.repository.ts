import { sql } from 'kysely';
import type { Executor } from '../db/cloud-db';
import type { PaymentMethodName, PaymentStatusName } from '../../shared/payments/payments-api';

/**
 * The statements of payments, their events and refunds, and the clinics' provider settings
 * (migration 0004). A clinic's own run in its transaction (row-level security scopes them);
 * the reconciliation job's claim and the settings' writes on the admin path.
 */

export interface PaymentRow {
  clinicId: number;
  uid: string;
  key: string;
  requestHash: string;
  provider: string;
  providerId: string | null;
  method: PaymentMethodName;
  amountCents: number;
  status: PaymentStatusName;
  mbEntity: string | null;
  mbReference: string | null;
  mbwayPhone: string | null;
  expiresAt: number | null;
  patientUid: string | null;
  appointmentUids: string[];
  customerName: string | null;
  customerEmail: string | null;
  refundedCents: number;
  failure: string | null;
  paidAt: number | null;
  createdAt: number;
  updatedAt: number;
  nextCheckAt: number | null;
  checks: number;
}

const COLUMNS = sql`clinic_id AS "clinicId", uid, key, request_hash AS "requestHash", provider, provider_id AS "providerId", method,
  amount_cents AS "amountCents", status, mb_entity AS "mbEntity", mb_reference AS "mbReference", mbway_phone AS "mbwayPhone",
  expires_at AS "expiresAt", patient_uid AS "patientUid", appointment_uids AS "appointmentUids", customer_name AS "customerName",
  customer_email AS "customerEmail", refunded_cents AS "refundedCents", failure, paid_at AS "paidAt", created_at AS "createdAt",
  updated_at AS "updatedAt", next_check_at AS "nextCheckAt", checks`;

async function rows<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(ex)).rows as T[];
}
const first = async <T>(ex: Executor, query: ReturnType<typeof sql>) => (await rows<T>(ex, query))[0];
const lock = (forUpdate: boolean) => (forUpdate ? sql` FOR UPDATE` : sql``);

export type NewPayment = Omit<
  PaymentRow,
  'providerId' | 'status' | 'mbEntity' | 'mbReference' | 'refundedCents' | 'failure' | 'paidAt' | 'updatedAt' | 'checks'
>;

/** The new row (status 'creating'), or undefined when the clinic has a payment with this key already. */
export async function insertPayment(ex: Executor, p: NewPayment): Promise<PaymentRow | undefined> {
  return first<PaymentRow>(
    ex,
    sql`INSERT INTO payments (clinic_id, uid, key, request_hash, provider, method, amount_cents, status, mbway_phone, expires_at,
        patient_uid, appointment_uids, customer_name, customer_email, created_at, updated_at, next_check_at)
      VALUES (${p.clinicId}, ${p.uid}, ${p.key}, ${p.requestHash}, ${p.provider}, ${p.method}, ${p.amountCents}, 'creating', ${p.mbwayPhone},
        ${p.expiresAt}, ${p.patientUid}, ${p.appointmentUids}::text[], ${p.customerName}, ${p.customerEmail}, ${p.createdAt}, ${p.createdAt}, ${p.nextCheckAt})
      ON CONFLICT (clinic_id, key) DO NOTHING RETURNING ${COLUMNS}`,
  );
}

export async function paymentByKey(ex: Executor, clinicId: number, key: string, forUpdate = false): Promise<PaymentRow | undefined> {
  return first<PaymentRow>(ex, sql`SELECT ${COLUMNS} FROM payments WHERE clinic_id = ${clinicId} AND key = ${key}${lock(forUpdate)}`);
}

export async function paymentByUid(ex: Executor, clinicId: number, uid: string, forUpdate = false): Promise<PaymentRow | undefined> {
  return first<PaymentRow>(ex, sql`SELECT ${COLUMNS} FROM payments WHERE clinic_id = ${clinicId} AND uid = ${uid}${lock(forUpdate)}`);
}

/** In the clinic's transaction: another clinic's payment with this provider id is not seen. */
export async function paymentByProviderId(ex: Executor, provider: string, providerId: string): Promise<PaymentRow | undefined> {
  return first<PaymentRow>(ex, sql`SELECT ${COLUMNS} FROM payments WHERE provider = ${provider} AND provider_id = ${providerId} FOR UPDATE`);
}

/** The provider's answer to a creation: the reference or the MB WAY window, status pending. */
export async function recordAnswer(
  ex: Executor,
  clinicId: number,
  uid: string,
  answer: { providerId: string; entity: string | null; reference: string | null; phone: string | null; expiresAt: number; nextCheckAt: number },
  now: number,
): Promise<PaymentRow> {
  return (await first<PaymentRow>(
    ex,
    sql`UPDATE payments SET provider_id = ${answer.providerId}, mb_entity = ${answer.entity}, mb_reference = ${answer.reference},
        mbway_phone = coalesce(${answer.phone}, mbway_phone), expires_at = ${answer.expiresAt}, status = 'pending',
        next_check_at = ${answer.nextCheckAt}, updated_at = ${now}
      WHERE clinic_id = ${clinicId} AND uid = ${uid} AND status = 'creating' RETURNING ${COLUMNS}`,
  ))!;
}

/**
 * Moves the payment to `status` only from one of `from` (the service's transition table): a
 * late "failed" after "paid" changes nothing. Undefined when it did not move.
 */
export async function moveStatus(
  ex: Executor,
  clinicId: number,
  uid: string,
  from: readonly PaymentStatusName[],
  change: { status: PaymentStatusName; paidAt?: number | null; failure?: string | null; refundedCents?: number; nextCheckAt: number | null },
  now: number,
): Promise<PaymentRow | undefined> {
  return first<PaymentRow>(
    ex,
    sql`UPDATE payments SET status = ${change.status}, paid_at = coalesce(paid_at, ${change.paidAt ?? null}::bigint),
        failure = coalesce(${change.failure ?? null}::text, failure), refunded_cents = coalesce(${change.refundedCents ?? null}::bigint, refunded_cents),
        next_check_at = ${change.nextCheckAt}, updated_at = ${now}
      WHERE clinic_id = ${clinicId} AND uid = ${uid} AND status IN (${sql.join(from.map((s) => sql`${s}`))}) RETURNING ${COLUMNS}`,
  );
}

/** When the job looks next, and how many looks so far (its backoff). */
export async function scheduleCheck(ex: Executor, clinicId: number, uid: string, nextCheckAt: number | null): Promise<void> {
  await sql`UPDATE payments SET next_check_at = ${nextCheckAt}, checks = checks + 1 WHERE clinic_id = ${clinicId} AND uid = ${uid}`.execute(ex);
}

export interface PaymentEvent {
  clinicId: number;
  paymentUid: string;
  source: 'request' | 'webhook' | 'poll' | 'reconcile';
  kind: 'created' | 'notified' | 'observed' | 'expired' | 'refunded' | 'failed';
  eventId: string;
  claimed?: Record<string, unknown> | null;
  providerState?: string | null;
  statusBefore: PaymentStatusName;
  statusAfter: PaymentStatusName;
  amountCents?: number | null;
  at: number;
}

/** False when this event was recorded already (a duplicate delivery). */
export async function insertEvent(ex: Executor, e: PaymentEvent): Promise<boolean> {
  const made = await rows(
    ex,
    sql`INSERT INTO payment_events (clinic_id, payment_uid, source, kind, event_id, claimed, provider_state, status_before, status_after, amount_cents, at)
      VALUES (${e.clinicId}, ${e.paymentUid}, ${e.source}, ${e.kind}, ${e.eventId}, ${e.claimed ? JSON.stringify(e.claimed) : null}::jsonb,
        ${e.providerState ?? null}, ${e.statusBefore}, ${e.statusAfter}, ${e.amountCents ?? null}, ${e.at})
      ON CONFLICT (clinic_id, payment_uid, event_id) DO NOTHING RETURNING id`,
  );
  return made.length === 1;
}

export async function eventExists(ex: Executor, clinicId: number, paymentUid: string, eventId: string): Promise<boolean> {
  return (
    (await rows(ex, sql`SELECT 1 FROM payment_events WHERE clinic_id = ${clinicId} AND payment_uid = ${paymentUid} AND event_id = ${eventId}`)).length === 1
  );
}

// --- refunds ---

export interface RefundRow {
  key: string;
  paymentUid: string;
  amountCents: number;
  status: 'requesting' | 'done' | 'failed';
  providerRefundId: string | null;
}
const REFUND_COLUMNS = sql`key, payment_uid AS "paymentUid", amount_cents AS "amountCents", status, provider_refund_id AS "providerRefundId"`;

export async function refundByKey(ex: Executor, clinicId: number, key: string, forUpdate = false): Promise<RefundRow | undefined> {
  return first<RefundRow>(ex, sql`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE clinic_id = ${clinicId} AND key = ${key}${lock(forUpdate)}`);
}

/** Cents refunded or being refunded (a refund the provider has not answered still holds its share). */
export async function reservedRefunds(ex: Executor, clinicId: number, paymentUid: string): Promise<number> {
  const [row] = await rows<{ cents: number }>(
    ex,
    sql`SELECT coalesce(sum(amount_cents), 0)::bigint AS cents FROM payment_refunds
      WHERE clinic_id = ${clinicId} AND payment_uid = ${paymentUid} AND status <> 'failed'`,
  );
  return row!.cents;
}

export async function insertRefund(ex: Executor, clinicId: number, paymentUid: string, key: string, amountCents: number, now: number): Promise<void> {
  await sql`INSERT INTO payment_refunds (clinic_id, payment_uid, key, amount_cents, status, created_at, updated_at)
    VALUES (${clinicId}, ${paymentUid}, ${key}, ${amountCents}, 'requesting', ${now}, ${now})`.execute(ex);
}

export async function settleRefund(ex: Executor, clinicId: number, key: string, status: 'done' | 'failed', providerRefundId: string | null, now: number) {
  await sql`UPDATE payment_refunds SET status = ${status}, provider_refund_id = ${providerRefundId}, updated_at = ${now}
    WHERE clinic_id = ${clinicId} AND key = ${key} AND status = 'requesting'`.execute(ex);
}

// --- provider settings ---

export interface ProviderSettingsRow {
  clinicId: number;
  provider: string;
  baseUrl: string;
  accountId: string;
  apiKeySealed: Buffer;
  webhookUsername: string;
  webhookPasswordSealed: Buffer;
  updatedAt: number;
}
const SETTINGS_COLUMNS = sql`clinic_id AS "clinicId", provider, base_url AS "baseUrl", account_id AS "accountId", api_key_sealed AS "apiKeySealed",
  webhook_username AS "webhookUsername", webhook_password_sealed AS "webhookPasswordSealed", updated_at AS "updatedAt"`;

/** In the clinic's transaction (or on the admin path): its provider settings, secrets still sealed. */
export async function providerSettings(ex: Executor, clinicId: number, provider?: string): Promise<ProviderSettingsRow | undefined> {
  return first<ProviderSettingsRow>(
    ex,
    sql`SELECT ${SETTINGS_COLUMNS} FROM clinic_payment_providers WHERE clinic_id = ${clinicId}
      ${provider ? sql`AND provider = ${provider}` : sql``} ORDER BY provider LIMIT 1`,
  );
}

/** Admin path. */
export async function saveProviderSettings(ex: Executor, s: ProviderSettingsRow): Promise<void> {
  await sql`INSERT INTO clinic_payment_providers (clinic_id, provider, base_url, account_id, api_key_sealed, webhook_username, webhook_password_sealed, updated_at)
    VALUES (${s.clinicId}, ${s.provider}, ${s.baseUrl}, ${s.accountId}, ${s.apiKeySealed}, ${s.webhookUsername}, ${s.webhookPasswordSealed}, ${s.updatedAt})
    ON CONFLICT (clinic_id, provider) DO UPDATE SET base_url = EXCLUDED.base_url, account_id = EXCLUDED.account_id,
      api_key_sealed = EXCLUDED.api_key_sealed, webhook_username = EXCLUDED.webhook_username,
      webhook_password_sealed = EXCLUDED.webhook_password_sealed, updated_at = EXCLUDED.updated_at`.execute(ex);
}

/** Through the security-definer function of 0004: a webhook knows its clinic only by slug. */
export async function clinicIdBySlug(ex: Executor, slug: string): Promise<number | undefined> {
  const [row] = await rows<{ id: number | null }>(ex, sql`SELECT front_desk_clinic_by_slug(${slug}) AS id`);
  return row?.id ?? undefined;
}

// --- the reconciliation job ---

/**
 * Admin path: up to `limit` payments whose check is due, across clinics, leased to this
 * caller by moving their next check `leaseMs` on. SKIP LOCKED: a second server claiming at the
 * same moment takes other rows, and the committed lease keeps them out of its next claim.
 */
export async function claimDue(ex: Executor, now: number, limit: number, leaseMs: number): Promise<Array<{ clinicId: number; uid: string }>> {
  return rows(
    ex,
    sql`UPDATE payments p SET next_check_at = ${now + leaseMs} FROM (
        SELECT clinic_id, uid FROM payments WHERE status IN ('creating', 'pending') AND next_check_at <= ${now}
        ORDER BY next_check_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ) due WHERE p.clinic_id = due.clinic_id AND p.uid = due.uid RETURNING p.clinic_id AS "clinicId", p.uid`,
  );
}
