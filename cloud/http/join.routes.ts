import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { joinCodeResponse, joinRequest, joinResponse } from '../../shared/sync/cloud-api';
import { mintJoinCode, redeemJoinCode } from '../join.service';
import { errors } from './api-docs';
import { callerOf, requireCaller, type CloudContext } from './context';
import { HttpError } from './errors';

/** POST /v1/join-codes and POST /v1/join: how another desk joins the clinic. */
export const joinRoutes: FastifyPluginAsyncZod<{ context: CloudContext }> = async (app, { context }) => {
  const { db, now, joinThrottle } = context;

  app.post(
    '/v1/join-codes',
    {
      onRequest: requireCaller(context),
      bodyLimit: 4096,
      schema: {
        tags: ['join'],
        operationId: 'createJoinCode',
        summary: 'A one-time code for another desk to join the clinic with (desks only)',
        description: `What "Add a desk" in a desk's Settings asks for. The code is ten characters of Crockford base32 shown as \`XXXXX-XXXXX\`, good once, for 24 hours on the reference server; the server keeps only its SHA-256 hash. The reference server's console makes one too (\`npm run cloud -- join-code\`), for the first desk or when no desk is at hand. Not retried: every call makes a new code.`,
        security: [{ bearer: [] }],
        body: z.strictObject({}).optional(),
        response: {
          201: { description: 'A new code.', content: { 'application/json': { schema: joinCodeResponse } } },
          401: errors[401],
          403: errors[403],
          429: errors[429],
          503: errors[503],
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.principal !== 'desk') throw new HttpError(403, 'FORBIDDEN', 'Only a front desk may let another desk join.');
      const createdBy = `desk:${(request.headers['user-agent'] ?? '').slice(0, 60)}`;
      const minted = await mintJoinCode(db, caller.clinicId, now(), createdBy, context.joinCodeTtlMs);
      request.log.info('join code created by a desk');
      return reply.code(201).send(minted);
    },
  );

  /**
   * Every refused code gets the same answer, whether it was never issued, has expired or was
   * used: a guesser learns nothing but "no".
   */
  app.post(
    '/v1/join',
    {
      // Before the body is read: a throttled address gets 429 whatever it sends.
      onRequest: async (request) => {
        const wait = joinThrottle.waitMs(request.ip, now());
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          throw new HttpError(429, 'RATE_LIMITED', `Too many wrong join codes from this address; try again in ${seconds} s.`, {
            'Retry-After': String(seconds),
          });
        }
      },
      bodyLimit: 4096,
      schema: {
        tags: ['join'],
        operationId: 'join',
        summary: "A join code for a new desk's own token (no token needed)",
        description: `A desk on its first run exchanges a code for a desk token of its own (32 random bytes, base64url; the server keeps only its SHA-256 hash). The code is used up by the redemption that wins: of two at once, exactly one gets a token. A code that is unknown, used or expired gets the same 403, so a guesser learns nothing else; wrong codes are counted per source address, and past the limit (10 in 15 minutes on the reference server) every attempt from it gets 429 with \`Retry-After\`, a right code too.`,
        security: [],
        body: joinRequest,
        response: {
          201: { description: "The new desk's token; shown once.", content: { 'application/json': { schema: joinResponse } } },
          400: errors[400],
          403: { ...errors[403], description: 'FORBIDDEN: the code is not good (mistyped, used or expired: the answer does not say which).' },
          415: errors[415],
          429: errors[429],
          503: errors[503],
        },
      },
    },
    async (request, reply) => {
      const token = await redeemJoinCode(db, request.body.code, request.body.deskName, now());
      if (token === null) {
        joinThrottle.fail(request.ip, now());
        throw new HttpError(403, 'FORBIDDEN', 'This join code is not valid: it may be mistyped, used already or expired.');
      }
      request.log.info({ deskName: request.body.deskName.slice(0, 100) }, 'desk joined');
      return reply.code(201).send({ token });
    },
  );
};
