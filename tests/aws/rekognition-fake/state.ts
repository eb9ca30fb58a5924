import type { FakeFace, FakeFailure, FakeOperation, FakeRequest, ForcedDetection, RekognitionFakeOptions } from './types';

/** The fake's memory (collections, the request log, pending failures) and what the operations share. */

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
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

export const FACE_MODEL_VERSION = '7.0';
export const ACCOUNT = '123456789012';

export type Body = Record<string, unknown>;

/** One operation: the request's body in, the answer's body out (or an AwsError thrown). */
export type Operation = (body: Body, req: FakeRequest) => unknown;
export type Operations = Record<FakeOperation, Operation>;

export interface FakeState {
  readonly options: RekognitionFakeOptions;
  readonly collections: Map<string, Collection>;
  log: FakeRequest[];
  failures: Map<string, FakeFailure & { remaining: number }>;
  latency: Map<string, number>;
  answerDelay: Map<string, number>;
  forced: ForcedDetection[];
}

export function createState(options: RekognitionFakeOptions): FakeState {
  const state: FakeState = { options, collections: new Map(), log: [], failures: new Map(), latency: new Map(), answerDelay: new Map(), forced: [] };
  for (const id of options.collections ?? []) addCollection(state, id);
  return state;
}

export function addCollection(state: FakeState, id: string): void {
  state.collections.set(id, { id, createdAt: Date.now(), faces: new Map(), users: new Map() });
}

/** Forgets every collection, face, user, request and pending failure. */
export function resetState(state: FakeState): void {
  state.collections.clear();
  for (const id of state.options.collections ?? []) addCollection(state, id);
  state.log = [];
  state.failures = new Map();
  state.latency = new Map();
  state.answerDelay = new Map();
  state.forced = [];
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
