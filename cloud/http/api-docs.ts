import { z } from 'zod';
import * as api from '../../shared/sync/cloud-api';
import * as portal from '../../shared/portal/portal-api';

/**
 * What the generated OpenAPI document says beyond the schemas' constraints: component names
 * and descriptions (in a registry of our own, so shared/ stays free of doc metadata and the
 * global registry untouched), the query and health schemas, and the prose of each route.
 */

interface Meta {
  id?: string;
  description?: string;
  [key: string]: unknown;
}

export const apiRegistry = z.registry<Meta>();

const components: Array<[string, z.ZodType, string?]> = [
  ['Uid', api.uid, 'An RFC 9562 UUID (version 1–8, RFC variant), or the nil or max UUID: names a row, made where the row was created.'],
  ['SyncEntity', api.syncEntity],
  ['SpecialtyData', api.specialtyData],
  ['RoomData', api.roomData],
  ['PractitionerData', api.practitionerData, 'References (`defaultRoomUid`, `specialtyUids`) must be live rows on the server when written.'],
  ['PatientData', api.patientData],
  [
    'AppointmentData',
    api.appointmentData,
    '`[startsAt, endsAt)`, which must end after it starts and last at most 12 hours. An appointment whose status is one of `x-active-statuses` holds its slot: the server refuses one that overlaps another active appointment of the same practitioner, or of the same room (touching is not overlapping). References must be live rows.',
  ],
  [
    'StaffData',
    api.staffData,
    "A member of staff's account, the same on every desk. The password travels only as the hash the desks store (scrypt, with its salt and cost): staff sign in offline on any desk. Per-desk state (failed attempts, lockouts, sessions) never travels. Usernames are unique among live accounts, case aside. Accounts are disabled, never deleted. `practitionerUid` must be a live practitioner when written.",
  ],
  [
    'ClinicData',
    api.clinicData,
    "The clinic-wide settings: one row, uid `00000000-0000-4000-8000-000000000001`, never deleted. What belongs to one desk (the names its host answers to, its screens, its secrets) is not here. Two desks that each send it as new (`baseVersion: null`): the second gets a conflict, and takes the server's.",
  ],
  [
    'HolidayData',
    api.holidayData,
    "A day the whole clinic is closed (the clinic's calendar day). Its uid is the day's: `00000000-0000-4000-8001-0000` then the day's eight digits (`…000020301225` for 2030-12-25); the server refuses any other. Two desks that list the same day send the same uid: the second gets a conflict with equal data, and takes the server's version. Never deleted: a day that is no longer a holiday is kept with `isActive: false`.",
  ],
  [
    'Mutation',
    api.mutation,
    "One local change, as the client's outbox keeps it. `mutationId` is made by the client once and kept across retries: the server's idempotency key.",
  ],
  ['PushRequest', api.pushRequest, 'A batch of mutations (1 to 500), applied in order, each on its own.'],
  ['ServerRow', api.serverRow, 'A row as the server holds it now.'],
  ['Clash', api.clash, 'The active appointment an appointment would overlap.'],
  ['MutationResult', api.mutationResult, 'What became of one mutation: applied, conflict or rejected.'],
  ['PushResponse', api.pushResponse, 'One result per mutation, in the order sent.'],
  ['Change', api.change, 'A row at its latest version, with the seq of its latest change.'],
  ['PullResponse', api.pullResponse, 'A page of changes, oldest first.'],
  [
    'ErrorResponse',
    api.errorResponse,
    'Every error body. The status says whether to retry: 429 and 5xx (and network failures) are retried with backoff, honouring `Retry-After`; other 4xx are not. 410 CURSOR_EXPIRED: pull again without a cursor; `reason` says why.',
  ],
  ['FreeTime', portal.freeTime, 'A time a patient may book: the practitioner, their room, and when.'],
  ['FreeTimesResponse', portal.freeTimesResponse, 'Free times, with the window the clinic takes online bookings in.'],
  ['ChangesEvent', api.changesEvent, 'The data of an `event: changes` on /v1/events: the latest seq.'],
  ['JoinCodeResponse', api.joinCodeResponse, 'A one-time code another desk joins the clinic with.'],
  ['JoinRequest', api.joinRequest, 'A join code, as typed, and how the cloud should name the new desk.'],
  ['JoinResponse', api.joinResponse, "The new desk's bearer token (shown once; the cloud keeps only its hash)."],
];
for (const [id, schema, description] of components) {
  const extra = schema === api.appointmentData ? { 'x-active-statuses': [...api.activeAppointmentStatuses] } : {};
  apiRegistry.add(schema, { id, ...(description ? { description } : {}), ...extra });
}

// Field descriptions the shared schemas carry only as comments.
const fields: Array<[z.ZodType, string]> = [
  [api.mutation.shape.baseVersion, 'The server version the change was made on; null for a row the server has never seen.'],
  [api.mutation.shape.data, "The whole row after the change (validated with its entity's schema); null for a delete."],
  [api.pushRequest.shape.clientId, "Which desk is pushing (for the server's log and `origin`)."],
  [api.change.shape.seq, "The server's change sequence: strictly increasing, one per applied change."],
  [api.pullResponse.shape.cursor, 'Pass back as `cursor`; stays the same when there was nothing new.'],
  [api.joinRequest.shape.code, 'As typed: case, spaces and the dash do not matter.'],
  [api.joinRequest.shape.deskName, "How the cloud's records name the new desk."],
  [api.joinCodeResponse.shape.code, '`XXXXX-XXXXX`, Crockford base32.'],
];
for (const [schema, description] of fields) apiRegistry.add(schema, { description });

