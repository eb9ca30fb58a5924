import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentView, refundView } from '../../shared/payments/payments-api';
import { expectError } from '../test-fixtures';
import { HOOK, mbway, multibanco, paymentCode, paymentsWorld, type PaymentsWorld } from './payments.fixture';

/** The cloud's payments over HTTP, against the local easypay, on real PostgreSQL. */

let world: PaymentsWorld;
beforeAll(async () => {
  world = await paymentsWorld();
});
afterAll(async () => {
  await world?.close();
});

const CREATE = 'POST /2.0/single';
const READ = 'GET /2.0/single/:id';

describe('creating a payment', () => {
  it('makes one payment for two requests with the same key at once: one provider call, one row', async () => {
    const before = world.calls(CREATE);
    const [a, b] = await Promise.all([world.call('POST', '/v1/payments', multibanco('visit-1')), world.call('POST', '/v1/payments', multibanco('visit-1'))]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const [first, second] = [paymentView.parse(a.json()), paymentView.parse(b.json())];
    expect(second).toEqual(first);
    expect(first).toMatchObject({ status: 'pending', method: 'multibanco', amountCents: 4200, multibanco: { entity: '11683' } });
    expect(first.multibanco!.reference).toMatch(/^\d{9}$/);
    expect(world.calls(CREATE) - before).toBe(1);
    expect(await world.cloud.server.query('SELECT uid FROM payments WHERE key = $1', ['visit-1'])).toHaveLength(1);
    expect((await world.events(first.uid)).map((event) => event.kind)).toEqual(['created']);
  });

  it('refuses the same key for another amount or method', async () => {
    await world.pending(multibanco('visit-2'));
    const otherAmount = await world.call('POST', '/v1/payments', multibanco('visit-2', 4300));
    expect(otherAmount.status).toBe(409);
    expect(paymentCode(otherAmount)).toMatchObject({ code: 'KEY_REUSED', retryable: false });
    expect(paymentCode(await world.call('POST', '/v1/payments', mbway('visit-2', 4200))).code).toBe('KEY_REUSED');
  });

  it('keeps the row when the provider does not answer, and a retry with the key finishes it', async () => {
    const before = world.calls(CREATE);
    world.peer.control.failNext(503);
    const failed = await world.call('POST', '/v1/payments', mbway('visit-3'));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(paymentCode(failed)).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(await world.cloud.server.query('SELECT status FROM payments WHERE key = $1', ['visit-3'])).toEqual([{ status: 'creating' }]);
    const retried = await world.call('POST', '/v1/payments', mbway('visit-3'));
    expect(retried.status).toBe(200);
    expect(paymentView.parse(retried.json())).toMatchObject({ status: 'pending', mbway: { phone: '+351912345678' } });
    // The refused request never reached the route; the retry made the one MB WAY request.
    expect(world.calls(CREATE) - before).toBe(1);
  });

  it('checks what it is sent: a Multibanco reference of at least €1.00, MB WAY to a Portuguese mobile with a name', async () => {
    await expectError(world.call('POST', '/v1/payments', multibanco('small', 99)), 400, 'INVALID_REQUEST');
    await expectError(world.call('POST', '/v1/payments', { ...mbway('phone'), phone: '+34 612 345 678' }), 400, 'INVALID_REQUEST');
    const { customerName: _name, ...nameless } = mbway('nameless');
    await expectError(world.call('POST', '/v1/payments', nameless), 400, 'INVALID_REQUEST');
    await expectError(world.call('POST', '/v1/payments', { ...multibanco('extra'), surprise: 1 }), 400, 'INVALID_REQUEST');
  });

  it('is for desks: the portal gets 403, no token 401', async () => {
    await expectError(world.call('POST', '/v1/payments', multibanco('portal'), 'portal-secret'), 403, 'FORBIDDEN');
    await expectError(world.call('POST', '/v1/payments', multibanco('anon'), null), 401, 'UNAUTHORIZED');
  });
});

describe('the easypay webhook', () => {
  it('applies a paid notification once easypay confirms it, and records it', async () => {
    const payment = await world.pending(multibanco('hook-1'));
    const id = await world.providerIdOf(payment.uid);
    world.peer.control.markPaid(id);
    expect(await world.peer.control.notify(id)).toBe(200);
    expect(await world.payment(payment.uid)).toMatchObject({ status: 'paid', paidAt: world.clock.now() });
    expect(await world.events(payment.uid)).toEqual([
      expect.objectContaining({ kind: 'created', status_after: 'pending' }),
      expect.objectContaining({ source: 'webhook', kind: 'notified', status_before: 'pending', status_after: 'paid' }),
    ]);
  });

  it('changes nothing on a duplicate, and a late "failed" after "paid" is recorded but the payment stays paid', async () => {
    const payment = await world.pending(mbway('hook-2'));
    const id = await world.providerIdOf(payment.uid);
    world.clock.advance(60_000);
    world.peer.control.markPaid(id);
    expect(await world.peer.control.notify(id)).toBe(200);
    const paid = await world.payment(payment.uid);
    expect(await world.peer.control.notify(id)).toBe(200);
    expect(await world.payment(payment.uid)).toEqual(paid);
    expect(await world.events(payment.uid)).toHaveLength(2);
    // An older "authorisation failed", delivered last.
    expect(await world.peer.control.notify(id, { type: 'authorisation', status: 'failed', body: { date: '2026-03-29 00:30:10' } })).toBe(200);
    expect(await world.payment(payment.uid)).toEqual(paid);
    const events = await world.events(payment.uid);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ source: 'webhook', status_before: 'paid', status_after: 'paid' });
  });

  it('is not fooled by a forged "paid": easypay says pending, so it stays pending', async () => {
    const payment = await world.pending(multibanco('hook-3'));
    expect(await world.peer.control.notify(await world.providerIdOf(payment.uid), { type: 'capture', status: 'success' })).toBe(200);
    expect((await world.payment(payment.uid)).status).toBe('pending');
  });

  it('answers 401 to wrong credentials or an unknown clinic, 400 to a body it cannot read, 503 when easypay cannot be asked', async () => {
    const payment = await world.pending(multibanco('hook-4'));
    const id = await world.providerIdOf(payment.uid);
    world.peer.control.markPaid(id);
    const reads = world.calls(READ);
    expect(await world.peer.control.notify(id, { credentials: { username: HOOK.username, password: 'guess' } })).toBe(401);
    expect(await world.peer.control.notify(id, { credentials: null })).toBe(401);
    expect(world.calls(READ)).toBe(reads);
    const basic = `Basic ${Buffer.from(`${HOOK.username}:${HOOK.password}`).toString('base64')}`;
    const elsewhere = await fetch(`${world.url}/v1/webhooks/easypay/no-such-clinic`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, type: 'capture', status: 'success' }),
    });
    expect(elsewhere.status).toBe(401);
    expect(await world.peer.control.notify('../single', {})).toBe(400);
    world.peer.control.failNext(503);
    expect(await world.peer.control.notify(id)).toBe(503);
    expect((await world.payment(payment.uid)).status).toBe('pending');
    expect(await world.peer.control.notify(id)).toBe(200);
    expect((await world.payment(payment.uid)).status).toBe('paid');
  });
});

