import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CloudDb } from '../db/cloud-db';
import type { JoinThrottle } from '../join.service';
import type { Authenticate, Caller } from './auth';
import { unauthorized } from './errors';
import type { EventStreams } from '../events/event-streams';
import type { CloudMetrics } from './metrics';
import type { SecretBox } from '../payments/secrets';

/** What the routes work with: one per server. */
export interface CloudContext {
  db: CloudDb;
  /** The clinic of the static tokens. */
  clinicId: number;
  now: () => number;
  authenticate: Authenticate;
  metrics: CloudMetrics;
  events: EventStreams;
  /** Tombstones older than the last this many changes are purged. */
  retention: number;
  bodyLimit: number;
  joinThrottle: JoinThrottle;
  joinCodeTtlMs?: number;
  /** The server's version (package.json). */
  version: string;
  /** GET /metrics needs `Authorization: Bearer <metricsToken>` when set. */
  metricsToken?: string;
  /** Opens the clinics' payment provider secrets (CLOUD_SECRETS_KEY); none: payments are off. */
  secrets?: SecretBox;
  /** The payment provider's timeout per request (default: the adapter's 10 s). */
  paymentTimeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireCaller` on the routes that need a token. */
    caller: Caller | null;
  }
}

/** An onRequest hook: a valid bearer token, or 401 before the body is read. */
export function requireCaller(context: CloudContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const caller = await context.authenticate(request.headers.authorization);
    if (!caller) throw unauthorized();
    request.caller = caller;
  };
}

/** The caller of a route behind `requireCaller`. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized();
  return request.caller;
}
