import { inClinic, asAdmin } from '../db/tenancy.repository';
import { isOpen, nextCheckAt } from './payment-state';
import * as repo from './payments.repository';
import { applyReading, drive, mbwayWindowEnds, type PaymentsDeps } from './payments.service';
import type { PaymentStatus } from './provider';
import { openProvider } from './providers';

/**
 * The reconciliation job: notifications get lost, so every payment still open is read from
 * its provider now and then (backoff from 30 s to an hour, and always at its expiry), MB WAY
 * requests expire after their 4 minutes and references at their deadline, and a creation
 * no request finished is finished (Multibanco: the same body under the same key) or expired.
 * Several servers on one database share the work: rows are claimed with SKIP LOCKED under
 * a lease, so each is looked at by one of them.
 */

export interface ReconcilerOptions extends PaymentsDeps {
  /** How often to look for due payments (ms). */
  intervalMs: number;
  /** Payments per pass. */
  batch?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface Reconciler {
  /** One pass now (tests drive it with their clock); how many payments it looked at. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** A claimed row's lease: longer than one look can take (a provider call's timeout and then some). */
const LEASE_MS = 2 * 60_000;

export function startReconciler(options: ReconcilerOptions, { timer = true } = {}): Reconciler {
  const log = options.log ?? (() => {});
  let running: Promise<number> | null = null;
  const runOnce = () => {
    running ??= pass(options, log).finally(() => (running = null));
    return running;
  };
  const handle = timer
    ? setInterval(() => {
        runOnce().catch((error: unknown) => log('payment reconciliation failed', { err: error instanceof Error ? error.message : String(error) }));
      }, options.intervalMs)
    : null;
  handle?.unref();
  return {
    runOnce,
    async stop() {
      if (handle) clearInterval(handle);
      await running?.catch(() => {});
    },
  };
}

async function pass(deps: ReconcilerOptions, log: NonNullable<ReconcilerOptions['log']>): Promise<number> {
  const claimed = await asAdmin(deps.db, (trx) => repo.claimDue(trx, deps.now(), deps.batch ?? 50, LEASE_MS));
  for (const { clinicId, uid } of claimed) {
    try {
      await checkPayment(deps, clinicId, uid);
    } catch (error) {
      // One payment's trouble (a provider down) must not hold up the others; its lease brings it back.
      log('payment check failed', { clinicId, uid, err: error instanceof Error ? error.message : String(error) });
    }
  }
  return claimed.length;
}

export async function checkPayment(deps: PaymentsDeps, clinicId: number, uid: string): Promise<void> {
  const row = await inClinic(deps.db, clinicId, (trx) => repo.paymentByUid(trx, clinicId, uid));
  if (!row || !isOpen(row.status)) return;
  const now = deps.now();
  if (row.status === 'creating') {
    const windowEnds = row.method === 'mbway' ? mbwayWindowEnds(row) : row.expiresAt!;
    if (now >= windowEnds) return expire(deps, clinicId, uid, 'creating');
    // A late MB WAY push to the patient's phone would confuse more than help: only references are re-driven.
    if (row.method === 'multibanco') {
      await drive(deps, clinicId, uid).catch(() => schedule(deps, clinicId, uid, now));
      return;
    }
    return schedule(deps, clinicId, uid, now, windowEnds);
  }
  const adapter = await inClinic(deps.db, clinicId, (trx) => openProvider(trx, deps, clinicId, row.provider), { readOnly: true });
  let reading: PaymentStatus | null = null;
  try {
    reading = adapter ? await adapter.status(row.providerId!) : null;
  } catch {
    reading = null;
  }
  await inClinic(deps.db, clinicId, async (trx) => {
    const locked = (await repo.paymentByUid(trx, clinicId, uid, true))!;
    if (locked.status !== 'pending') return;
    const after = reading ? (await applyReading(trx, locked, reading, 'poll', `poll:${reading.state}`, now)).row : locked;
    if (after.status !== 'pending') return;
    // Past its deadline and still unpaid (or the provider cannot say): expired. A payment that did go through still arrives as paid.
    if (after.expiresAt !== null && now >= after.expiresAt) {
      await expireLocked(trx, after, now, reading === null);
      return;
    }
    await repo.scheduleCheck(trx, clinicId, uid, nextCheckAt(after, now));
  });
}

async function schedule(deps: PaymentsDeps, clinicId: number, uid: string, now: number, at?: number): Promise<void> {
  await inClinic(deps.db, clinicId, async (trx) => {
    const row = (await repo.paymentByUid(trx, clinicId, uid, true))!;
    await repo.scheduleCheck(trx, clinicId, uid, at ?? nextCheckAt(row, now));
  });
}

async function expire(deps: PaymentsDeps, clinicId: number, uid: string, from: 'creating' | 'pending'): Promise<void> {
  await inClinic(deps.db, clinicId, async (trx) => {
    const row = (await repo.paymentByUid(trx, clinicId, uid, true))!;
    if (row.status === from) await expireLocked(trx, row, deps.now(), false);
  });
}

async function expireLocked(trx: Parameters<Parameters<typeof inClinic>[2]>[0], row: repo.PaymentRow, now: number, unconfirmed: boolean): Promise<void> {
  const moved = await repo.moveStatus(trx, row.clinicId, row.uid, ['creating', 'pending'], { status: 'expired', nextCheckAt: null }, now);
  if (!moved) return;
  await repo.insertEvent(trx, {
    clinicId: row.clinicId,
    paymentUid: row.uid,
    source: 'reconcile',
    kind: 'expired',
    eventId: 'expired',
    claimed: unconfirmed ? { note: 'the provider could not be read at expiry' } : null,
    statusBefore: row.status,
    statusAfter: 'expired',
    at: now,
  });
}
