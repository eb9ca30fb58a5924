import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { paymentErrorResponse, paymentView, type PaymentView } from '../../shared/payments/payments-api';
import { DESK_TOKEN, rawRequest, startTestCloud, type TestCloud } from '../test-fixtures';
import { startEasypayPeer, type EasypayPeer } from './easypay/easypay-peer';

/**
 * A cloud with payments on (a secrets key, the admin API) and a local easypay its default
 * clinic is set up with through the admin API, over real HTTP both ways. One clock for both,
 * on a Lisbon DST morning, moved only by the test. Every log line the cloud writes is kept.
 */

export const START = Date.parse('2026-03-29T00:30:00Z');
export const ADMIN = 'admin-token-for-payments';
export const ACCOUNT = { accountId: '0b1c2d3e-0000-4000-8000-00000000a11c', apiKey: 'ep-api-key-7f3a9c1e5b2d4068' };
export const HOOK = { username: 'clinic-hooks', password: 'hook password: 9d8e7f6a' };

export interface PaymentsWorld {
  cloud: TestCloud;
  peer: EasypayPeer;
  clock: { now: () => number; advance(ms: number): void };
  logs: string[];
  url: string;
  /** The server's CLOUD_SECRETS_KEY. */
  secretsKey: string;
  /** A request with the desk's token (or `token`), JSON body. */
  call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string | null): ReturnType<typeof rawRequest>;
  admin(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): ReturnType<typeof rawRequest>;
  /** A new payment, pending, or the test fails. */
  pending(body: Record<string, unknown>): Promise<PaymentView>;
  payment(uid: string): Promise<PaymentView>;
  providerIdOf(uid: string): Promise<string>;
  events(uid: string): Promise<Array<{ source: string; kind: string; status_before: string; status_after: string; event_id: string }>>;
  calls(route: string): number;
  close(): Promise<void>;
}

export async function paymentsWorld(): Promise<PaymentsWorld> {
  let at = START;
  const clock = { now: () => at, advance: (ms: number) => void (at += ms) };
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const secretsKey = randomBytes(32).toString('base64');
  const cloud = await startTestCloud({
    now: clock.now,
    secretsKey,
    adminToken: ADMIN,
    logger: pino({ level: 'debug' }, stream),
    rateLimit: false,
    paymentTimeoutMs: 5_000,
  });
  const url = cloud.server.url;
  const peer = await startEasypayPeer({
    ...ACCOUNT,
    now: () => new Date(at),
    webhook: { url: `${url}/v1/webhooks/easypay/default`, ...HOOK },
  });
  const call = (method: string, path: string, body?: unknown, token: string | null = DESK_TOKEN) =>
    rawRequest(url, path, {
      method,
      token,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
    });
  const admin = (method: string, path: string, body?: unknown) => call(method, path, body, ADMIN);
  const set = await admin('PUT', '/v1/admin/clinics/default/payment-provider', {
    provider: 'easypay',
    baseUrl: peer.url,
    ...ACCOUNT,
    webhookUsername: HOOK.username,
    webhookPassword: HOOK.password,
  });
  if (set.status !== 200) throw new Error(`provider not set: ${set.status} ${set.text}`);
  const payment = async (uid: string) => {
    const got = await call('GET', `/v1/payments/${uid}`);
    if (got.status !== 200) throw new Error(`GET ${uid}: ${got.status} ${got.text}`);
    return paymentView.parse(got.json());
  };
  return {
    cloud,
    peer,
    clock,
    logs,
    url,
    secretsKey,
    call,
    admin,
    async pending(body) {
      const made = await call('POST', '/v1/payments', body);
      if (made.status !== 201) throw new Error(`POST /v1/payments: ${made.status} ${made.text}`);
      const view = paymentView.parse(made.json());
      if (view.status !== 'pending') throw new Error(`not pending: ${view.status}`);
      return view;
    },
    payment,
    providerIdOf: async (uid) => (await cloud.server.query<{ provider_id: string }>('SELECT provider_id FROM payments WHERE uid = $1', [uid]))[0]!.provider_id,
    events: (uid) =>
      cloud.server.query('SELECT source, kind, status_before, status_after, event_id FROM payment_events WHERE payment_uid = $1 ORDER BY id', [uid]),
    calls: (route) => peer.control.calls.get(route) ?? 0,
    async close() {
      await peer.close();
      await cloud.close();
    },
  };
}

/** The error code of a payment refusal. */
export const paymentCode = (response: { json: () => unknown }) => paymentErrorResponse.parse(response.json()).error;

export const multibanco = (key: string, amountCents = 4200) => ({ key, method: 'multibanco', amountCents, customerName: 'Maria Silva' });
export const mbway = (key: string, amountCents = 1500) => ({ key, method: 'mbway', amountCents, phone: '912 345 678', customerName: 'Maria Silva' });