export const DEFAULT_PAGE = 500;

const cursorParameter = z.string().max(200).optional();
const limitParameter = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, `limit must be an integer from 1 to ${api.PULL_PAGE_MAX}.`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(api.PULL_PAGE_MAX))
  .optional();
apiRegistry.add(cursorParameter, { description: 'Opaque; exactly as returned by the previous page. Absent or empty for a full snapshot.' });
apiRegistry.add(limitParameter, { description: `Most changes in this page: an integer from 1 to ${api.PULL_PAGE_MAX} (default ${DEFAULT_PAGE}).` });

/** GET /v1/changes' query: a parameter not named here, or named twice, is refused. */
export const pullQuery = z.strictObject({ cursor: cursorParameter, limit: limitParameter });

export const healthResponse = z.strictObject({
  status: z.literal('ok'),
  version: z.string(),
  database: z.literal('ok'),
});
export const healthUnavailable = z.strictObject({
  status: z.literal('unavailable'),
  version: z.string(),
  database: z.literal('unreachable'),
});
apiRegistry.add(healthResponse, { id: 'Health', description: 'The server is up and its database answers.' });
apiRegistry.add(healthUnavailable, { id: 'HealthUnavailable', description: 'The server is up but its database does not answer.' });

export const errorAnswer = (description: string) => ({ description, content: { 'application/json': { schema: api.errorResponse } } });

/** The error answers, by status, as the document describes them. */
export const errors = {
  400: errorAnswer(
    'INVALID_REQUEST: not JSON, not UTF-8, not this schema (e.g. an empty or oversized batch, a mutationId that is no UUID), an unknown query parameter, a cursor this API never handed out. Also used with 404 and 405 for unknown endpoints and methods. Not retried.',
  ),
  401: errorAnswer(
    'UNAUTHORIZED: no valid bearer token (`WWW-Authenticate: Bearer`). The desk shows "sign in again" and stops retrying until the token changes.',
  ),
  403: errorAnswer(
    'FORBIDDEN: the token is valid but may not use this endpoint (for one mutation the token may not make, the push answers 200 with that mutation rejected FORBIDDEN instead).',
  ),
  410: errorAnswer(
    'CURSOR_EXPIRED: the server cannot serve changes after this cursor any more. Pull again without a cursor (a full resync); `reason` says why.',
  ),
  413: errorAnswer('PAYLOAD_TOO_LARGE: the body is over the limit (5 MiB on the reference server). Send smaller batches.'),
  415: errorAnswer('INVALID_REQUEST: the body is not `application/json` (UTF-8).'),
  429: errorAnswer('RATE_LIMITED: too many requests (per token, or per address without one). Retry after `Retry-After` seconds.'),
  500: errorAnswer(
    'INTERNAL: the server failed. Retried with backoff; a push may or may not have been applied, and its replay (same mutation ids) settles which.',
  ),
  503: errorAnswer('UNAVAILABLE: overloaded, in maintenance, or the database is busy. Retry after `Retry-After` seconds.'),
} as const;

export const API_DESCRIPTION = `The wire contract between Front Desk (the desktop app at each reception desk), the clinic's patient portal, and the clinic's cloud. Generated from the zod schemas in \`shared/sync/cloud-api.ts\`, which both Front Desk and the reference server (\`cloud/\`) parse with. The reasoning (idempotency, versions, overlap refusal, tombstones, cursors, and how to run it on an API gateway, a serverless function and a managed database) is in \`docs/cloud-api/README.md\`.

Conventions:
- Rows are named by \`uid\` (an RFC 9562 UUID, made where the row was created); references between rows are uids too. Instants are integer milliseconds since the Unix epoch (UTC), up to the year 2200. Every body is JSON (UTF-8); unknown properties are refused.
- A row's \`version\` starts at 1 and goes up by exactly 1 with each applied change. Once tombstones have been purged, a new row starts above the highest version any purged tombstone had: a uid deleted, purged and created again never comes back with a version a client already holds.
- Every error body is an \`ErrorResponse\` with a stable \`code\`; the HTTP status says whether to retry: 429 and 5xx (and network failures) are retried with backoff, honouring \`Retry-After\`; other 4xx are not.
- Every answer carries \`X-Request-Id\` (the caller's, when it sent a sane one): quote it when reporting a problem.`;

export const BEARER_DESCRIPTION = `\`Authorization: Bearer <token>\`: an access token from the clinic's identity provider (the gateway verifies it), a static token of the reference server (\`--token\`, \`--portal-token\`), or a desk's own token from a join code. Two kinds of principal: a front desk (may push and pull everything of its clinic) and the patient portal (may create patients and online bookings, and pull everything but patients, staff and the clinic's settings). A missing, malformed, unknown or revoked token gets 401 with \`WWW-Authenticate: Bearer\`.`;
