import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as payments from '../shared/payments/payments-api';
import * as api from '../shared/sync/cloud-api';
import { CLOUD_OPENAPI, renderCloudOpenApi } from './http/openapi-document';

/**
 * docs/cloud-api/openapi.json is generated from the server's routes (their zod schemas,
 * shared/sync/cloud-api.ts): this fails while the committed file is stale, and checks the
 * document says what the contract says.
 */
const fresh = await renderCloudOpenApi();
const document = JSON.parse(fresh) as {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Array<{ name: string; description?: string }>; responses: Record<string, { description: string; headers?: Record<string, unknown> }> }
    >
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const schemas = document.components.schemas;

describe('docs/cloud-api/openapi.json', () => {
  it('is what the server generates', () => {
    let committed = '';
    try {
      committed = readFileSync(CLOUD_OPENAPI, 'utf8');
    } catch {
      // missing: stale
    }
    expect(committed === fresh, 'docs/cloud-api/openapi.json is out of date: run `npm run docs:cloud-api` and commit the result').toBe(true);
  });

  it('renders the same twice', async () => {
    expect(await renderCloudOpenApi()).toBe(fresh);
  });

  it('has every endpoint, each answer described, and a component per wire schema', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/changes',
      '/v1/events',
      '/v1/health',
      '/v1/join',
      '/v1/join-codes',
      '/v1/payments',
      '/v1/payments/{uid}',
      '/v1/payments/{uid}/refunds',
      '/v1/portal/free-times',
      '/v1/push',
      '/v1/webhooks/easypay/{clinicSlug}',
    ]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.description, `${method} ${path} ${status}`).not.toMatch(/^(Default Response)?$/);
          expect(Object.keys(response.headers ?? {}), `${method} ${path} ${status}`).toContain('X-Request-Id');
          if (status === '429' || status === '503') expect(Object.keys(response.headers ?? {})).toContain('Retry-After');
        }
      }
    }
    const wire: Array<[string, z.ZodType]> = [
      ['PushRequest', api.pushRequest],
      ['PushResponse', api.pushResponse],
      ['PullResponse', api.pullResponse],
      ['ErrorResponse', api.errorResponse],
      ['ChangesEvent', api.changesEvent],
      ['JoinCodeResponse', api.joinCodeResponse],
      ['JoinRequest', api.joinRequest],
      ['JoinResponse', api.joinResponse],
      ['CreatePaymentRequest', payments.createPaymentRequest],
      ['RefundRequest', payments.refundRequest],
      ['Payment', payments.paymentView],
      ['Refund', payments.refundView],
      ['PaymentErrorResponse', payments.paymentErrorResponse],
      ...Object.entries(api.entityData).map(([entity, schema]): [string, z.ZodType] => [`${entity[0]!.toUpperCase()}${entity.slice(1)}Data`, schema]),
    ];
    for (const [name] of wire) expect(schemas[name], name).toBeDefined();
    // Generated in both directions, a read and a written schema that differed would need two names.
    expect(Object.keys(schemas).filter((name) => name.endsWith('Input'))).toEqual([]);
  });

  it('names the active statuses, the page limit and every error code', () => {
    expect(schemas.AppointmentData!['x-active-statuses']).toEqual([...api.activeAppointmentStatuses]);
    const limit = document.paths['/v1/changes']!.get!.parameters!.find((parameter) => parameter.name === 'limit')!;
    expect(limit.description).toContain(String(api.PULL_PAGE_MAX));
    const error = schemas.ErrorResponse as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(error.properties.error.properties.code.enum).toEqual(api.errorResponse.shape.error.shape.code.options);
  });
});
