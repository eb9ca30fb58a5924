import { errorResponse, pullResponse, pushResponse, type Change, type Mutation, type PullResponse, type PushResponse } from '../shared/sync/cloud-api';

/**
 * A minimal typed client of the cloud API, for the booking script and the tests. (Front
 * Desk's own client, with its outbox and retries, lives in electron/sync.)
 */
export class CloudApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export interface CloudClient {
  push(clientId: string, mutations: Mutation[]): Promise<PushResponse>;
  pull(cursor: string | null, limit?: number): Promise<PullResponse>;
  /** Every page until hasMore is false. */
  pullAll(cursor?: string | null, limit?: number): Promise<{ changes: Change[]; cursor: string }>;
}

export function cloudClient(baseUrl: string, token: string): CloudClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call(path: string, init: RequestInit = {}): Promise<unknown> {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = errorResponse.safeParse(body);
      throw new CloudApiError(
        response.status,
        parsed.success ? parsed.data.error.code : 'UNKNOWN',
        parsed.success ? parsed.data.error.message : response.statusText,
      );
    }
    return body;
  }
  const client: CloudClient = {
    push: async (clientId, mutations) => pushResponse.parse(await call('/v1/push', { method: 'POST', body: JSON.stringify({ clientId, mutations }) })),
    pull: async (cursor, limit) => {
      const query = new URLSearchParams();
      if (cursor) query.set('cursor', cursor);
      if (limit) query.set('limit', String(limit));
      return pullResponse.parse(await call(`/v1/changes?${query}`));
    },
    pullAll: async (cursor = null, limit) => {
      const changes: Change[] = [];
      let at = cursor;
      for (;;) {
        const page = await client.pull(at, limit);
        changes.push(...page.changes);
        at = page.cursor;
        if (!page.hasMore) return { changes, cursor: page.cursor };
      }
    },
  };
  return client;
}

/** The latest rows by entity and uid, from changes in seq order (tombstones remove). */
export function replay(changes: readonly Change[], into = new Map<string, Change>()): Map<string, Change> {
  for (const change of changes) {
    const key = `${change.entity}:${change.uid}`;
    if (change.deleted) into.delete(key);
    else into.set(key, change);
  }
  return into;
}
