import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpTransport, createIpcTransport } from './transport';
import { RpcError } from './rpc-error';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown) {
  const fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('HTTP transport', () => {
  it('posts JSON with the CSRF header and returns the value', async () => {
    const fetchMock = stubFetch(200, { ok: true, value: { results: [] } });
    const transport = createHttpTransport('/api');
    await expect(transport.call('patients.search', { query: 'ana' })).resolves.toEqual({ results: [] });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/rpc/patients.search');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Front-Desk': '1' });
    expect(JSON.parse(String(init.body))).toEqual({ query: 'ana' });
  });

  it('throws a typed RpcError with the code and details of a failure', async () => {
    stubFetch(409, { ok: false, error: { code: 'SLOT_TAKEN', message: 'taken', details: { nextFree: [] } } });
    const error = await createHttpTransport('/api')
      .call('appointments.cancel', { id: 1, reason: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'SLOT_TAKEN', message: 'taken', details: { nextFree: [] } });
  });

  it('turns a network failure or a foreign answer into INTERNAL', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(createHttpTransport('/api').call('settings.get', {})).rejects.toMatchObject({ code: 'INTERNAL', details: { offline: true } });
    stubFetch(502, { hello: 'proxy' });
    await expect(createHttpTransport('/api').call('settings.get', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('HTTP event stream', () => {
  /** Enough of EventSource to drive the transport: listeners by type, and a hand on readyState. */
  class FakeEventSource {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    static last: FakeEventSource | null = null;
    readyState = FakeEventSource.CONNECTING;
    private readonly listeners = new Map<string, Array<(event: unknown) => void>>();
    constructor(readonly url: string) {
      FakeEventSource.last = this;
    }
    addEventListener(type: string, listener: (event: unknown) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    close() {
      this.readyState = FakeEventSource.CLOSED;
    }
    fire(type: 'open' | 'error') {
      this.readyState = type === 'open' ? FakeEventSource.OPEN : FakeEventSource.CONNECTING;
      for (const listener of this.listeners.get(type) ?? []) listener({});
    }
  }

  it('says when the stream drops and when it is back, even if it failed before it ever opened', () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const transport = createHttpTransport('/api');
    const seen: string[] = [];
    transport.onConnectionLost(() => seen.push('lost'));
    transport.onReconnect(() => seen.push('back'));
    transport.subscribe('display.changed', () => {});
    const stream = FakeEventSource.last!;
    stream.fire('error');
    stream.fire('open');
    stream.fire('error');
    stream.fire('open');
    expect(seen).toEqual(['lost', 'back', 'lost', 'back']);
  });

  it('does not call a first, clean opening a reconnect', () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const transport = createHttpTransport('/api');
    const seen: string[] = [];
    transport.onReconnect(() => seen.push('back'));
    transport.subscribe('display.changed', () => {});
    FakeEventSource.last!.fire('open');
    expect(seen).toEqual([]);
  });
});

describe('IPC transport', () => {
  it('unwraps the bridge’s RpcResult and forwards events', async () => {
    const listeners: Array<(payload: unknown) => void> = [];
    const transport = createIpcTransport({
      invoke: async (method) =>
        method === 'settings.get' ? { ok: true, value: { clinicName: 'Sol' } } : { ok: false, error: { code: 'FORBIDDEN', message: 'no' } },
      on: (_event, listener) => {
        listeners.push(listener);
        return () => {};
      },
    });
    await expect(transport.call('settings.get', {})).resolves.toEqual({ clinicName: 'Sol' });
    await expect(transport.call('staff.list', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const seen: unknown[] = [];
    transport.subscribe('practice.changed', (payload) => seen.push(payload));
    listeners[0]?.({});
    expect(seen).toEqual([{}]);
  });
});
