import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPaymentRequest,
  paymentErrorResponse,
  paymentView,
  refundRequest,
  refundView,
  type PaymentErrorResponse,
} from '../../shared/payments/payments-api';
import { createPayment, getPayment, PaymentError, refund, type PaymentsDeps } from '../payments/payments.service';
import { receiveWebhook } from '../payments/webhook.service';
import { apiRegistry, errors } from './api-docs';
import { callerOf, requireCaller, type CloudContext } from './context';
import { HttpError } from './errors';

/**
 * POST /v1/payments, GET /v1/payments/:uid, POST /v1/payments/:uid/refunds (a desk's token),
 * and the provider's notifications, POST /v1/webhooks/easypay/:clinicSlug (the clinic's Basic
 * credentials, no bearer token). The rules are in cloud/payments/.
 */

apiRegistry.add(createPaymentRequest, {
  id: 'CreatePaymentRequest',
  description: 'A Multibanco reference or an MB WAY request, under the caller’s idempotency key.',
});
apiRegistry.add(refundRequest, { id: 'RefundRequest', description: 'A refund of (part of) a paid payment, under its own idempotency key.' });
apiRegistry.add(paymentView, { id: 'Payment', description: 'A payment as the cloud knows it now.' });
apiRegistry.add(refundView, { id: 'Refund', description: 'A refund and its payment after it.' });
apiRegistry.add(paymentErrorResponse, {
  id: 'PaymentErrorResponse',
  description: 'A payment refused. `retryable`: send the same request (same key) again after `Retry-After`; otherwise it will not go through as sent.',
});

const paymentError = (description: string) => ({ description, content: { 'application/json': { schema: paymentErrorResponse } } });
const paymentErrors = {
  404: paymentError('PAYMENT_NOT_FOUND: no such payment in this clinic (another clinic’s payment is not found either).'),
  409: paymentError(
    'KEY_REUSED (the key was used for another request), PAYMENTS_NOT_CONFIGURED (the clinic has no provider set up), PAYMENT_NOT_REFUNDABLE, REFUND_EXCEEDS_PAID, PROVIDER_CONFLICT. Not retried.',
  ),
  422: paymentError('PROVIDER_REFUSED: the provider (or our check before it) refuses the request as sent; the payment is failed. Not retried.'),
  429: paymentError('PROVIDER_BUSY: the provider asks us to slow down. Retry with the same key after `Retry-After`.'),
  502: paymentError("PROVIDER_AUTH: the provider refuses the clinic's credentials; an administrator must fix them. Not retried."),
  503: paymentError('PROVIDER_UNAVAILABLE: the provider did not answer. Retry with the same key after `Retry-After`: it is the same payment.'),
};

