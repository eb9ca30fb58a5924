import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse, type ErrorResponse } from '../../shared/sync/cloud-api';
import type { CloudDb } from '../db/cloud-db';
import type { SecretBox } from '../payments/secrets';
import { AdminError, clinicChange, clinicView, issuedToken, newClinic, newToken, paymentProviderInput, paymentProviderView, tokenView } from './admin.schemas';
import { paymentProviderOf, setPaymentProvider } from './payment-providers.service';
import { createClinic, getClinic, listClinics, setClinic } from './clinics.service';
import { issueToken, listTokens, revokeToken, tokenLabel } from './tokens.service';

/**
 * The admin API, `/v1/admin/…`: what `npm run cloud:admin` does, over HTTP, for whoever holds
 * the admin token (CLOUD_ADMIN_TOKEN). Without one it is off: every path answers 404. A
 * Fastify plugin: `app.register(adminRoutes, { db, adminToken })`. Its routes are left out
 * of the public OpenAPI document (it is for desks and portals, and the same whether the admin
 * API is on or off); docs/cloud-api/README.md ("Tenancy") documents them.
 */

export interface AdminRoutesDeps {
  db: CloudDb;
  /** The bearer token the admin API asks for; undefined or empty: the API is off. */
  adminToken?: string;
  now?: () => number;
  log?: (line: string) => void;
  /** Seals the clinics' payment provider secrets (CLOUD_SECRETS_KEY); none: they cannot be set. */
  secrets?: SecretBox;
}

type ErrorCode = ErrorResponse['error']['code'];

const digest = (text: string) => createHash('sha256').update(text).digest();

function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  const body: ErrorResponse = { error: { code, message: message.slice(0, 500) } };
  return reply.code(status).header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(body));
}

const slugParam = z.strictObject({ slug: z.string().min(1).max(100) });
const tokenParams = z.strictObject({ slug: z.string().min(1).max(100), id: z.string().regex(/^[1-9]\d{0,15}$/, 'a token id') });
const errors = { 400: errorResponse, 401: errorResponse, 404: errorResponse, 409: errorResponse };

export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  if (!deps.adminToken) {
    // Off: as if there were no such endpoints.
    app.all('/v1/admin', { schema: { hide: true } }, (_request, reply) => sendError(reply, 404, 'INVALID_REQUEST', 'No such endpoint: the admin API is off.'));
    app.all('/v1/admin/*', { schema: { hide: true } }, (_request, reply) =>
      sendError(reply, 404, 'INVALID_REQUEST', 'No such endpoint: the admin API is off.'),
    );
    return;
  }
  const expected = digest(deps.adminToken);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Before the body is read: a caller without the token learns nothing, not even whether its body was valid.
  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(request.headers.authorization ?? '');
    // Digests of equal length, compared in constant time: the timing says nothing about a prefix.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      reply.header('WWW-Authenticate', 'Bearer realm="front-desk-cloud-admin"');
      return sendError(reply, 401, 'UNAUTHORIZED', 'The admin token is required.');
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.slice(0, 3).map((issue) => `${issue.instancePath.slice(1).replaceAll('/', '.') || '(body)'}: ${issue.message}`);
      return sendError(reply, 400, 'INVALID_REQUEST', `Invalid request: ${issues.join('; ')}`);
    }
    if (error instanceof AdminError) return sendError(reply, error.status, 'INVALID_REQUEST', error.message);
    if (error.statusCode === 413) return sendError(reply, 413, 'PAYLOAD_TOO_LARGE', 'The body is too large.');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return sendError(reply, error.statusCode, 'INVALID_REQUEST', error.message);
    log(`admin error on ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    return sendError(reply, 500, 'INTERNAL', 'The server failed; the request may be retried.');
  });

  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/admin/clinics', { schema: { hide: true, response: { 200: z.strictObject({ clinics: z.array(clinicView) }), ...errors } } }, async () => ({
    clinics: await listClinics(db),
  }));

  api.post('/v1/admin/clinics', { schema: { hide: true, body: newClinic, response: { 201: clinicView, ...errors } } }, async (request, reply) => {
    const { slug, ...settings } = request.body;
    const clinic = await createClinic(db, slug, settings, now());
    log(`admin: clinic ${clinic.slug} created`);
    return reply.code(201).send(clinic);
  });

  api.get('/v1/admin/clinics/:slug', { schema: { hide: true, params: slugParam, response: { 200: clinicView, ...errors } } }, async (request) =>
    getClinic(db, request.params.slug),
  );

  api.patch(
    '/v1/admin/clinics/:slug',
    { schema: { hide: true, params: slugParam, body: clinicChange, response: { 200: clinicView, ...errors } } },
    async (request) => {
      const clinic = await setClinic(db, request.params.slug, request.body, now());
      log(`admin: clinic ${clinic.slug} changed`);
      return clinic;
    },
  );

  // The provider's secrets go in, never come out: the answer says only that they are set.
  api.put(
    '/v1/admin/clinics/:slug/payment-provider',
    { schema: { hide: true, params: slugParam, body: paymentProviderInput, response: { 200: paymentProviderView, ...errors } } },
    async (request) => {
      const view = await setPaymentProvider(db, deps.secrets, request.params.slug, request.body, now());
      log(`admin: payment provider ${view.provider} set for clinic ${request.params.slug}`);
      return view;
    },
  );

  api.get(
    '/v1/admin/clinics/:slug/payment-provider',
    { schema: { hide: true, params: slugParam, response: { 200: paymentProviderView, ...errors } } },
    async (request) => paymentProviderOf(db, request.params.slug),
  );

  api.get(
    '/v1/admin/clinics/:slug/tokens',
    { schema: { hide: true, params: slugParam, response: { 200: z.strictObject({ tokens: z.array(tokenView) }), ...errors } } },
    async (request) => ({ tokens: await listTokens(db, request.params.slug) }),
  );

  api.post(
    '/v1/admin/clinics/:slug/tokens',
    { schema: { hide: true, params: slugParam, body: newToken, response: { 201: issuedToken, ...errors } } },
    async (request, reply) => {
      const issued = await issueToken(db, request.params.slug, request.body.deskName, request.body.kind, now());
      log(`admin: ${issued.record.kind} ${tokenLabel(issued.record)} issued in clinic ${request.params.slug}`);
      return reply.code(201).send(issued);
    },
  );

  api.post(
    '/v1/admin/clinics/:slug/tokens/:id/revoke',
    { schema: { hide: true, params: tokenParams, response: { 200: tokenView, ...errors } } },
    async (request) => {
      const record = await revokeToken(db, request.params.slug, Number(request.params.id), now());
      log(`admin: ${tokenLabel(record)} revoked in clinic ${request.params.slug}`);
      return record;
    },
  );
}
