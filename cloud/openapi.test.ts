import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from '../shared/sync/cloud-api';

/**
 * docs/cloud-api/openapi.yaml is for people and other implementations; cloud-api.ts is
 * what the code parses with. This keeps the two saying the same thing.
 */
const document = load(readFileSync(new URL('../docs/cloud-api/openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema: Record<string, unknown> }>; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const schemas = document.components.schemas;

type Json = unknown;

function resolve(node: Json): Json {
  if (Array.isArray(node)) return node.map(resolve);
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, Json>;
  if (typeof object.$ref === 'string') {
    const target = schemas[object.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`dangling ${object.$ref}`);
    const { $ref: _ref, ...siblings } = object;
    return resolve({ ...target, ...siblings });
  }
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, resolve(value)]));
}

/** Drops what only one side writes (prose, formats, defaults), keeping every constraint. */
function normalise(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalise);
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(object)) {
    if (['description', 'example', 'examples', 'discriminator', '$schema', 'propertyNames', 'title'].includes(key) || key.startsWith('x-')) continue;
    // z.uuid() writes its exact pattern; the document says `format: uuid` and spells the versions out in prose.
    if (key === 'pattern' && object.format === 'uuid') continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'additionalProperties' && (value === true || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))) continue;
    out[key] = normalise(value);
  }
  return out;
}

const pairs: Array<[string, z.ZodType]> = [
  ['SpecialtyData', api.specialtyData],
  ['RoomData', api.roomData],
  ['PractitionerData', api.practitionerData],
  ['PatientData', api.patientData],
  ['AppointmentData', api.appointmentData],
  ['StaffData', api.staffData],
  ['ClinicData', api.clinicData],
  ['Mutation', api.mutation],
  ['PushRequest', api.pushRequest],
  ['ServerRow', api.serverRow],
  ['Clash', api.clash],
  ['MutationResult', api.mutationResult],
  ['PushResponse', api.pushResponse],
  ['Change', api.change],
  ['PullResponse', api.pullResponse],
  ['ErrorResponse', api.errorResponse],
  ['ChangesEvent', api.changesEvent],
  ['JoinCodeResponse', api.joinCodeResponse],
  ['JoinRequest', api.joinRequest],
  ['JoinResponse', api.joinResponse],
];

describe('openapi.yaml and cloud-api.ts', () => {
  for (const [name, schema] of pairs) {
    it(`${name} says what the zod schema says`, () => {
      expect(schemas[name], name).toBeDefined();
      expect(normalise(resolve(schemas[name]))).toEqual(normalise(z.toJSONSchema(schema)));
    });
  }

  it('names the active statuses, the page limit and every error code', () => {
    expect(schemas.AppointmentData!['x-active-statuses']).toEqual([...api.activeAppointmentStatuses]);
    const limit = document.paths['/v1/changes']!.get!.parameters!.find((parameter) => parameter.name === 'limit')!;
    expect(limit.schema.maximum).toBe(api.PULL_PAGE_MAX);
    expect(Object.keys(document.paths).sort()).toEqual(['/v1/changes', '/v1/events', '/v1/health', '/v1/join', '/v1/join-codes', '/v1/push']);
    const text = readFileSync(new URL('../docs/cloud-api/openapi.yaml', import.meta.url), 'utf8');
    for (const code of api.errorResponse.shape.error.shape.code.options) expect(text).toContain(`${code}:`);
  });
});
