import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MBWAY_EXPIRY_MS } from '../../shared/payments/mbway';
import { mbway, multibanco, paymentsWorld, type PaymentsWorld } from './payments.fixture';
import { startReconciler } from './reconcile';
import { secretBox } from './secrets';

/** The reconciliation job: what it finds when notifications are lost, and when payments run out of time. */

let world: PaymentsWorld;
beforeAll(async () => {
  world = await paymentsWorld();
});
afterAll(async () => {
  await world?.close();
});

const MINUTE = 60_000;
const READ = 'GET /2.0/single/:id';
const status = async (uid: string) => (await world.payment(uid)).status;
const creating = async (body: Record<string, unknown>) => {
  world.peer.control.failNext(503);
  expect((await world.call('POST', '/v1/payments', body)).status).toBe(503);
  return (await world.cloud.server.query<{ uid: string; status: string }>('SELECT uid, status FROM payments WHERE key = $1', [body.key]))[0]!;
};

describe('payment reconciliation', () => {
  it('finds a payment whose notification was lost', async () => {
    const payment = await world.pending(multibanco('lost-1'));
    world.peer.control.markPaid(await world.providerIdOf(payment.uid));
    // Not due yet: nothing is asked.
    await world.cloud.server.reconcilePayments();
    expect(await status(payment.uid)).toBe('pending');
    world.clock.advance(MINUTE);
    expect(await world.cloud.server.reconcilePayments()).toBeGreaterThanOrEqual(1);
    expect(await status(payment.uid)).toBe('paid');
    expect((await world.events(payment.uid)).at(-1)).toMatchObject({ source: 'poll', kind: 'observed', status_before: 'pending', status_after: 'paid' });
  });

  it('expires an MB WAY request the patient did not accept within 4 minutes', async () => {
    const payment = await world.pending(mbway('mbway-late'));
    world.clock.advance(MINUTE);
    await world.cloud.server.reconcilePayments();
    expect(await status(payment.uid)).toBe('pending');
    world.clock.advance(MBWAY_EXPIRY_MS - MINUTE);
    await world.cloud.server.reconcilePayments();
    expect(await status(payment.uid)).toBe('expired');
  });

  it('expires a reference at its deadline, and expires one anyway when the provider cannot be read then', async () => {
    const now = world.clock.now();
    const reference = await world.pending({ ...multibanco('deadline'), expiresAt: now + 60 * MINUTE });
    const request = await world.pending(mbway('mbway-dark'));
    world.clock.advance(60 * MINUTE);
    world.peer.control.failNext(503);
    world.peer.control.failNext(503);
    await world.cloud.server.reconcilePayments();
    expect(await status(reference.uid)).toBe('expired');
    expect(await status(request.uid)).toBe('expired');
    expect((await world.events(request.uid)).at(-1)).toMatchObject({ source: 'reconcile', kind: 'expired' });
  });

  it('takes a payment that arrives after it expired it (the provider could not be read at expiry)', async () => {
    const payment = await world.pending(mbway('mbway-paid-late'));
    const id = await world.providerIdOf(payment.uid);
    world.clock.advance(3 * MINUTE);
    world.peer.control.markPaid(id);
    world.clock.advance(MINUTE);
    // The one failure must reach this payment's read: it is the only one open.
    expect(await world.cloud.server.query("SELECT uid FROM payments WHERE status IN ('creating', 'pending')")).toEqual([{ uid: payment.uid }]);
    world.peer.control.failNext(503);
    await world.cloud.server.reconcilePayments();
    expect(await status(payment.uid)).toBe('expired');
    expect(await world.peer.control.notify(id)).toBe(200);
    expect(await status(payment.uid)).toBe('paid');
  });

  it('finishes a reference no request finished (same key, same body), and expires an MB WAY one past its window', async () => {
    const reference = await creating(multibanco('unfinished'));
    const request = await creating(mbway('unfinished-mbway'));
    expect([reference.status, request.status]).toEqual(['creating', 'creating']);
    world.clock.advance(2 * MINUTE);
    await world.cloud.server.reconcilePayments();
    expect(await world.payment(reference.uid)).toMatchObject({ status: 'pending', multibanco: { entity: '11683' } });
    expect(await status(request.uid)).toBe('creating');
    world.clock.advance(MBWAY_EXPIRY_MS);
    await world.cloud.server.reconcilePayments();
    expect(await status(request.uid)).toBe('expired');
  });

  it('shares the work between two servers on one database: each payment is read once', async () => {
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await world.pending(multibanco(`shared-${i}`)));
    world.clock.advance(MINUTE);
    const deps = { db: world.cloud.server.db, now: world.clock.now, secrets: secretBox(world.secretsKey), intervalMs: 0 };
    const [one, two] = [startReconciler(deps, { timer: false }), startReconciler(deps, { timer: false })];
    const [counted] = await world.cloud.server.query<{ due: number }>(
      "SELECT count(*)::int AS due FROM payments WHERE status = 'pending' AND next_check_at <= $1",
      [world.clock.now()],
    );
    const due = counted!.due;
    expect(due).toBeGreaterThanOrEqual(6);
    const reads = world.calls(READ);
    const [a, b] = await Promise.all([one.runOnce(), two.runOnce()]);
    expect(a + b).toBe(due);
    expect(world.calls(READ) - reads).toBe(due);
    await Promise.all([one.stop(), two.stop()]);
  });

  it('runs on its own interval when started so', async () => {
    const payment = await world.pending(multibanco('timer'));
    world.peer.control.markPaid(await world.providerIdOf(payment.uid));
    world.clock.advance(MINUTE);
    const job = startReconciler({ db: world.cloud.server.db, now: world.clock.now, secrets: secretBox(world.secretsKey), intervalMs: 20 });
    try {
      for (let i = 0; i < 100 && (await status(payment.uid)) !== 'paid'; i++) await new Promise((done) => setTimeout(done, 20));
    } finally {
      await job.stop();
    }
    expect(await status(payment.uid)).toBe('paid');
  });
});
