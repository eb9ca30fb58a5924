import { createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { apiRegistry } from './api-docs';

/**
 * The generated OpenAPI document. fastify-type-provider-zod emits every registered schema
 * twice, as read (`XInput`) and as written (`X`); ours read and write the same, so each
 * pair that is equal becomes one component.
 */

type Json = unknown;

const schemaRef = (id: string) => `"#/components/schemas/${id}"`;

export function tidyOpenApi<T>(document: T): T {
  const schemas = (document as { components?: { schemas?: Record<string, Json> } }).components?.schemas ?? {};
  let text = JSON.stringify(document);
  const merged: string[] = [];
  for (const id of Object.keys(schemas)) {
    const base = id.replace(/Input$/, '');
    if (base === id || !(base in schemas)) continue;
    merged.push(id);
  }
  for (const id of merged) text = text.replaceAll(schemaRef(id), schemaRef(id.replace(/Input$/, '')));
  const tidy = JSON.parse(text) as { components: { schemas: Record<string, Json> } };
  for (const id of merged) {
    const base = id.replace(/Input$/, '');
    if (JSON.stringify(tidy.components.schemas[id]) !== JSON.stringify(tidy.components.schemas[base])) {
      throw new Error(`${id} and ${base} differ: name the input schema apart`);
    }
    delete tidy.components.schemas[id];
  }
  return tidy as T;
}

interface Operation {
  responses?: Record<string, { headers?: Record<string, unknown> }>;
}

const headers = {
  RequestId: {
    description:
      "The request's id: the caller's `X-Request-Id` when it sent a sane one (1–128 of `A–Z a–z 0–9 . _ : -`), else a new one. The server's log lines carry it.",
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
  WwwAuthenticate: { description: 'The scheme to authenticate with.', schema: { type: 'string', examples: ['Bearer realm="front-desk-cloud"'] } },
};
const header = (id: keyof typeof headers) => ({ $ref: `#/components/headers/${id}` });

/** The answers' headers, which the route schemas cannot carry: the request id on all, Retry-After and WWW-Authenticate where they come. */
export function withResponseHeaders<T>(document: T): T {
  const doc = document as { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };
  for (const operations of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        response.headers = {
          'X-Request-Id': header('RequestId'),
          ...(status === '429' || status === '503' ? { 'Retry-After': header('RetryAfter') } : {}),
          ...(status === '401' ? { 'WWW-Authenticate': header('WwwAuthenticate') } : {}),
        };
      }
    }
  }
  doc.components = { ...doc.components, headers };
  return document;
}

const withComponents = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });

/** @fastify/swagger's transformObject: the registry's schemas as components, pairs merged, the answers' headers. */
export const openApiTransformObject: typeof withComponents = (input) => withResponseHeaders(tidyOpenApi(withComponents(input)));