function sendPaymentError(reply: FastifyReply, error: PaymentError): FastifyReply {
  const body: PaymentErrorResponse = { error: { code: error.code, message: error.message.slice(0, 500), retryable: error.retryable } };
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply.code(error.status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

const uidParams = z.strictObject({ uid: z.uuid() });
const slugParams = z.strictObject({ clinicSlug: z.string().min(1).max(40) });
const received = z.strictObject({ received: z.literal(true) });
apiRegistry.add(received, { id: 'WebhookReceived' });

export const paymentsRoutes: FastifyPluginAsyncZod<{ context: CloudContext }> = async (app, { context }) => {
  const deps: PaymentsDeps = { db: context.db, now: context.now, secrets: context.secrets, timeoutMs: context.paymentTimeoutMs };
  const authenticated = requireCaller(context);
  const deskOnly = (principal: string) => {
    if (principal !== 'desk') throw new HttpError(403, 'FORBIDDEN', 'Payments are for front desks.');
  };
  const common = { 400: errors[400], 401: errors[401], 403: errors[403], ...paymentErrors, 500: errors[500] };

  app.post(
    '/v1/payments',
    {
      onRequest: authenticated,
      bodyLimit: 16_384,
      schema: {
        tags: ['payments'],
        operationId: 'createPayment',
        summary: 'A Multibanco reference, or an MB WAY request to the patient’s phone',
        description: CREATE_DESCRIPTION,
        security: [{ bearer: [] }],
        body: createPaymentRequest,
        response: {
          200: { description: 'A payment made before under this key (a retry): the same payment.', content: { 'application/json': { schema: paymentView } } },
          201: { description: 'The new payment, pending (its reference, or the MB WAY window).', content: { 'application/json': { schema: paymentView } } },
          ...common,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      deskOnly(caller.principal);
      try {
        const { payment, created } = await createPayment(deps, caller.clinicId, request.body);
        request.log.info({ payment: payment.uid, method: payment.method, status: payment.status, created }, 'payment');
        return reply.code(created ? 201 : 200).send(payment);
      } catch (error) {
        if (error instanceof PaymentError) return sendPaymentError(reply, error);
        throw error;
      }
    },
  );

  app.get(
    '/v1/payments/:uid',
    {
      onRequest: authenticated,
      schema: {
        tags: ['payments'],
        operationId: 'getPayment',
        summary: 'A payment, as the cloud knows it now',
        description:
          'The status follows the provider through its notifications and the cloud’s own reconciliation (every open payment is read from the provider now and then, and at its expiry).',
        security: [{ bearer: [] }],
        params: uidParams,
        response: { 200: { description: 'The payment.', content: { 'application/json': { schema: paymentView } } }, ...common },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      deskOnly(caller.principal);
      try {
        return reply.send(await getPayment(deps, caller.clinicId, request.params.uid));
      } catch (error) {
        if (error instanceof PaymentError) return sendPaymentError(reply, error);
        throw error;
      }
    },
  );

  app.post(
    '/v1/payments/:uid/refunds',
    {
      onRequest: authenticated,
      bodyLimit: 16_384,
      schema: {
        tags: ['payments'],
        operationId: 'refundPayment',
        summary: 'Refund a paid payment, whole or in part',
        description: REFUND_DESCRIPTION,
        security: [{ bearer: [] }],
        params: uidParams,
        body: refundRequest,
        response: {
          200: { description: 'The refund (`done`, or `failed`) and the payment after it.', content: { 'application/json': { schema: refundView } } },
          ...common,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      deskOnly(caller.principal);
      try {
        const done = await refund(deps, caller.clinicId, request.params.uid, request.body);
        request.log.info({ payment: request.params.uid, refund: done.status }, 'refund');
        return reply.send(done);
      } catch (error) {
        if (error instanceof PaymentError) return sendPaymentError(reply, error);
        throw error;
      }
    },
  );

  app.post(
    '/v1/webhooks/easypay/:clinicSlug',
    {
      bodyLimit: 16_384,
      schema: {
        tags: ['payments'],
        operationId: 'easypayNotification',
        summary: "easypay's generic notifications for a clinic (HTTP Basic, the clinic's own credentials)",
        description: WEBHOOK_DESCRIPTION,
        security: [],
        params: slugParams,
        body: z.unknown(),
        response: {
          200: { description: 'Taken (or nothing to do: a duplicate, a payment not ours).', content: { 'application/json': { schema: received } } },
          400: errors[400],
          401: { ...errors[401], description: 'UNAUTHORIZED: wrong or missing Basic credentials, or a clinic without a provider.' },
          503: { ...errors[503], description: 'UNAVAILABLE: easypay could not be asked to confirm; it delivers again.' },
        },
      },
    },
    async (request, reply) => {
      const answer = await receiveWebhook(deps, 'easypay', request.params.clinicSlug, request.headers, request.body);
      request.log.info({ webhook: 'easypay', outcome: answer.outcome, ...(answer.paymentUid ? { payment: answer.paymentUid } : {}) }, 'payment notification');
      if (answer.status === 200) return reply.send({ received: true as const });
      if (answer.status === 401)
        throw new HttpError(401, 'UNAUTHORIZED', 'Wrong or missing credentials.', { 'WWW-Authenticate': 'Basic realm="front-desk-payments"' });
      if (answer.status === 400) throw new HttpError(400, 'INVALID_REQUEST', 'Not a notification we understand.');
      throw new HttpError(503, 'UNAVAILABLE', 'The payment could not be confirmed with the provider; deliver it again.', { 'Retry-After': '30' });
    },
  );
};

const CREATE_DESCRIPTION = `Write-before-call: the cloud records the payment under the caller's \`key\` (status \`creating\`) before it asks the provider, so a retry with the same key (after a timeout, a 503, a crash on either side) is the same payment and never a second charge; two requests with the same key at once make one provider call. The same key with another amount, method, phone or customer is refused (409 KEY_REUSED).

- **multibanco**: a reference (entity, 9 digits) for €1.00 or more, payable until \`expiresAt\` (default 3 days).
- **mbway**: a request to the patient's MB WAY app (a Portuguese mobile); they have 4 minutes to accept, then it is \`expired\`.

The answer is \`pending\` (201, or 200 for a retry); it becomes \`paid\`, \`failed\`, \`expired\` or \`cancelled\` through the provider's notifications and the cloud's reconciliation; read it with GET /v1/payments/{uid}.`;

const REFUND_DESCRIPTION = `A refund of at most what was paid and not refunded yet (refunds still being asked count), under its own \`key\` (a retry is the same refund; another amount under it is 409 KEY_REUSED). A Multibanco payment is paid back by transfer: \`bankAccount\` is required. The payment becomes \`partially_refunded\` or \`refunded\`.`;

const WEBHOOK_DESCRIPTION = `Set in easypay's back office as the clinic's generic notification URL, with the clinic's Basic credentials (\`npm run cloud:admin -- set-payment-provider\`). The body is never trusted for the state: the cloud reads the payment back from easypay (fetch-to-confirm) and applies what easypay says, once per notification (a duplicate or an older one arriving late changes nothing; a paid payment never goes back). 401 for wrong credentials (or an unknown clinic), 400 for a body that is not a notification, 200 otherwise, 503 when easypay could not be asked (it delivers again).`;
