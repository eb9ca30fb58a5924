import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MBWAY_EXPIRY_MS } from '../../../shared/payments/mbway';
import { isValidMultibanco } from '../../../shared/payments/multibanco';
import { PaymentProviderError } from '../provider';
import { parseRetryAfter } from './easypay.adapter';
import { ACCOUNT, START, easypayWorld, refusal, type EasypayWorld } from './easypay.fixture';

let world: EasypayWorld;
beforeEach(async () => {
  world = await easypayWorld();
});
afterEach(async () => {
  await world.close();
});

const MINUTE = 60_000;
const inOneDay = () => new Date(START + 24 * 60 * MINUTE);
const mb = (key: string, amountCents = 1999) =>
  world.adapter.createMultibanco({ amountCents, key, expiresAt: inOneDay(), customer: { name: 'Ana Sousa', key: 'patient-7' } });
const mbway = (key: string, phone = '912 345 678', amountCents = 1250) =>
  world.adapter.requestMbWay({ amountCents, phone, key, customer: { name: 'Ana Sousa' } });
const BANK = { iban: 'PT50002700000001234567833', accountHolder: 'Ana Sousa', email: 'ana@example.pt' };

async function raw(path: string, body: unknown, headers: Record<string, string> = { AccountId: ACCOUNT.accountId, ApiKey: ACCOUNT.apiKey }) {
  const response = await fetch(`${world.peer.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { status: string; message: string[] },
    replay: response.headers.get('idempotency-replay'),
  };
}

describe('Multibanco', () => {
  it('creates a reference with valid check digits, for the amount in cents', async () => {
    const payment = await mb('order-1');
    expect(payment).toMatchObject({ method: 'multibanco', amountCents: 1999, expiresAt: inOneDay() });
    expect(payment.entity).toMatch(/^\d{5}$/);
    expect(isValidMultibanco(payment)).toBe(true);
    expect(world.peer.control.payment(payment.providerId)).toMatchObject({ cents: 1999, key: 'order-1', method: 'mb' });
    expect(await world.adapter.status(payment.providerId)).toMatchObject({
      state: 'pending',
      amountCents: 1999,
      key: 'order-1',
      method: 'multibanco',
      paidAt: null,
    });
  });

  it('sends euros without float drift (1.10 + 2.20 is 3.30, not 3.3000000000000003)', async () => {
    expect(1.1 + 2.2).not.toBe(3.3);
    for (const [i, cents] of [110 + 220, 100, 101, 435, 1005, 99_999_999, 12_345_678].entries()) {
      const payment = await mb(`drift-${i}`, cents);
      expect(world.peer.control.payment(payment.providerId)?.cents).toBe(cents);
      expect((await world.adapter.status(payment.providerId)).amountCents).toBe(cents);
    }
  });

  it('refuses less than €1.00 before asking, and the peer refuses it too', async () => {
    expect(await refusal(mb('small', 99))).toMatchObject({ kind: 'invalid_request' });
    expect(world.peer.control.calls.size).toBe(0);
    const direct = await raw('/single', { method: 'mb', value: 0.99, multibanco: { expiration_time: inOneDay().toISOString() } });
    expect(direct).toMatchObject({ status: 400, body: { status: 'error' } });
  });

  it('is idempotent on our key: a retry gets the same reference, another amount under it is a conflict', async () => {
    const first = await mb('order-2');
    const again = await mb('order-2');
    expect(again).toEqual(first);
    expect(world.peer.control.calls.get('POST /2.0/single')).toBe(2);
    expect(await refusal(mb('order-2', 2500))).toMatchObject({ kind: 'conflict', details: { status: 409 } });
    const body = { method: 'mb', value: 5, key: 'raw', multibanco: { expiration_time: inOneDay().toISOString() } };
    const once = await raw('/single', body, { AccountId: ACCOUNT.accountId, ApiKey: ACCOUNT.apiKey, 'Idempotency-Key': 'raw' });
    const twice = await raw('/single', body, { AccountId: ACCOUNT.accountId, ApiKey: ACCOUNT.apiKey, 'Idempotency-Key': 'raw' });
    expect([once.replay, twice.replay]).toEqual([null, 'true']);
    expect(twice.body).toEqual(once.body);
  });

  it('is expired once its expiry passes, even while easypay still says pending', async () => {
    const payment = await world.adapter.createMultibanco({ amountCents: 500, key: 'soon', expiresAt: new Date(START + 2 * MINUTE) });
    world.clock.advance(MINUTE);
    expect((await world.adapter.status(payment.providerId)).state).toBe('pending');
    world.clock.advance(MINUTE);
    expect((await world.adapter.status(payment.providerId)).state).toBe('expired');
  });

  it('reads expiry across the Lisbon DST change (01:00 UTC on 29 March)', async () => {
    const expiresAt = new Date('2026-03-29T01:30:00Z');
    const payment = await world.adapter.createMultibanco({ amountCents: 500, key: 'dst', expiresAt });
    expect((await world.adapter.status(payment.providerId)).expiresAt).toEqual(expiresAt);
  });

  it('is sent only fields the reference defines (the peer refuses others, so an adapter typo fails here)', async () => {
    const body = { method: 'mb', value: 5, multibanco: { expiration_time: inOneDay().toISOString() } };
    expect(await raw('/single', body)).toMatchObject({ status: 201 });
    expect(await raw('/single', { ...body, expiry: '2026-04-01' })).toMatchObject({ status: 400, body: { status: 'error' } });
    expect(await raw('/single', { ...body, multibanco: { expiration_time: '2026-04-01 10:00' } })).toMatchObject({ status: 400 });
    expect(await raw('/single', { ...body, value: 5.005 })).toMatchObject({ status: 400 });
  });

  it('refuses an expiry in the past and a key it cannot send', async () => {
    expect(await refusal(world.adapter.createMultibanco({ amountCents: 500, key: 'past', expiresAt: new Date(START) }))).toMatchObject({
      kind: 'invalid_request',
    });
    expect(await refusal(mb('with space'))).toMatchObject({ kind: 'invalid_request' });
    expect(await refusal(mb('x'.repeat(51)))).toMatchObject({ kind: 'invalid_request' });
  });
});

describe('MB WAY', () => {
  it('normalises the phone and gives the customer four minutes', async () => {
    const payment = await mbway('mbw-1', '+351 912 345 678');
    expect(payment).toMatchObject({ method: 'mbway', phone: '+351912345678', amountCents: 1250, expiresAt: new Date(START + MBWAY_EXPIRY_MS) });
    expect(world.peer.control.payment(payment.providerId)?.phone).toBe('+351912345678');
    world.clock.advance(MBWAY_EXPIRY_MS - 1000);
    expect((await world.adapter.status(payment.providerId)).state).toBe('pending');
    world.clock.advance(1000);
    expect((await world.adapter.status(payment.providerId)).state).toBe('expired');
  });

  it('refuses a number that is not a Portuguese mobile, here and at the peer', async () => {
    expect(await refusal(mbway('mbw-2', '212 345 678'))).toMatchObject({ kind: 'invalid_request' });
    expect(await refusal(mbway('mbw-3', '+34 612 345 678'))).toMatchObject({ kind: 'invalid_request' });
    expect(world.peer.control.calls.size).toBe(0);
    const direct = await raw('/single', { method: 'mbw', value: 5, customer: { name: 'Ana', phone: '212345678', phone_indicative: '+351' } });
    expect(direct).toMatchObject({ status: 400, body: { message: ['The field customer.phone is not a valid MB WAY phone number'] } });
  });

  it('reads paid, failed and expired from the provider', async () => {
    const paid = await mbway('mbw-paid');
    const failed = await mbway('mbw-failed');
    const expired = await mbway('mbw-expired');
    world.clock.advance(MINUTE);
    world.peer.control.markPaid(paid.providerId);
    world.peer.control.markFailed(failed.providerId);
    world.peer.control.markExpired(expired.providerId);
    expect(await world.adapter.status(paid.providerId)).toMatchObject({ state: 'paid', paidAt: new Date(START + MINUTE) });
    expect((await world.adapter.status(failed.providerId)).state).toBe('failed');
    expect((await world.adapter.status(expired.providerId)).state).toBe('expired');
  });
});

describe('refunds', () => {
  it('refunds a paid MB WAY payment in parts, never above what was paid', async () => {
    const payment = await mbway('mbw-r', '912345678', 3000);
    world.peer.control.markPaid(payment.providerId);
    expect(await world.adapter.refund(payment.providerId, 1000, 'refund-1')).toMatchObject({ providerId: payment.providerId, amountCents: 1000 });
    // A retry of the same refund is the same refund.
    const retried = await world.adapter.refund(payment.providerId, 1000, 'refund-1');
    expect(world.peer.control.payment(payment.providerId)?.refunds).toEqual([{ id: retried.refundId, cents: 1000 }]);
    expect(await refusal(world.adapter.refund(payment.providerId, 2001, 'refund-2'))).toMatchObject({ kind: 'invalid_request', details: { status: 400 } });
    await world.adapter.refund(payment.providerId, 2000, 'refund-3');
    expect(await refusal(world.adapter.refund(payment.providerId, 1, 'refund-4'))).toMatchObject({ kind: 'invalid_request' });
  });

  it('refunds a Multibanco payment to a bank account, and only then', async () => {
    const payment = await mb('mb-r');
    world.peer.control.markPaid(payment.providerId);
    expect(await refusal(world.adapter.refund(payment.providerId, 1999, 'mb-refund'))).toMatchObject({ kind: 'invalid_request' });
    expect(await world.adapter.refund(payment.providerId, 1999, 'mb-refund', BANK)).toMatchObject({ amountCents: 1999 });
  });

  it('refuses to refund a payment that is not paid, or is not there', async () => {
    const payment = await mb('mb-unpaid');
    expect(await refusal(world.adapter.refund(payment.providerId, 100, 'r-unpaid', BANK))).toMatchObject({ kind: 'conflict' });
    expect(await refusal(world.adapter.refund('5f0c3d7e-0000-4000-8000-000000000000', 100, 'r-none'))).toMatchObject({ kind: 'not_found' });
    expect(await refusal(world.adapter.refund('../single', 100, 'r-path'))).toMatchObject({ kind: 'invalid_request' });
  });
});

describe('failures', () => {
  it('maps wrong and missing credentials to an auth error (403, as documented)', async () => {
    const wrong = world.adapterWith({ apiKey: 'not-the-key' });
    expect(await refusal(wrong.createMultibanco({ amountCents: 500, key: 'k', expiresAt: inOneDay() }))).toMatchObject({
      kind: 'auth',
      details: { status: 403 },
      message: 'Authentication Error: Invalid AccountId or ApiKey',
    });
    expect(await raw('/single', { method: 'mb', value: 5 }, {})).toMatchObject({
      status: 403,
      body: { message: ['Authentication Error: Missing AccountId or ApiKey headers'] },
    });
    expect(world.peer.control.calls.size).toBe(0);
  });

  it('gives up after its timeout when easypay holds the answer', async () => {
    world.peer.control.hold();
    const error = await refusal(world.adapterWith({ timeoutMs: 150 }).status('5f0c3d7e-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(PaymentProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', message: 'easypay did not answer within 150 ms.', retryable: true });
  });

  it('passes on Retry-After with a 429, in seconds or as a date', async () => {
    world.peer.control.failNext(429, { 'Retry-After': '7' });
    expect(await refusal(mb('limited'))).toMatchObject({ kind: 'rate_limited', retryable: true, details: { retryAfterSeconds: 7 } });
    world.peer.control.failNext(429, { 'Retry-After': new Date(START + 30_000).toUTCString() });
    expect(await refusal(mb('limited'))).toMatchObject({ kind: 'rate_limited', details: { retryAfterSeconds: 30 } });
    expect(parseRetryAfter('soon', new Date(START))).toBeUndefined();
  });

  it('treats 5xx, 422, an unreadable answer and no server as unavailable', async () => {
    for (const status of [500, 502, 503, 422, 200]) {
      world.peer.control.failNext(status);
      expect(await refusal(mb(`down-${status}`)), String(status)).toMatchObject({ kind: 'unavailable' });
    }
    const closed = world.adapterWith({ baseUrl: 'http://127.0.0.1:9/2.0', timeoutMs: 1_000 });
    expect(await refusal(closed.status('5f0c3d7e-0000-4000-8000-000000000000'))).toMatchObject({
      kind: 'unavailable',
      message: 'easypay could not be reached.',
    });
  });

  it('refuses a reference whose check digits do not match the amount (unless told not to check)', async () => {
    world.peer.control.spoilNextReference();
    expect(await refusal(mb('spoilt'))).toMatchObject({ kind: 'unavailable', message: 'easypay sent a Multibanco reference with wrong check digits.' });
    world.peer.control.spoilNextReference();
    const unchecked = await world.adapterWith({ checkReferenceDigits: false }).createMultibanco({ amountCents: 1999, key: 'unchecked', expiresAt: inOneDay() });
    expect(isValidMultibanco(unchecked)).toBe(false);
  });
});
