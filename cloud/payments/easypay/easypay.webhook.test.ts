import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, HOOK, START, easypayWorld, type EasypayWorld } from './easypay.fixture';

let world: EasypayWorld;
beforeEach(async () => {
  world = await easypayWorld();
});
afterEach(async () => {
  await world.close();
});

const reads = () => world.peer.control.calls.get('GET /2.0/single/:id') ?? 0;
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const reference = () => world.adapter.createMultibanco({ amountCents: 4200, key: 'visit-9', expiresAt: new Date(START + 86_400_000) });

describe('easypay generic notifications', () => {
  it('confirms a payment by reading it back from easypay', async () => {
    const payment = await reference();
    world.peer.control.markPaid(payment.providerId);
    expect(await world.peer.control.notify(payment.providerId)).toBe(200);
    expect(world.deliveries).toEqual([
      {
        ok: true,
        providerId: payment.providerId,
        claimed: { type: 'capture', status: 'success', key: 'visit-9', date: '2026-03-29 00:30:00' },
        payment: expect.objectContaining({ state: 'paid', amountCents: 4200, key: 'visit-9', method: 'multibanco' }),
      },
    ]);
    expect(reads()).toBe(1);
  });

  it('refuses wrong or missing credentials without asking easypay anything', async () => {
    const payment = await reference();
    world.peer.control.markPaid(payment.providerId);
    expect(await world.peer.control.notify(payment.providerId, { credentials: { username: HOOK.username, password: 'guess' } })).toBe(401);
    expect(await world.peer.control.notify(payment.providerId, { credentials: { username: 'clinic-hook', password: HOOK.password } })).toBe(401);
    expect(await world.peer.control.notify(payment.providerId, { credentials: { username: ACCOUNT.accountId, password: ACCOUNT.apiKey } })).toBe(401);
    expect(await world.peer.control.notify(payment.providerId, { credentials: null })).toBe(401);
    expect(world.deliveries).toEqual(Array(4).fill({ ok: false, reason: 'unauthenticated' }));
    expect(reads()).toBe(0);
  });

  it('sees a forged "paid" notification for an unpaid payment as not paid', async () => {
    const payment = await reference();
    // Authentic credentials (leaked, say) and a body that claims success: the state is still easypay's.
    expect(await world.peer.control.notify(payment.providerId, { type: 'capture', status: 'success' })).toBe(200);
    expect(world.deliveries[0]).toMatchObject({ ok: true, claimed: { status: 'success' }, payment: { state: 'pending' } });
  });

  it('answers an unknown payment with 200 (nothing to retry) and a body it cannot read with 400', async () => {
    expect(await world.peer.control.notify('5f0c3d7e-0000-4000-8000-000000000000')).toBe(200);
    expect(await world.peer.control.notify('../../single', {})).toBe(400);
    expect(await world.peer.control.notify('5f0c3d7e-0000-4000-8000-000000000000', { body: { type: 42 } })).toBe(400);
    expect(world.deliveries).toEqual([
      { ok: false, reason: 'unknown_payment' },
      { ok: false, reason: 'malformed' },
      { ok: false, reason: 'malformed' },
    ]);
  });

  it('gives the same answer to duplicates and is not fooled by out-of-order deliveries', async () => {
    const payment = await world.adapter.requestMbWay({ amountCents: 999, phone: '936 000 111', key: 'visit-10', customer: { name: 'Rui' } });
    world.clock.advance(60_000);
    world.peer.control.markPaid(payment.providerId);
    await world.peer.control.notify(payment.providerId, { type: 'capture', status: 'success' });
    await world.peer.control.notify(payment.providerId, { type: 'capture', status: 'success' });
    // An older "authorisation failed" arriving last (a retry easypay had queued) does not undo the payment.
    await world.peer.control.notify(payment.providerId, { type: 'authorisation', status: 'failed', body: { date: '2026-03-29 00:30:10' } });
    expect(world.deliveries.map((delivery) => ('payment' in delivery ? delivery.payment.state : delivery))).toEqual(['paid', 'paid', 'paid']);
  });

  it('answers 503 when easypay cannot be asked, so the notification comes again', async () => {
    const payment = await reference();
    world.peer.control.failNext(503);
    expect(await world.peer.control.notify(payment.providerId)).toBe(503);
    expect(world.deliveries).toEqual([{ thrown: 'Simulated failure' }]);
    world.peer.control.markPaid(payment.providerId);
    expect(await world.peer.control.notify(payment.providerId)).toBe(200);
  });

  it('reads Basic credentials exactly (a colon in the password, the scheme in any case, nothing else)', async () => {
    const payment = await reference();
    const body = { id: payment.providerId, type: 'capture', status: 'success' };
    const check = (authorization: string | undefined) => world.adapter.parseWebhook({ authorization }, body);
    expect(await check(basic(HOOK.username, HOOK.password))).toMatchObject({ ok: true });
    expect(await check(basic(HOOK.username, HOOK.password).replace('Basic', 'basic'))).toMatchObject({ ok: true });
    expect(await world.adapter.parseWebhook({ authorization: basic(HOOK.username, HOOK.password) }, JSON.stringify(body))).toMatchObject({ ok: true });
    expect(await world.adapter.parseWebhook({ Authorization: basic(HOOK.username, HOOK.password) }, body)).toMatchObject({ ok: true });
    for (const wrong of [
      basic(HOOK.username, HOOK.password.split(':')[0]!),
      basic(`${HOOK.username}:${HOOK.password}`, ''),
      `Bearer ${HOOK.password}`,
      `Basic ${Buffer.from(HOOK.password).toString('base64')}`,
      undefined,
    ]) {
      expect(await check(wrong), String(wrong)).toEqual({ ok: false, reason: 'unauthenticated' });
    }
    const empty = world.adapterWith({ webhook: { username: '', password: '' } });
    expect(await empty.parseWebhook({ authorization: basic('', '') }, body)).toEqual({ ok: false, reason: 'unauthenticated' });
  });
});
