import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { MBWAY_EXPIRY_MS } from '../../../shared/payments/mbway';
import { centsToEuros, eurosToCents } from '../../../shared/payments/money';
import { MULTIBANCO_MAX_CENTS, MULTIBANCO_MIN_CENTS, multibancoReference } from '../../../shared/payments/multibanco';
import { formatEasypayTime, refundPostRequest, singlePostRequest, type SinglePostRequest } from './easypay.wire';

/**
 * A local easypay (API 2.0) for tests and development: real HTTP, as strict as the reference
 * reads (see docs/cloud-api/payments-easypay.md). Only what the clinic uses is served:
 * POST /single (mb, mbw), GET /single/{id}, POST /refund/{capture id}. What a test needs
 * to make happen on easypay's side (a patient paying, a reference expiring, a notification
 * arriving) is on `control`, which is not HTTP: nothing reaching the peer's port can do it.
 */

export interface EasypayPeerOptions {
  accountId: string;
  apiKey: string;
  now: () => Date;
  /** The clinic's Multibanco entity (5 digits). */
  entity?: string;
  /** Where generic notifications go, with the Basic credentials set in easypay's back office. */
  webhook?: { url: string; username: string; password: string };
}

type PeerStatus = 'pending' | 'paid' | 'failed' | 'deleted';

interface PeerPayment {
  id: string;
  captureId: string;
  key: string | null;
  method: 'mb' | 'mbw';
  cents: number;
  entity: string | null;
  reference: string | null;
  phone: string | null;
  createdAt: Date;
  expiresAt: Date;
  status: PeerStatus;
  methodStatus: string;
  paidAt: Date | null;
  refunds: { id: string; cents: number }[];
}

export interface NotifyOptions {
  type?: string;
  status?: 'success' | 'failed';
  /** Other credentials than the configured ones (a forger's). */
  credentials?: { username: string; password: string } | null;
  /** Fields to put in (or over) the body: a forged id, a stale status. */
  body?: Record<string, unknown>;
}

export interface EasypayPeerControl {
  markPaid(id: string): void;
  markFailed(id: string): void;
  markExpired(id: string): void;
  /** Every request waits until release() (a provider that has stopped answering). */
  hold(): void;
  release(): void;
  /** The next Multibanco reference has wrong check digits (a provider answer the adapter must refuse). */
  spoilNextReference(): void;
  /** The next request gets this answer instead (a 429 with Retry-After, a 503…). */
  failNext(status: number, headers?: Record<string, string>): void;
  /** POSTs a generic notification about a payment to the webhook; the receiver's HTTP status. */
  notify(id: string, options?: NotifyOptions): Promise<number>;
  payment(id: string): Readonly<PeerPayment> | undefined;
  /** How many requests reached the routes (after authentication), by "METHOD /path". */
  readonly calls: Map<string, number>;
}

export interface EasypayPeer {
  /** The API base, ".../2.0", for EasypayConfig.baseUrl. */
  url: string;
  control: EasypayPeerControl;
  close(): Promise<void>;
}

const error = (reply: FastifyReply, status: number, ...message: string[]) => reply.code(status).send({ status: 'error', message });