describe('refunds', () => {
  const bankAccount = { iban: 'PT50000201231234567890154', accountHolder: 'Maria Silva', email: 'maria@example.pt' };

  it('refunds at most what was paid, in parts, once per key', async () => {
    const payment = await world.pending(multibanco('refund-1', 5000));
    const refunds = (body: unknown) => world.call('POST', `/v1/payments/${payment.uid}/refunds`, body);
    expect(paymentCode(await refunds({ key: 'r-0', amountCents: 100, bankAccount })).code).toBe('PAYMENT_NOT_REFUNDABLE');
    world.peer.control.markPaid(await world.providerIdOf(payment.uid));
    await world.peer.control.notify(await world.providerIdOf(payment.uid));
    const above = await refunds({ key: 'r-1', amountCents: 5001, bankAccount });
    expect(above.status).toBe(409);
    expect(paymentCode(above).code).toBe('REFUND_EXCEEDS_PAID');
    const part = await refunds({ key: 'r-2', amountCents: 2000, bankAccount });
    expect(part.status).toBe(200);
    expect(refundView.parse(part.json())).toMatchObject({ status: 'done', payment: { status: 'partially_refunded', refundedCents: 2000 } });
    expect(paymentCode(await refunds({ key: 'r-3', amountCents: 3001, bankAccount })).code).toBe('REFUND_EXCEEDS_PAID');
    const calls = world.calls('POST /2.0/refund/:id');
    expect(refundView.parse((await refunds({ key: 'r-2', amountCents: 2000, bankAccount })).json()).status).toBe('done');
    expect(world.calls('POST /2.0/refund/:id')).toBe(calls);
    expect(paymentCode(await refunds({ key: 'r-2', amountCents: 1000, bankAccount })).code).toBe('KEY_REUSED');
    const rest = refundView.parse((await refunds({ key: 'r-4', amountCents: 3000, bankAccount })).json());
    expect(rest.payment).toMatchObject({ status: 'refunded', refundedCents: 5000 });
    expect(paymentCode(await refunds({ key: 'r-5', amountCents: 1, bankAccount })).code).toBe('PAYMENT_NOT_REFUNDABLE');
  });
});

describe('tenancy', () => {
  it("does not show one clinic's payment to another (404), and a clinic without a provider cannot take payments", async () => {
    const payment = await world.pending(multibanco('mine'));
    expect(
      (await world.admin('POST', '/v1/admin/clinics', { slug: 'porto', name: 'Porto', timeZone: 'Europe/Lisbon', languages: ['pt-PT'], currency: 'EUR' }))
        .status,
    ).toBe(201);
    const issued = (await world.admin('POST', '/v1/admin/clinics/porto/tokens', { deskName: 'Porto desk' })).json() as { token: string };
    const theirs = await world.call('GET', `/v1/payments/${payment.uid}`, undefined, issued.token);
    expect(theirs.status).toBe(404);
    expect(paymentCode(theirs).code).toBe('PAYMENT_NOT_FOUND');
    expect(paymentCode(await world.call('POST', `/v1/payments/${payment.uid}/refunds`, { key: 'x', amountCents: 1 }, issued.token)).code).toBe(
      'PAYMENT_NOT_FOUND',
    );
    expect(paymentCode(await world.call('POST', '/v1/payments', multibanco('mine'), issued.token)).code).toBe('PAYMENTS_NOT_CONFIGURED');
    // The same key in another clinic is another clinic's business: no conflict with ours.
    expect((await world.payment(payment.uid)).key).toBe('mine');
  });
});
