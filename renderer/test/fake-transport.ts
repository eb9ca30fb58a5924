import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { ErrorCode } from '../../shared/contract/errors';
import { RpcError } from '../transport/rpc-error';
import type { Transport } from '../transport/transport';

type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type FakeHandlers = { [M in MethodName]?: Handler<M> };

/** A transport for store tests: handlers per method, a call log, and events emitted by hand. */
export function createFakeTransport(handlers: FakeHandlers = {}) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  const lostListeners = new Set<() => void>();
  const calls: Array<{ method: MethodName; input: unknown }> = [];
  let restarts = 0;

  const transport: Transport = {
    async call(method, input) {
      calls.push({ method, input });
      const handler = handlers[method] as Handler<typeof method> | undefined;
      if (!handler) throw new RpcError('UNKNOWN_METHOD', `no fake for ${method}`);
      return (await handler(input)) as never;
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const typed = listener as (payload: unknown) => void;
      set.add(typed);
      return () => set.delete(typed);
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
      restarts += 1;
    },
  };

  return {
    transport,
    handlers,
    calls,
    callsOf: (method: MethodName) => calls.filter((call) => call.method === method),
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    reconnect() {
      for (const listener of reconnectListeners) listener();
    },
    /** The push channel drops (the browser's event stream errored). */
    loseConnection() {
      for (const listener of lostListeners) listener();
    },
    get restarts() {
      return restarts;
    },
  };
}

export function fail(code: ErrorCode, details: Record<string, unknown> = {}): never {
  throw new RpcError(code, `fake ${code}`, details);
}

/** A promise resolved from outside: lets a test decide the order answers arrive in. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
