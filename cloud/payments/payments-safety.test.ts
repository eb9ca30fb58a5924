import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../admin/cli';
import { ACCOUNT, ADMIN, HOOK, mbway, multibanco, paymentsWorld, type PaymentsWorld } from './payments.fixture';
import { secretBox, SecretsKeyError } from './secrets';

/** What the database refuses by itself, and where the provider's secrets never show. */

let world: PaymentsWorld;
beforeAll(async () => {
  world = await paymentsWorld();
});
afterAll(async () => {
  await world?.close();
});

const refused = (text: string, params: unknown[]) =>
  world.cloud.server.query(text, params).then(
    () => 'accepted',
    (error: Error) => error.message,
  );

describe('the payments tables', () => {
  it('never lets a paid payment go back, nor an event be changed or removed', async () => {
    const payment = await world.pending(multibanco('walls-1'));
    const id = await world.providerIdOf(payment.uid);
    world.peer.control.markPaid(id);
    await world.peer.control.notify(id);
    expect(await refused(`UPDATE payments SET status = 'pending' WHERE uid = $1`, [payment.uid])).toContain('PAYMENT_STATUS paid -> pending');
    expect(await refused(`UPDATE payments SET status = 'failed' WHERE uid = $1`, [payment.uid])).toContain('PAYMENT_STATUS');
    expect(await refused(`UPDATE payments SET amount_cents = 1 WHERE uid = $1`, [payment.uid])).toContain('PAYMENT_IMMUTABLE');
    expect(await refused(`UPDATE payment_events SET kind = 'failed' WHERE payment_uid = $1`, [payment.uid])).toContain('APPEND_ONLY');
    expect(await refused(`DELETE FROM payment_events WHERE payment_uid = $1`, [payment.uid])).toContain('APPEND_ONLY');
    expect((await world.payment(payment.uid)).status).toBe('paid');
  });

  it('refuses a Multibanco amount under €1.00 and a refund above the amount, whoever writes them', async () => {
    const insert = `INSERT INTO payments (clinic_id, uid, key, request_hash, provider, method, amount_cents, status, expires_at, created_at, updated_at)
      VALUES ($1, gen_random_uuid()::text, $2, 'x', 'easypay', 'multibanco', $3, 'creating', 1, 0, 0)`;
    expect(await refused(insert, [world.cloud.server.clinicId, 'tiny', 99])).toContain('payments_multibanco_minimum');
    const payment = await world.pending(mbway('walls-2'));
    expect(await refused(`UPDATE payments SET refunded_cents = amount_cents + 1 WHERE uid = $1`, [payment.uid])).toMatch(/payments_refund|PAYMENT_STATUS/);
  });
});

describe('provider secrets', () => {
  it('seals with AES-256-GCM bound to its clinic and field, and refuses a key that is not 32 bytes', () => {
    const box = secretBox(randomBytes(32).toString('base64'));
    const sealed = box.seal('s3cret', 'clinic:1/easypay/api_key');
    expect(sealed.includes(Buffer.from('s3cret'))).toBe(false);
    expect(box.open(sealed, 'clinic:1/easypay/api_key')).toBe('s3cret');
    expect(() => box.open(sealed, 'clinic:2/easypay/api_key')).toThrow(SecretsKeyError);
    expect(() => secretBox(randomBytes(32).toString('base64')).open(sealed, 'clinic:1/easypay/api_key')).toThrow(SecretsKeyError);
    expect(() => secretBox(randomBytes(16).toString('base64'))).toThrow(SecretsKeyError);
  });

  it('keeps them sealed in the database and out of every answer and every log line', async () => {
    // Some traffic of every kind first: creations, a webhook, a refusal, a poll.
    const payment = await world.pending(mbway('secret-traffic'));
    const id = await world.providerIdOf(payment.uid);
    world.peer.control.markPaid(id);
    await world.peer.control.notify(id);
    await world.peer.control.notify(id, { credentials: { username: HOOK.username, password: 'wrong' } });
    world.clock.advance(60_000);
    await world.cloud.server.reconcilePayments();

    const shown = await world.admin('GET', '/v1/admin/clinics/default/payment-provider');
    expect(shown.status).toBe(200);
    expect(shown.json()).toEqual({
      provider: 'easypay',
      baseUrl: world.peer.url,
      accountId: ACCOUNT.accountId,
      webhookUsername: HOOK.username,
      apiKeySet: true,
      webhookPasswordSet: true,
      updatedAt: expect.any(Number),
      webhookPath: '/v1/webhooks/easypay/default',
    });
    const stored = await world.cloud.server.query<{ key: Buffer; password: Buffer }>(
      'SELECT api_key_sealed AS key, webhook_password_sealed AS password FROM clinic_payment_providers',
    );
    const basic = Buffer.from(`${HOOK.username}:${HOOK.password}`).toString('base64');
    for (const secret of [ACCOUNT.apiKey, HOOK.password]) {
      for (const row of stored) expect(Buffer.concat([row.key, row.password]).includes(Buffer.from(secret))).toBe(false);
      expect(shown.text).not.toContain(secret);
    }
    const logs = world.logs.join('');
    expect(logs).toContain('payment notification');
    for (const secret of [ACCOUNT.apiKey, HOOK.password, basic, ADMIN, world.secretsKey]) expect(logs).not.toContain(secret);
  });
});

describe('the console', () => {
  it('sets a clinic’s provider from the environment (never a command line), and never prints a secret', async () => {
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const env = { CLOUD_SECRETS_KEY: world.secretsKey, PAYMENT_API_KEY: 'console-api-key-123', PAYMENT_WEBHOOK_PASSWORD: 'console hook pw' };
    const args = ['set-payment-provider', '--clinic', 'default', '--base-url', world.peer.url, '--account-id', ACCOUNT.accountId, '--webhook-user', 'hooks2'];
    const db = world.cloud.server.db;
    expect(await runAdmin(db, args, io, world.clock.now(), { ...env, CLOUD_SECRETS_KEY: undefined })).toBe(1);
    expect(await runAdmin(db, args, io, world.clock.now(), { ...env, PAYMENT_API_KEY: undefined })).toBe(2);
    expect(await runAdmin(db, [...args.slice(0, 4), 'http://192.0.2.1/2.0', ...args.slice(5)], io, world.clock.now(), env)).toBe(2);
    expect(await runAdmin(db, args, io, world.clock.now(), env)).toBe(0);
    expect(await runAdmin(db, ['show-payment-provider', '--clinic', 'default'], io, world.clock.now(), env)).toBe(0);
    const printed = out.join('\n');
    expect(printed).toContain('hooks2');
    expect(printed).toContain('/v1/webhooks/easypay/default');
    for (const secret of [env.PAYMENT_API_KEY, env.PAYMENT_WEBHOOK_PASSWORD, world.secretsKey]) expect(printed).not.toContain(secret);
    // The new API key is the one used: the peer only knows the old one, so a creation is now refused as an authentication failure.
    const refusedByPeer = await world.call('POST', '/v1/payments', multibanco('after-console'));
    expect(refusedByPeer.status).toBe(502);
  });
});