export async function startEasypayPeer(options: EasypayPeerOptions): Promise<EasypayPeer> {
  const entity = options.entity ?? '11683';
  const payments = new Map<string, PeerPayment>();
  const byCapture = new Map<string, PeerPayment>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const calls = new Map<string, number>();
  const failures: { status: number; headers: Record<string, string> }[] = [];
  let held: { promise: Promise<void>; release: () => void } | null = null;
  let nextReference = 1_000_000;
  let spoil = false;

  const app = Fastify({ logger: false, forceCloseConnections: true });

  app.setErrorHandler((failure: FastifyError, _request, reply) => {
    const status = failure.statusCode && failure.statusCode >= 400 && failure.statusCode < 500 ? failure.statusCode : 500;
    return error(reply, status, status === 500 ? 'Internal Error' : failure.message);
  });
  app.setNotFoundHandler((_request, reply) => error(reply, 404, 'Resource not found'));

  app.addHook('onRequest', async (request, reply) => {
    if (held) await held.promise;
    const failure = failures.shift();
    if (failure)
      return reply
        .code(failure.status)
        .headers(failure.headers)
        .send({ status: 'error', message: ['Simulated failure'] });
    // As documented: 403 for missing or wrong credentials, with these messages.
    const accountId = request.headers['accountid'];
    const apiKey = request.headers['apikey'];
    if (typeof accountId !== 'string' || typeof apiKey !== 'string') {
      return error(reply, 403, 'Authentication Error: Missing AccountId or ApiKey headers');
    }
    if (accountId !== options.accountId || apiKey !== options.apiKey) return error(reply, 403, 'Authentication Error: Invalid AccountId or ApiKey');
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    calls.set(route, (calls.get(route) ?? 0) + 1);
  });

  /** Same Idempotency-Key and body: the stored answer, marked as a replay; another body: refused. */
  async function once(request: FastifyRequest, reply: FastifyReply, run: () => { status: number; body: unknown }) {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') {
      const answer = run();
      return reply.code(answer.status).send(answer.body);
    }
    const scope = `${request.method} ${request.routeOptions.url}:${key}`;
    const fingerprint = createHash('sha256')
      .update(`${request.url}\n${JSON.stringify(request.body)}`)
      .digest('hex');
    const stored = idempotent.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) return error(reply, 409, 'The Idempotency-Key was already used with a different request');
      return reply.code(stored.status).header('Idempotency-Replay', 'true').send(stored.body);
    }
    const answer = run();
    // Refusals are not stored: a corrected retry with the same key must go through.
    if (answer.status < 400) idempotent.set(scope, { fingerprint, ...answer });
    return reply.code(answer.status).send(answer.body);
  }

  /** Lazily, on every read: a pending payment past its expiry is failed, its method "expired". */
  function settle(payment: PeerPayment): PeerPayment {
    if (payment.status === 'pending' && options.now().getTime() >= payment.expiresAt.getTime()) {
      payment.status = 'failed';
      payment.methodStatus = 'expired';
    }
    return payment;
  }

  function create(body: SinglePostRequest): { status: number; body: unknown } {
    const refuse = (...message: string[]) => ({ status: 400, body: { status: 'error', message } });
    const cents = eurosToCents(body.value);
    if (cents === null) return refuse('The field value must have at most two decimal places');
    if (body.method !== 'mb' && body.method !== 'mbw') return refuse(`The method ${body.method} is not available on this account`);
    const now = options.now();
    const id = randomUUID();
    const payment: PeerPayment = {
      id,
      captureId: randomUUID(),
      key: body.key ?? null,
      method: body.method,
      cents,
      entity: null,
      reference: null,
      phone: null,
      createdAt: now,
      expiresAt: now,
      status: 'pending',
      methodStatus: 'pending',
      paidAt: null,
      refunds: [],
    };
    if (body.method === 'mb') {
      if (cents < MULTIBANCO_MIN_CENTS || cents > MULTIBANCO_MAX_CENTS) return refuse('The field value must be between 1.00 and 999999.99 for Multibanco');
      const expires = body.multibanco?.expiration_time ?? null;
      if (!expires) return refuse('The field multibanco.expiration_time is required');
      const expiresAt = new Date(expires);
      if (!(expiresAt.getTime() > now.getTime())) return refuse('The field multibanco.expiration_time must be in the future');
      payment.expiresAt = expiresAt;
      payment.entity = entity;
      payment.reference = multibancoReference(entity, String(nextReference++), cents);
      if (spoil) payment.reference = `${payment.reference.slice(0, 7)}${String((Number(payment.reference.slice(7)) + 1) % 100).padStart(2, '0')}`;
      spoil = false;
    } else {
      const customer = body.customer;
      if (cents < 50) return refuse('The field value must be greater than or equal to 0.5');
      if (!customer?.name) return refuse('The field customer.name is required for method mbw');
      if (!customer.phone) return refuse('The field customer.phone is required for method mbw');
      const indicative = (customer.phone_indicative ?? '+351').replace(/^\+?/, '+');
      if (indicative !== '+351' || !/^9[1236]\d{7}$/.test(customer.phone)) return refuse('The field customer.phone is not a valid MB WAY phone number');
      payment.phone = `${indicative}${customer.phone}`;
      payment.expiresAt = new Date(now.getTime() + MBWAY_EXPIRY_MS);
    }
    payments.set(id, payment);
    byCapture.set(payment.captureId, payment);
    const method =
      payment.method === 'mb'
        ? { type: 'mb', status: 'pending', entity: payment.entity, reference: payment.reference, expiration_date: formatEasypayTime(payment.expiresAt, false) }
        : { type: 'mbw', status: 'pending' };
    return {
      status: 201,
      body: {
        status: 'ok',
        message: ['Your request was successfully created'],
        id,
        method,
        customer: { id: randomUUID() },
        capture: { id: payment.captureId },
      },
    };
  }

  app.post('/2.0/single', async (request, reply) => {
    const parsed = singlePostRequest.safeParse(request.body);
    if (!parsed.success)
      return error(reply, 400, ...parsed.error.issues.map((issue) => `The field ${issue.path.join('.') || 'body'} is invalid: ${issue.message}`));
    return once(request, reply, () => create(parsed.data));
  });

  app.get<{ Params: { id: string } }>('/2.0/single/:id', async (request, reply) => {
    const payment = payments.get(request.params.id);
    if (!payment) return error(reply, 404, 'Resource not found');
    settle(payment);
    return reply.send({
      id: payment.id,
      key: payment.key,
      type: 'sale',
      currency: 'EUR',
      value: centsToEuros(payment.cents),
      payment_status: payment.status,
      method: {
        type: payment.method,
        status: payment.methodStatus,
        ...(payment.method === 'mb' ? { entity: payment.entity, reference: payment.reference } : {}),
      },
      expiration_time: formatEasypayTime(payment.expiresAt, false),
      created_at: formatEasypayTime(payment.createdAt),
      ...(payment.paidAt ? { paid_at: formatEasypayTime(payment.paidAt) } : {}),
      capture: { id: payment.captureId, status: payment.status === 'paid' ? 'success' : 'pending' },
    });
  });

  app.post<{ Params: { id: string } }>('/2.0/refund/:id', async (request, reply) => {
    const parsed = refundPostRequest.safeParse(request.body);
    if (!parsed.success)
      return error(reply, 400, ...parsed.error.issues.map((issue) => `The field ${issue.path.join('.') || 'body'} is invalid: ${issue.message}`));
    // The reference refunds a capture: a payment's own id is not found here.
    const payment = byCapture.get(request.params.id);
    if (!payment) return error(reply, 404, 'Resource not found');
    return once(request, reply, () => {
      const refuse = (status: number, ...message: string[]) => ({ status, body: { status: 'error', message } });
      settle(payment);
      const cents = eurosToCents(parsed.data.value);
      if (cents === null || cents < 1) return refuse(400, 'The field value must be a positive amount with at most two decimal places');
      if (payment.status !== 'paid') return refuse(412, 'Only a paid capture can be refunded');
      const refunded = payment.refunds.reduce((sum, refund) => sum + refund.cents, 0);
      if (cents > payment.cents - refunded) return refuse(400, 'The refund value exceeds the amount available to refund');
      if (payment.method === 'mb' && (!parsed.data.iban || !parsed.data.account_holder || !parsed.data.email)) {
        return refuse(400, 'A Multibanco refund needs iban, account_holder and email');
      }
      const refund = { id: randomUUID(), cents };
      payment.refunds.push(refund);
      return { status: 201, body: { status: 'ok', message: ['Your request was successfully created'], id: refund.id } };
    });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  const find = (id: string): PeerPayment => {
    const payment = payments.get(id);
    if (!payment) throw new Error(`The peer has no payment ${id}.`);
    return settle(payment);
  };

  const control: EasypayPeerControl = {
    calls,
    markPaid(id) {
      const payment = find(id);
      if (payment.status !== 'pending') throw new Error(`A ${payment.status} payment cannot be paid.`);
      Object.assign(payment, { status: 'paid', methodStatus: 'success', paidAt: options.now() });
    },
    markFailed(id) {
      Object.assign(find(id), { status: 'failed', methodStatus: 'failed' });
    },
    markExpired(id) {
      Object.assign(find(id), { status: 'failed', methodStatus: 'expired' });
    },
    hold() {
      if (held) return;
      let release = () => {};
      const promise = new Promise<void>((resolve) => (release = resolve));
      held = { promise, release };
    },
    release() {
      held?.release();
      held = null;
    },
    spoilNextReference() {
      spoil = true;
    },
    failNext(status, headers = {}) {
      failures.push({ status, headers });
    },
    async notify(id, notifyOptions = {}) {
      if (!options.webhook) throw new Error('The peer has no webhook configured.');
      const payment = payments.get(id);
      const credentials = notifyOptions.credentials === undefined ? options.webhook : notifyOptions.credentials;
      const body = {
        id,
        key: payment?.key ?? null,
        type: notifyOptions.type ?? 'capture',
        status: notifyOptions.status ?? 'success',
        messages: ['Your request was successfully captured'],
        date: formatEasypayTime(options.now()),
        ...notifyOptions.body,
      };
      const response = await fetch(options.webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(credentials ? { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.status;
    },
    payment: (id) => payments.get(id),
  };

  return {
    url: `http://127.0.0.1:${port}/2.0`,
    control,
    async close() {
      control.release();
      await app.close();
    },
  };
}
