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

const withComponents = createJsonSchemaTransformObject({ schemaRegistry: apiRegistry });

/** @fastify/swagger's transformObject: the registry's schemas as components, pairs merged. */
export const openApiTransformObject: typeof withComponents = (input) => tidyOpenApi(withComponents(input));
