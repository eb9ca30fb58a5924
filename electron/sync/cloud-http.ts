import type { z } from 'zod';
import {
  changesEvent,
  errorResponse,
  joinCodeResponse,
  joinResponse,
  PULL_PAGE_MAX,
  pullResponse,
  pushResponse,
  type JoinCodeResponse,
  type JoinRequest,
  type JoinResponse,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../../shared/sync/cloud-api';
import { parseRetryAfter } from './retry';

/**
 * Why a request to the cloud failed. `retryable`: a network error, a timeout, 429 or 5xx
 * (the request may or may not have been applied: only idempotent requests are retried).
 */
export class CloudRequestError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'http' | 'invalid-response',
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    readonly retryAfterMs: number | null = null,
    /** With 410 CURSOR_EXPIRED: why (TOO_OLD, AHEAD, OTHER_DATABASE); null when not said. */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'CloudRequestError';
  }

  get isRetryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    // A body we cannot read came from something between us and the server, or a server mid-deploy.
    if (this.kind === 'invalid-response') return true;
    return this.status === 429 || (this.status !== null && this.status >= 500);
  }

  get isUnauthorised(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface CloudHttpOptions {
  baseUrl: string;
  /** '' for the one call made without a token (joining with a code). */
  token: string;
  fetch: typeof globalThis.fetch;
  /**
   * How long the cloud has to start answering a small request (a large push gets
   * {@link UPLOAD_ALLOWANCE_MS} more per 64 KiB it sends), and then again to finish the body.
   */
  timeoutMs: number;
  now: () => number;
  /** Aborts every request (the module closing). */
  signal?: AbortSignal;
}

/** The default of `timeoutMs`: a desk asking "sync now" of a cloud that swallows packets hears back within it. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** More time to start answering per 64 KiB of request body: a 500-change push over a slow uplink. */
export const UPLOAD_ALLOWANCE_MS = 1_000;

/**
 * A timeout that can be moved: one for the answer to start, another for its body, so a
 * server that swallows requests is given up on early and a long page that is arriving is not.
 */
class Deadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly signal = this.controller.signal;

  constructor(ms: number) {
    this.restart(ms);
  }

  restart(ms: number): void {
    this.clear();
    this.timer = setTimeout(() => this.controller.abort(new DOMException(`The cloud did not answer in ${ms} ms.`, 'TimeoutError')), ms);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The three calls of the cloud API the desk makes, parsed with the wire schemas both sides share. */
export class CloudHttp {
  private readonly base: string;

  constructor(private readonly options: CloudHttpOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  push(request: PushRequest): Promise<PushResponse> {
    return this.call('/v1/push', { method: 'POST', body: JSON.stringify(request) }, pushResponse);
  }

  /** One page of changes after `cursor` (null: from the beginning). */
  pull(cursor: string | null, limit = PULL_PAGE_MAX): Promise<PullResponse> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    return this.call(`/v1/changes?${query}`, { method: 'GET' }, pullResponse);
  }

  /** A one-time code for another desk to join with (POST /v1/join-codes); never retried: each call makes a code. */
  createJoinCode(): Promise<JoinCodeResponse> {
    return this.call('/v1/join-codes', { method: 'POST', body: '{}' }, joinCodeResponse);
  }

  /** A join code for this desk's own token (POST /v1/join, without a token). */
  join(request: JoinRequest): Promise<JoinResponse> {
    return this.call('/v1/join', { method: 'POST', body: JSON.stringify(request) }, joinResponse);
  }

  private async call<S extends z.ZodType>(path: string, init: RequestInit, schema: S): Promise<z.infer<S>> {
    const { timeoutMs } = this.options;
    const sending = typeof init.body === 'string' ? Buffer.byteLength(init.body) : 0;
    const deadline = new Deadline(timeoutMs + Math.floor(sending / 65_536) * UPLOAD_ALLOWANCE_MS);
    let response: Response;
    let body: unknown;
    try {
      response = await this.send(path, init, deadline.signal);
      deadline.restart(timeoutMs);
      try {
        body = await response.json();
      } catch (error) {
        if (isTimeout(error)) throw new CloudRequestError('timeout', `The cloud did not finish its answer in ${timeoutMs} ms.`);
        if (response.ok) throw new CloudRequestError('invalid-response', `The cloud answered ${path} with a body that is not JSON.`, response.status);
        body = null;
      }
    } finally {
      deadline.clear();
    }
    if (!response.ok) {
      const parsed = errorResponse.safeParse(body);
      throw new CloudRequestError(
        'http',
        parsed.success ? parsed.data.error.message : `The cloud answered ${response.status}.`,
        response.status,
        parsed.success ? parsed.data.error.code : null,
        parseRetryAfter(response.headers.get('retry-after'), this.options.now()),
        parsed.success ? (parsed.data.error.reason ?? null) : null,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new CloudRequestError('invalid-response', `The cloud's answer to ${path} does not follow the API.`, response.status);
    return parsed.data;
  }

  private async send(path: string, init: RequestInit, timeout: AbortSignal): Promise<Response> {
    const signal = this.options.signal;
    try {
      return await this.options.fetch(`${this.base}${path}`, {
        ...init,
        headers: {
          ...(this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {}),
          Accept: 'application/json',
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        },
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (error) {
      if (isTimeout(error)) throw new CloudRequestError('timeout', error instanceof Error ? error.message : 'The cloud did not answer in time.');
      throw new CloudRequestError('network', `The cloud could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Listens to the server's event stream until `signal` aborts or the stream ends (then it
   * resolves; the caller reconnects). Calls `onChanges` for every `changes` event.
   */
  async listen(signal: AbortSignal, onChanges: (seq: number) => void): Promise<void> {
    let response: Response;
    try {
      response = await this.options.fetch(`${this.base}/v1/events`, {
        headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'text/event-stream' },
        signal,
      });
    } catch (error) {
      throw new CloudRequestError('network', `The event stream could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new CloudRequestError('http', `The event stream answered ${response.status}.`, response.status);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        // Events end with a blank line; \r\n and \r are allowed line ends in SSE.
        buffer = buffer.replace(/\r\n?/g, '\n');
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const seq = parseChangesFrame(frame);
          if (seq !== null) onChanges(seq);
        }
        if (buffer.length > 65_536) buffer = '';
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }
}

/** The seq of a `changes` event frame, or null for anything else (comments, other events). */
export function parseChangesFrame(frame: string): number | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event !== 'changes' || data.length === 0) return null;
  try {
    const parsed = changesEvent.safeParse(JSON.parse(data.join('\n')));
    return parsed.success ? parsed.data.seq : null;
  } catch {
    return null;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.name === 'AbortError' && /timeout/i.test(error.message)));
}
