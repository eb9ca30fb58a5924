import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { RpcResult } from '../../shared/contract/errors';
import './bridge';
import { RpcError, isErrorBody } from './rpc-error';

/**
 * How stores reach the main process. Two implementations with one shape: Electron IPC
 * through the preload's `window.frontDesk`, and HTTP + server-sent events for the browser
 * host. Tests pass their own.
 */
export interface Transport {
  /** Resolves with the method's output or rejects with an {@link RpcError}. */
  call<M extends MethodName>(method: M, input: MethodInput<M>, options?: CallOptions): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Called when the push channel comes back after a gap: whatever is on screen may be stale. */
  onReconnect(listener: () => void): () => void;
  /** Called when the push channel drops (the waiting-room display shows it is reconnecting); `onReconnect` follows once it is back. */
  onConnectionLost(listener: () => void): () => void;
  /** Reopens the push channel, e.g. after signing in (the browser stream is bound to the session cookie). */
  restart(): void;
}

export interface CallOptions {
  /**
   * Whether nobody made this call just now (a poll, a refresh after a push event, the status
   * check on load). Unset: background unless a person just clicked or pressed a key.
   */
  background?: boolean;
}

/**
 * Whether a call is background: only a person's calls keep the session from locking. The
 * browser's own record of a fresh user gesture (transient activation: a click or key press
 * in the last few seconds) decides, so polls and refreshes need no marking of their own;
 * where the browser cannot tell, the call is background, and the idle lock errs towards locking.
 */
export function isBackgroundCall(options?: CallOptions): boolean {
  if (options?.background !== undefined) return options.background;
  const activation = (globalThis.navigator as { userActivation?: { isActive?: boolean } } | undefined)?.userActivation;
  return activation?.isActive !== true;
}

function unwrap<T>(result: RpcResult<unknown>): T {
  if (result.ok) return result.value as T;
  throw RpcError.fromBody(result.error);
}

export function createIpcTransport(bridge: NonNullable<Window['frontDesk']>): Transport {
  return {
    async call(method, input, options) {
      try {
        return unwrap(await bridge.invoke(method, input ?? {}, { background: isBackgroundCall(options) }));
      } catch (error) {
        throw RpcError.from(error);
      }
    },
    subscribe(event, listener) {
      return bridge.on(event, (payload) => listener(payload as never));
    },
    // IPC does not drop: the window and the main process live and die together.
    onReconnect: () => () => {},
    onConnectionLost: () => () => {},
    restart: () => {},
  };
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function createHttpTransport(base = '/api'): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  const lostListeners = new Set<() => void>();
  let source: EventSource | null = null;
  let hasOpenedBefore = false;
  // A stream that failed before it ever opened (the host was down at start) also catches up once it opens.
  let wasLost = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const attach = (es: EventSource, event: string) => {
    es.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  };

  const open = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    source?.close();
    const es = new EventSource(`${base}/events`, { withCredentials: true });
    source = es;
    for (const event of listeners.keys()) attach(es, event);
    es.addEventListener('open', () => {
      retryMs = RETRY_MIN_MS;
      if (hasOpenedBefore || wasLost) for (const listener of reconnectListeners) listener();
      hasOpenedBefore = true;
      wasLost = false;
    });
    es.addEventListener('error', () => {
      if (source === es) {
        wasLost = true;
        for (const listener of lostListeners) listener();
      }
      // EventSource retries a dropped stream by itself, but gives up on an HTTP error
      // (401 before sign-in): then we retry, backing off.
      if (es.readyState !== EventSource.CLOSED || source !== es) return;
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  };

  return {
    async call(method, input, options) {
      let response: Response;
      try {
        response = await fetch(`${base}/rpc/${method}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-Front-Desk': '1', 'X-Front-Desk-Background': isBackgroundCall(options) ? '1' : '0' },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new RpcError('INTERNAL', 'Front Desk cannot be reached. Check the connection.', { offline: true });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new RpcError('INTERNAL', `Unexpected answer from the server (HTTP ${response.status}).`);
      }
      if (typeof body === 'object' && body !== null && 'ok' in body) {
        const result = body as RpcResult<unknown>;
        if (result.ok || isErrorBody(result.error)) return unwrap(result);
      }
      throw new RpcError('INTERNAL', `Unexpected answer from the server (HTTP ${response.status}).`);
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        if (source) attach(source, event);
      }
      const typed = listener as (payload: unknown) => void;
      set.add(typed);
      if (!source) open();
      return () => {
        set.delete(typed);
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    onConnectionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    restart() {
      if (listeners.size === 0) return;
      hasOpenedBefore = true;
      open();
    },
  };
}

/** IPC inside the Electron app, HTTP in a browser. */
export function createDefaultTransport(): Transport {
  return typeof window !== 'undefined' && window.frontDesk ? createIpcTransport(window.frontDesk) : createHttpTransport();
}

let shared: Transport | null = null;
function defaultTransport(): Transport {
  shared ??= createDefaultTransport();
  return shared;
}

/** Typed call over the default transport. Stores use their injected transport instead. */
export function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return defaultTransport().call(method, input);
}

export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return defaultTransport().subscribe(event, listener);
}
