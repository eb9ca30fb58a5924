import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { WebhookResult } from '../provider';
import { EasypayProvider, type EasypayConfig } from './easypay.adapter';
import { startEasypayPeer, type EasypayPeer } from './easypay-peer';

/**
 * The adapter against a local easypay, and a stand-in for the cloud's webhook route that
 * hands each delivery to parseWebhook, over real HTTP. The clock is ours: it starts on a
 * Lisbon DST morning and only moves when a test moves it.
 */

export const START = Date.parse('2026-03-29T00:30:00Z');
export const ACCOUNT = { accountId: '0b1c2d3e-0000-4000-8000-00000000a11c', apiKey: '0b1c2d3e-0000-4000-8000-0000000000fe' };
export const HOOK = { username: 'clinic-hooks', password: 'a long: secret with a colon' };

export interface EasypayWorld {
  peer: EasypayPeer;
  adapter: EasypayProvider;
  /** A second adapter on the same peer, with other settings. */
  adapterWith(config: Partial<EasypayConfig>): EasypayProvider;
  clock: { now: () => Date; advance(ms: number): void };
  /** What the webhook route saw, one per delivery, in order. */
  deliveries: (WebhookResult | { thrown: string })[];
  close(): Promise<void>;
}

export async function easypayWorld(): Promise<EasypayWorld> {
  let at = START;
  const clock = { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
  const deliveries: EasypayWorld['deliveries'] = [];
  let adapter: EasypayProvider | null = null;

  const receiver: FastifyInstance = Fastify({ logger: false });
  receiver.post('/webhooks/easypay', async (request, reply) => {
    try {
      const result = await adapter!.parseWebhook(request.headers, request.body);
      deliveries.push(result);
      if (result.ok || result.reason === 'unknown_payment') return reply.code(200).send();
      return reply.code(result.reason === 'unauthenticated' ? 401 : 400).send();
    } catch (error) {
      deliveries.push({ thrown: error instanceof Error ? error.message : String(error) });
      return reply.code(503).send();
    }
  });
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  const hookUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/webhooks/easypay`;

  const peer = await startEasypayPeer({ ...ACCOUNT, now: clock.now, webhook: { url: hookUrl, ...HOOK } });
  const config: EasypayConfig = { baseUrl: peer.url, ...ACCOUNT, webhook: HOOK, now: clock.now, timeoutMs: 5_000 };
  adapter = new EasypayProvider(config);
  return {
    peer,
    adapter,
    adapterWith: (overrides) => new EasypayProvider({ ...config, ...overrides }),
    clock,
    deliveries,
    async close() {
      await peer.close();
      await receiver.close();
    },
  };
}

/** What a call threw, for `expect(...).toMatchObject({ kind })`. */
export async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected a refusal.');
}
