import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pushRequest, pushResponse, pullResponse } from '../../shared/sync/cloud-api';
import { compact, PORTAL_HIDDEN, pullPage } from '../changes.service';
import { applyPush } from '../push.service';
import { apiRegistry, DEFAULT_PAGE, errors, pullQuery } from './api-docs';
import { callerOf, requireCaller, type CloudContext } from './context';
import { HttpError } from './errors';

/** POST /v1/push, GET /v1/changes and GET /v1/events: what desks (and the portal) sync with. */
export const syncRoutes: FastifyPluginAsyncZod<{ context: CloudContext }> = async (app, { context }) => {
  const { db, now, metrics, events } = context;
  const authenticated = requireCaller(context);

  app.post(
    '/v1/push',
    {
      onRequest: authenticated,
      bodyLimit: context.bodyLimit,
      schema: {
        tags: ['sync'],
        operationId: 'push',
        summary: 'Apply a batch of mutations, in order, each on its own',
        description: PUSH_DESCRIPTION,
        security: [{ bearer: [] }],
        body: pushRequest,
        response: {
          200: { description: 'One result per mutation, in order.', content: { 'application/json': { schema: pushResponse } } },
          400: errors[400],
          401: errors[401],
          403: errors[403],
          413: errors[413],
          415: errors[415],
          429: errors[429],
          500: errors[500],
          503: errors[503],
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const outcome = await applyPush(db, caller.clinicId, request.body, caller.principal, now());
      if (outcome.applied > 0) {
        // Compaction only once changes have gone past the retention (a transaction saved on most pushes).
        if (outcome.lastSeq - context.retention > outcome.horizon) await compact(db, caller.clinicId, context.retention);
      }
      metrics.countResults(outcome.results);
      request.log.info({ principal: caller.principal, mutations: request.body.mutations.length, applied: outcome.applied }, 'push');
      return { results: outcome.results };
    },
  );

  app.get(
    '/v1/changes',
    {
      onRequest: authenticated,
      schema: {
        tags: ['sync'],
        operationId: 'pullChanges',
        summary: 'Changes after a cursor, oldest first, in pages',
        description: PULL_DESCRIPTION,
        security: [{ bearer: [] }],
        querystring: pullQuery,
        response: {
          200: { description: 'A page of changes.', content: { 'application/json': { schema: pullResponse } } },
          400: errors[400],
          401: errors[401],
          410: errors[410],
          429: errors[429],
          500: errors[500],
          503: errors[503],
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { cursor, limit = DEFAULT_PAGE } = request.query;
      const page = await pullPage(db, caller.clinicId, cursor ? cursor : null, limit, caller.principal === 'portal' ? PORTAL_HIDDEN : []);
      if ('ok' in page) throw new HttpError(page.status, page.status === 410 ? 'CURSOR_EXPIRED' : 'INVALID_REQUEST', page.message, {}, page.reason);
      metrics.pullPages.inc();
      // Already JSON (rows' data is spliced, not re-serialised): a string is sent as it is.
      return reply.type('application/json; charset=utf-8').send(page.body as never);
    },
  );

  app.get(
    '/v1/events',
    {
      onRequest: authenticated,
      schema: {
        tags: ['sync'],
        operationId: 'events',
        summary: 'A push channel (server-sent events) saying when there is something to pull',
        description: EVENTS_DESCRIPTION,
        security: [{ bearer: [] }],
        response: {
          200: {
            description: 'An event stream of `changes` events whose `data` is a ChangesEvent (JSON).',
            content: { 'text/event-stream': { schema: pushEventsSchema } },
          },
          401: errors[401],
          403: errors[403],
          429: errors[429],
          503: errors[503],
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (caller.principal !== 'desk') throw new HttpError(403, 'FORBIDDEN', 'The event stream is for front desks.');
      reply.hijack();
      try {
        await events.open(request.raw, reply.raw, caller.clinicId, { 'X-Request-Id': request.id });
      } catch (error) {
        // Hijacked: Fastify no longer answers for us.
        request.log.error({ err: error }, 'event stream not opened');
        if (!reply.raw.headersSent) reply.raw.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1' });
        reply.raw.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'The database is busy; try again shortly.' } }));
        return;
      }
      // Hijacked: no 'request' line when it ends, so one now.
      request.log.info({ method: request.method, route: '/v1/events', status: 200 }, 'event stream opened');
    },
  );
};

const pushEventsSchema = z.string();
apiRegistry.add(pushEventsSchema, { description: '`id: <seq>`, `event: changes`, `data: {"seq":<seq>}` frames; `:` lines are heartbeats.' });

const PUSH_DESCRIPTION = `Each mutation is applied atomically on its own (its row, its change sequence number and its idempotency record together), in the order sent; one refused mutation does not stop the next. The answer lists one result per mutation, in the same order.

- **applied**: written; \`version\` is the row's new version. A mutation whose \`mutationId\` was seen before is not applied again: its stored answer is returned (also inside another batch). A \`mutationId\` reused for a different change is \`rejected\` (INVALID) and writes nothing.
- **conflict**: not written. Either the row changed since \`baseVersion\` (\`current\` is the server's row, a tombstone if it was deleted, or null if the server never had it; \`clash\` is null), or an appointment would overlap an active appointment of the same practitioner or room (\`clash\` names it; \`current\` is this appointment's row on the server, or null). Overlaps are never settled by last-writer-wins. A conflict is stored like any answer: its replay is the same.
- **rejected**: never applicable as sent. INVALID (data fails its entity's schema, an appointment that does not end after it starts or lasts over 12 hours, a delete of a row still referred to by a live row, a delete of a \`staff\` or \`clinic\` row, a \`clinic\` row whose uid is not \`00000000-0000-4000-8000-000000000001\`, a \`staff\` username (case aside) another live account holds, a reused mutationId), MISSING_REFERENCE (a referenced uid is not a live row on the server; stored, so a replay gets it again), FORBIDDEN (the token may not make this change; not stored).

The patient portal's token may only create patients and appointments (\`op: upsert\`, \`baseVersion: null\`, a uid the server does not have), appointments with \`status: booked\` and \`origin: online\`, never staff accounts or the clinic's settings; anything else is rejected FORBIDDEN (rather than a conflict, which would show it a row it may not read).

The answer is sent only once every applied mutation is durable: a client that gets a 200 may forget the mutations. A client that gets no answer (timeout, dropped connection, 5xx) sends the same mutations again with the same ids.`;

const PULL_DESCRIPTION = `Every row changed after the cursor, once, at its latest version, ordered by \`seq\` (the server's change sequence: strictly increasing, one per applied change; a pull may skip numbers, since a row changed twice appears once). Deletes come as tombstones (\`deleted: true\`, \`data: null\`). Keep calling with the returned \`cursor\` while \`hasMore\` is true; store the cursor only together with the page's rows (one local transaction). With nothing new, the same cursor comes back.

**Without a cursor** (first sync, or after 410): a snapshot of the live rows (tombstones of rows deleted before the snapshot began are left out), paged like any pull, continuing with the returned cursor; pages after the first do carry tombstones of rows deleted meanwhile. When the pages run out (\`hasMore: false\`), rows the client holds from an earlier sync that the snapshot did not deliver were deleted on the server (unless the client has unsent changes to them).

**410 CURSOR_EXPIRED**: the server can no longer serve this cursor; \`reason\` says why: TOO_OLD (tombstones after it were compacted away), OTHER_DATABASE (the database was replaced) or AHEAD (it was restored from an older backup). Pull again without a cursor. After AHEAD or OTHER_DATABASE the client must not take the snapshot's absence of a row as a delete: it may hold changes the server lost, and sends them again.

Unknown query parameters, and a parameter given twice, are refused (400). The portal's token sees no patient, staff or clinic rows.`;

const EVENTS_DESCRIPTION = `A \`text/event-stream\` that stays open. On connect it sends \`retry: 5000\`, then, on connect and after every push that applied something,

    id: 1042
    event: changes
    data: {"seq":1042}

with the latest \`seq\` (\`ChangesEvent\`); a client whose cursor is behind pulls at once. Lines starting with \`:\` are heartbeats (about every 25 s) that keep proxies from closing an idle stream. The stream carries no row data: pulling stays the only way in, so a missed event costs at most one pull interval. Reconnect with backoff when it drops. For front desks only: the portal's token gets 403.

Gateways that cannot hold a response open (e.g. ones with a 29–30 s integration timeout) may leave this endpoint out (404): clients then just pull on their interval.`;
