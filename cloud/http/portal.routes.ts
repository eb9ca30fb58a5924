import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { freeTimesQuery, freeTimesResponse } from '../../shared/portal/portal-api';
import { freeTimes } from '../portal/free-times.service';
import { errorAnswer, errors } from './api-docs';
import { callerOf, requireCaller, type CloudContext } from './context';

/** GET /v1/portal/free-times: what a patient may book online (the portal's token, or a desk's). */
export const portalRoutes: FastifyPluginAsyncZod<{ context: CloudContext }> = async (app, { context }) => {
  app.get(
    '/v1/portal/free-times',
    {
      onRequest: requireCaller(context),
      schema: {
        tags: ['portal'],
        operationId: 'freeTimes',
        summary: 'Free times for a specialty, as the patient portal offers them',
        description:
          "Computed with the desks' own slot code from what they synced (working hours, time off, active bookings, the clinic's holidays), on the clinic's calendar and slot grid. Nothing starts before now plus the clinic's minimum notice (`bookableFrom`), and days after `bookableUntilDay` (as far ahead as the clinic takes online bookings) are left out. An inactive specialty, or nobody active offering it, has no free times.",
        security: [{ bearer: [] }],
        querystring: freeTimesQuery,
        response: {
          200: { description: 'The free times, by start, then practitioner.', content: { 'application/json': { schema: freeTimesResponse } } },
          400: errors[400],
          401: errors[401],
          404: errorAnswer('NOT_FOUND: the clinic has no such specialty, or no such practitioner offering it.'),
          429: errors[429],
          500: errors[500],
          503: errors[503],
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      void reply.header('cache-control', 'no-store');
      return freeTimes(context.db, caller.clinicId, request.query, context.now());
    },
  );
};
