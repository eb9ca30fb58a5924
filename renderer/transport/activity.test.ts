import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueueStore } from '../queue/queue.store';
import { createSessionStore } from '../auth/session.store';
import { createHttpTransport, createIpcTransport } from './transport';

/**
 * The main process counts only a person's calls as activity for the idle lock (issue 11,
 * Medium 4): every call says whether a person made it, and only a fresh user gesture (or a
 * caller that says so) makes it a person's.
 */

afterEach(() => vi.unstubAllGlobals());

function stubFetch(value: unknown = {}) {
  const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ok: true, value }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function backgroundHeaders(fetchMock: ReturnType<typeof stubFetch>): string[] {
  return fetchMock.mock.calls.map((args) => {
    const init = (args as unknown as [string, RequestInit])[1];
    return (init.headers as Record<string, string>)['X-Front-Desk-Background']!;
  });
}

function userActivation(isActive: boolean) {
  vi.stubGlobal('navigator', { ...globalThis.navigator, userActivation: { isActive, hasBeenActive: isActive } });
}

describe('which calls are a person’s', () => {
  it('marks a call background unless a person just acted (a click or a key press)', async () => {
    const fetchMock = stubFetch();
    const transport = createHttpTransport('/api');
    userActivation(false);
    await transport.call('settings.get', {});
    userActivation(true);
    await transport.call('settings.get', {});
    expect(backgroundHeaders(fetchMock)).toEqual(['1', '0']);
  });

  it('marks a call background where the browser cannot tell (fails closed)', async () => {
    const fetchMock = stubFetch();
    vi.stubGlobal('navigator', {});
    await createHttpTransport('/api').call('settings.get', {});
    expect(backgroundHeaders(fetchMock)).toEqual(['1']);
  });

  it('lets a caller say explicitly whose call it is', async () => {
    const fetchMock = stubFetch();
    userActivation(false);
    const transport = createHttpTransport('/api');
    await transport.call('auth.status', {}, { background: false });
    userActivation(true);
    await transport.call('auth.status', {}, { background: true });
    expect(backgroundHeaders(fetchMock)).toEqual(['0', '1']);
  });

  it('passes the mark over IPC', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: {} }));
    const transport = createIpcTransport({ invoke, on: () => () => {} });
    userActivation(false);
    await transport.call('settings.get', {});
    expect(invoke).toHaveBeenCalledWith('settings.get', {}, { background: true });
  });

  it("sends the queue view's poll as a background call", async () => {
    const fetchMock = stubFetch({ practitioners: [], entries: [] });
    userActivation(false);
    const store = createQueueStore(createHttpTransport('/api'), () => '2025-03-03');
    await store.getState().load({ quiet: true });
    expect(fetchMock).toHaveBeenCalled();
    expect(new Set(backgroundHeaders(fetchMock))).toEqual(new Set(['1']));
  });

  it('sends the status check on load in the background, and the input heartbeat as a person’s', async () => {
    const fetchMock = stubFetch({ isSetUp: true, staff: null, isLocked: false, locale: 'en', idleLockMinutes: 10 });
    userActivation(false);
    const session = createSessionStore(createHttpTransport('/api'));
    await session.getState().load();
    expect(backgroundHeaders(fetchMock)).toEqual(['1']);
    session.setState({ phase: 'signedIn', isLocked: false });
    await session.getState().heartbeat();
    expect(backgroundHeaders(fetchMock)).toEqual(['1', '0']);
  });
});
