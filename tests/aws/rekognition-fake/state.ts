import type { FakeFace, FakeFailure, FakeOperation, FakeRequest, ForcedDetection, RekognitionFakeOptions } from './types';

/** The fake's memory (collections, the request log, pending failures) and what the operations share. */

/**
 * Rekognition's server faults, by the SDK's model ($fault "server") and the developer guide's
 * error table (HTTP 5xx: InternalServerError, ThrottlingException): the SDK retries them.
 * Every other Rekognition error is a client fault, HTTP 400 (ProvisionedThroughputExceededException
 * included: 400, though the SDK retries it as throttling).
 */
const SERVER_FAULTS = new Set(['InternalServerError', 'ThrottlingException']);

export function statusOf(type: string): number {
  return SERVER_FAULTS.has(type) ? 500 : 400;
}

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = statusOf(type),
  ) {
    super(message);
  }
}

export interface Collection {
  id: string;
  createdAt: number;
  faces: Map<string, FakeFace & { signature: Float64Array }>;
  users: Map<string, { userId: string; faceIds: Set<string> }>;
}

/** A ClientRequestToken's first successful call: the same parameters get this answer again. */
export interface IdempotentCall {
  operation: string;
  parameters: string;
  answer: unknown;
  at: number;
}

export const FACE_MODEL_VERSION = '7.0';
export const ACCOUNT = '123456789012';

export type Body = Record<string, unknown>;

/** One operation: the request's body in, the answer's body out (or an AwsError thrown). */
export type Operation = (body: Body, req: FakeRequest) => unknown;
export type Operations = Record<FakeOperation, Operation>;

export interface FakeState {
  readonly options: RekognitionFakeOptions;
  /** Secret access key by access key id: the keys the fake accepts. */
  readonly secrets: ReadonlyMap<string, string>;
  /** The service's clock (ms): request timestamps, idempotency windows, the Date header. */
  readonly now: () => number;
  tokens: Map<string, IdempotentCall>;
  readonly collections: Map<string, Collection>;
  log: FakeRequest[];
  failures: Map<string, FakeFailure & { remaining: number }>;
  latency: Map<string, number>;
  answerDelay: Map<string, number>;
  forced: ForcedDetection[];
}

export function createState(options: RekognitionFakeOptions): FakeState {
  const state: FakeState = {
    options,
    secrets: new Map(options.credentials.map((c) => [c.accessKeyId, c.secretAccessKey])),
    now: options.now ?? Date.now,
    tokens: new Map(),
    collections: new Map(),
    log: [],
    failures: new Map(),
    latency: new Map(),
    answerDelay: new Map(),
    forced: [],
  };
  for (const id of options.collections ?? []) addCollection(state, id);
  return state;
}

export function addCollection(state: FakeState, id: string): void {
  state.collections.set(id, { id, createdAt: state.now(), faces: new Map(), users: new Map() });
}

/** Forgets every collection, face, user, request and pending failure. */
export function resetState(state: FakeState): void {
  state.collections.clear();
  state.tokens = new Map();
  for (const id of state.options.collections ?? []) addCollection(state, id);
  state.log = [];
  state.failures = new Map();
  state.latency = new Map();
  state.answerDelay = new Map();
  state.forced = [];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * ClientRequestToken, as CreateUser, DeleteUser and AssociateFaces document it: the same
 * token again gets the first call's answer, and the call does not act a second time. With
 * other parameters the token is refused (IdempotentParameterMismatchException, the developer
 * guide's error table). Only successes are remembered: a call that failed may be retried.
 */
export function idempotent(state: FakeState, operation: string, body: Body, run: () => unknown): unknown {
  const token = body.ClientRequestToken;
  if (typeof token !== 'string') return run();
  const { ClientRequestToken: _token, ...rest } = body;
  const parameters = canonical(rest);
  const key = `${operation}/${token}`;
  const now = state.now();
  const earlier = state.tokens.get(key);
  if (earlier && now - earlier.at <= (state.options.idempotencyWindowMs ?? DAY_MS)) {
    if (earlier.parameters !== parameters) {
      throw new AwsError('IdempotentParameterMismatchException', `The ClientRequestToken: ${token} you have supplied is already in use.`);
    }
    return earlier.answer;
  }
  const answer = run();
  state.tokens.set(key, { operation, parameters, answer, at: now });
  return answer;
}

/** JSON with object keys sorted: equal parameters, equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The collection the body names, or ResourceNotFoundException. */
export function collectionOf(state: FakeState, body: Body): Collection {
  const id = str(body, 'CollectionId');
  const found = state.collections.get(id);
  if (!found) throw new AwsError('ResourceNotFoundException', `The collection id: ${id} does not exist`);
  return found;
}

export function str(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0) throw new AwsError('InvalidParameterException', `Request has invalid parameters: ${key}`);
  return value;
}

export function strArray(body: Body, key: string): string[] {
  const value = body[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new AwsError('InvalidParameterException', `Request has invalid parameters: ${key}`);
  }
  return value as string[];
}
