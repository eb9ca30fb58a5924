import { inClinic } from '../db/tenancy.repository';
import type { WebhookResult } from './provider';
import * as repo from './payments.repository';
import { applyReading, type PaymentsDeps } from './payments.service';
import { openProvider } from './providers';

/**
 * A provider's notification for a clinic (POST /v1/webhooks/easypay/:clinicSlug): the
 * clinic's Basic credentials, then fetch-to-confirm (the adapter re-reads the payment), then
 * the reading applied once per notification. The answer's status is what the provider acts
 * on: 401 and 400 stop it, 200 too, 503 makes it deliver again.
 */

export interface WebhookAnswer {
  status: 200 | 400 | 401 | 503;
  /** For the log line: never a credential, never the body. */
  outcome: string;
  paymentUid?: string;
}

export async function receiveWebhook(
  deps: PaymentsDeps,
  provider: string,
  slug: string,
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): Promise<WebhookAnswer> {
  const clinicId = await repo.clinicIdBySlug(deps.db, slug);
  // An unknown clinic answers like wrong credentials: a prober learns no slugs.
  if (clinicId === undefined) return { status: 401, outcome: 'unknown clinic' };
  const adapter = await inClinic(deps.db, clinicId, (trx) => openProvider(trx, deps, clinicId, provider), { readOnly: true });
  if (!adapter) return { status: 401, outcome: 'no provider set up' };
  let result: WebhookResult;
  try {
    result = await adapter.parseWebhook(headers, body);
  } catch {
    return { status: 503, outcome: 'provider unreachable for confirmation' };
  }
  if (!result.ok) {
    if (result.reason === 'unauthenticated') return { status: 401, outcome: 'wrong credentials' };
    if (result.reason === 'malformed') return { status: 400, outcome: 'malformed notification' };
    return { status: 200, outcome: 'payment unknown to the provider' };
  }
  const verified = result;
  const now = deps.now();
  return inClinic(deps.db, clinicId, async (trx): Promise<WebhookAnswer> => {
    const row = await repo.paymentByProviderId(trx, provider, verified.providerId);
    if (!row) return { status: 200, outcome: 'payment not ours (or another clinic’s)' };
    const { type, status, date } = verified.claimed;
    const eventId = `notify:${type}:${status}:${date ?? 'undated'}`;
    const applied = await applyReading(trx, row, verified.payment, 'webhook', eventId, now, { ...verified.claimed });
    return {
      status: 200,
      outcome: applied.recorded ? `applied: ${row.status} -> ${applied.row.status}` : 'duplicate notification',
      paymentUid: row.uid,
    };
  });
}
