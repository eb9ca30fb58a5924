import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ping } from '../db/cloud.repository';
import { healthResponse, healthUnavailable } from './api-docs';
import { bearerToken } from './auth';
import type { CloudContext } from './context';
import { unauthorized } from './errors';

/** How long the health check waits for the database. */
export const HEALTH_TIMEOUT_MS = 2000;

/** Resolves true when `work` settles in time and fulfilled. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** GET /v1/health (liveness and the database) and GET /metrics (Prometheus). */
export const opsRoutes: FastifyPluginAsyncZod<{ context: CloudContext }> = async (app, { context }) => {
  app.get(
    '/v1/health',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['ops'],
        operationId: 'health',
        summary: 'Liveness and database reachability (no token needed)',
        description: `200 when the server answers and its database answers a query within ${HEALTH_TIMEOUT_MS / 1000} s; 503 when the database does not (the server itself is up: a load balancer takes it out of rotation, an orchestrator need not restart it).`,
        security: [],
        response: {
          200: { description: 'Up, with its database.', content: { 'application/json': { schema: healthResponse } } },
          503: { description: 'Up, but the database does not answer.', content: { 'application/json': { schema: healthUnavailable } } },
        },
      },
    },
    async (_request, reply) => {
      const reachable = await within(ping(context.db), HEALTH_TIMEOUT_MS);
      if (reachable) return reply.code(200).send({ status: 'ok', version: context.version, database: 'ok' });
      return reply.code(503).header('Retry-After', '5').send({ status: 'unavailable', version: context.version, database: 'unreachable' });
    },
  );

  const expected = context.metricsToken === undefined ? null : digest(context.metricsToken);
  app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const token = bearerToken(request.headers.authorization);
      if (token === null || !timingSafeEqual(digest(token), expected)) throw unauthorized();
    }
    const text = await context.metrics.registry.metrics();
    return reply.type(context.metrics.registry.contentType).send(text);
  });
};
