import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import { API_DESCRIPTION, apiRegistry, BEARER_DESCRIPTION } from './api-docs';
import { rateLimitKey } from './auth';
import type { CloudContext } from './context';
import { clientErrorHandler, HttpError, installErrorHandlers } from './errors';
import { joinRoutes } from './join.routes';
import { tidyOpenApi, openApiTransformObject } from './openapi';
import { opsRoutes } from './ops.routes';
import { portalRoutes } from './portal.routes';
import { paymentsRoutes } from './payments.routes';
import { syncRoutes } from './sync.routes';

/** More routes on the same server (an admin API, say): registered after the cloud's own, with its context. */
export type CloudPlugin = (app: FastifyInstance, context: CloudContext) => Promise<void>;

export interface RateLimitOptions {
  /** Requests per window per token (a hash of it), or per address without one. */
  max: number;
  windowMs: number;
}

/** Generous: a desk syncs a few times a minute; a portal or a burst of bookings stays far below. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 3000, windowMs: 60_000 };

export interface AppOptions {
  logger: FastifyBaseLogger;
  /** false: no limit. */
  rateLimit?: RateLimitOptions | false;
  /** Browser origins allowed to call the API (the patient portal's); none: no CORS headers at all. */
  corsOrigins?: readonly string[];
  /** Longest time to receive a whole request (default 30 s). */
  requestTimeoutMs?: number;
  /** A connection idle this long is closed (default 120 s; event streams are exempt, their heartbeats keep them alive). */
  connectionTimeoutMs?: number;
  /** Behind a load balancer: whose X-Forwarded-For to believe (Fastify's trustProxy), for the address limits. */
  trustProxy?: boolean | string | string[];
  plugins?: readonly CloudPlugin[];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The load balancer's request id when it is a sane one, else a new one: this process's
 * random prefix and a counter (unique across instances, and cheaper than a UUID each).
 */
function requestIds(): (req: IncomingMessage) => string {
  const prefix = randomBytes(6).toString('hex');
  let next = 0;
  return (req) => {
    const given = req.headers['x-request-id'];
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : `${prefix}-${(next++).toString(36)}`;
  };
}

/** The Fastify app of the cloud: its routes, limits, docs, logs and metrics (not yet listening). */
export async function buildApp(context: CloudContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child(
      {},
      { redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization'], censor: '[redacted]' } },
    ),
    // One line per request, written below: Fastify's own would log query strings.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIds(),
    requestIdHeader: false,
    bodyLimit: context.bodyLimit,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.connectionTimeoutMs ?? 120_000,
    keepAliveTimeout: 72_000,
    forceCloseConnections: true,
    exposeHeadRoutes: false,
    trustProxy: options.trustProxy ?? false,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: false },
  }).withTypeProvider<ZodTypeProvider>();
  app.server.headersTimeout = 20_000;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('caller', null);

  // Which methods each path has, for 405's Allow.
  const methods = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'OPTIONS' || method === 'HEAD') continue;
      const set = methods.get(route.url) ?? new Set<string>();
      set.add(method);
      methods.set(route.url, set);
    }
  });
  installErrorHandlers(app, (path) => [...(methods.get(path) ?? [])]);
  installJsonParser(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    reply.header('Cache-Control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    context.metrics.requests.inc({ route, method: request.method, status });
    context.metrics.duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
      maxAge: 600,
    });
  }
  if (options.rateLimit !== false) {
    const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      keyGenerator: (request) => rateLimitKey(request.headers.authorization, request.ip),
      errorResponseBuilder: (_request, { ttl }) => {
        const seconds = String(Math.max(1, Math.ceil(ttl / 1000)));
        return new HttpError(429, 'RATE_LIMITED', `Too many requests; try again in ${seconds} s.`, { 'Retry-After': seconds });
      },
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Front Desk cloud sync API', version: '1.0.0', description: API_DESCRIPTION },
      servers: [
        // First: whoever serves this document, so the explorer's "Try it out" asks this server.
        { url: '/', description: 'This server' },
        { url: 'https://cloud.example-clinic.pt', description: "The clinic's cloud (behind its API gateway)" },
        { url: 'http://127.0.0.1:8787', description: 'The reference server (`npm run cloud`)' },
      ],
      security: [{ bearer: [] }],
      tags: [
        { name: 'sync', description: 'What front desks (and the portal) push and pull.' },
        { name: 'join', description: 'How another desk joins the clinic (one-time codes for desk tokens).' },
        { name: 'portal', description: 'What the patient portal asks: free times to book.' },
        { name: 'payments', description: 'Multibanco references and MB WAY payments through the clinic’s provider, and its notifications.' },
        { name: 'ops', description: 'Liveness.' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: BEARER_DESCRIPTION } } },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiRegistry, skipList: [] }),
    transformObject: openApiTransformObject,
  });
  const uiFiles = swaggerUiFiles();
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: false },
    baseDir: uiFiles,
    // Ours, not the framework's: the page is the clinic cloud's API.
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO) },
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(tidyOpenApi(app.swagger()))),
  );

  await app.register(syncRoutes, { context });
  await app.register(joinRoutes, { context });
  await app.register(opsRoutes, { context });
  await app.register(portalRoutes, { context });
  await app.register(paymentsRoutes, { context });
  for (const plugin of options.plugins ?? []) await plugin(app, context);
  await app.ready();
  return app;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies only, UTF-8 only (a bad byte is refused, not replaced), parsed with plain
 * JSON.parse: a `__proto__` key is an own property like any other, and the schemas refuse it.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      done(new HttpError(415, 'INVALID_REQUEST', 'The body must be application/json (UTF-8).'), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new HttpError(400, 'INVALID_REQUEST', 'The body is not valid UTF-8.'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new HttpError(400, 'INVALID_REQUEST', 'The body is not valid JSON.'), undefined);
    }
  });
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="32" viewBox="0 0 200 32"><text x="0" y="23" font-family="DejaVu Sans, Arial, sans-serif" font-size="20" font-weight="700" fill="#ffffff">Front Desk cloud</text></svg>`;

/**
 * The explorer's files: beside the bundle (scripts/build-cloud.mjs copies them there: a
 * bundle has no node_modules, and the plugin looks beside its own source), else the package's.
 */
function swaggerUiFiles(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'swagger-ui');
  if (existsSync(join(bundled, 'index.html'))) return bundled;
  return join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
}
