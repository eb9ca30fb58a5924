import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DisplayCall, DisplayState } from '../../shared/display/display.contract';
import { createFakeTransport, deferred, fail, flush } from '../test/fake-transport';
import { createDisplayStore, displayLayout } from './display.store';

const T0 = Date.UTC(2030, 0, 7, 10, 0);

function call(callId: string, ticket: string, over: Partial<DisplayCall> = {}): DisplayCall {
  return { callId, ticket, displayName: 'Ana S.', roomName: 'Sala 3', calledAt: T0, language: 'pt', ...over };
}

function view(over: Partial<DisplayState> = {}): DisplayState {
  return {
    clinicName: 'Clínica Mar Azul',
    locale: 'pt',
    timeZone: 'Europe/Lisbon',
    day: '2030-01-07',
    privacy: 'firstNameLastInitial',
    generatedAt: T0,
    current: null,
    recentCalls: [],
    waiting: [],
    ...over,
  };
}

function setup(initial: DisplayState = view(), options: { catchUpMs?: number } = {}) {
  let answer: () => DisplayState = () => initial;
  const fake = createFakeTransport({ 'display.state': () => answer() });
  const announced: DisplayCall[] = [];
  const lost: string[] = [];
  const store = createDisplayStore(fake.transport, {
    announce: (c) => announced.push(c),
    onAccessLost: (error) => lost.push(error.code),
    ...options,
  });
  return { fake, store, announced, lost, answerWith: (next: () => DisplayState) => (answer = next) };
}

afterEach(() => vi.useRealTimers());

describe('display store', () => {
  it('shows the call present at load without announcing it, then announces each new call once', async () => {
    const { fake, store, announced } = setup(view({ current: call('c1', 'M-001') }));
    store.getState().start();
    await flush();
    expect(store.getState().view?.current?.ticket).toBe('M-001');
    expect(announced).toEqual([]);

    const second = view({ generatedAt: T0 + 1_000, current: call('c2', 'M-002', { calledAt: T0 + 1_000 }), recentCalls: [call('c1', 'M-001')] });
    fake.emit('display.changed', second);
    fake.emit('display.changed', { ...second, generatedAt: T0 + 2_000, waiting: [{ ticket: 'M-003', displayName: 'Rui P.', estimatedWaitMinutes: 5 }] });
    expect(announced.map((c) => c.callId)).toEqual(['c2']);

    // A recall of the same ticket is a new callId: announced again.
    fake.emit('display.changed', view({ generatedAt: T0 + 3_000, current: call('c3', 'M-002', { calledAt: T0 + 3_000 }) }));
    expect(announced.map((c) => c.callId)).toEqual(['c2', 'c3']);
    expect(store.getState().view?.generatedAt).toBe(T0 + 3_000);
  });

  it('never lets an older answer replace newer news', async () => {
    const { fake, store, announced } = setup(view());
    store.getState().start();
    await flush();
    const slow = deferred<DisplayState>();
    fake.handlers['display.state'] = () => slow.promise;
    const refreshing = store.getState().refresh();
    fake.emit('display.changed', view({ generatedAt: T0 + 5_000, current: call('c9', 'F-009', { calledAt: T0 + 5_000 }) }));
    slow.resolve(view({ generatedAt: T0 + 4_000 }));
    await refreshing;
    expect(store.getState().view?.current?.ticket).toBe('F-009');
    expect(announced).toHaveLength(1);
  });

  it('keeps the last view while the connection is down, says so, and catches up on reconnect', async () => {
    const { fake, store, answerWith } = setup(view({ current: call('c1', 'M-001') }));
    store.getState().start();
    await flush();
    const before = store.getState().view;

    fake.loseConnection();
    answerWith(() => fail('INTERNAL', { offline: true }));
    await store.getState().refresh();
    expect(store.getState().isConnected).toBe(false);
    expect(store.getState().view).toBe(before);
    expect(store.getState().status).toBe('ready');

    answerWith(() => view({ generatedAt: T0 + 60_000, current: call('c2', 'M-002', { calledAt: T0 + 30_000 }) }));
    const fetchesBefore = fake.callsOf('display.state').length;
    fake.reconnect();
    await flush();
    expect(fake.callsOf('display.state').length).toBe(fetchesBefore + 1);
    expect(store.getState().isConnected).toBe(true);
    expect(store.getState().view?.current?.ticket).toBe('M-002');
  });

  it('fetches the view now and then while the push channel is down, and stops once it is back', async () => {
    vi.useFakeTimers();
    const { fake, store } = setup(view(), { catchUpMs: 5_000 });
    store.getState().start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.callsOf('display.state')).toHaveLength(1);

    fake.loseConnection();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.callsOf('display.state')).toHaveLength(4);

    fake.reconnect();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fake.callsOf('display.state')).toHaveLength(5);
  });

  it('shows, but does not announce, a call made long before it reached the screen', async () => {
    const { fake, store, announced } = setup(view());
    store.getState().start();
    await flush();
    fake.emit('display.changed', view({ generatedAt: T0 + 10 * 60_000, current: call('old', 'A-004', { calledAt: T0 }) }));
    expect(store.getState().view?.current?.ticket).toBe('A-004');
    expect(announced).toEqual([]);
  });

  it('hands a refused screen back to pairing', async () => {
    const { store, lost, answerWith } = setup();
    answerWith(() => fail('UNAUTHENTICATED'));
    await store.getState().refresh();
    expect(lost).toEqual(['UNAUTHENTICATED']);
    expect(store.getState().status).toBe('error');
  });

  it('asks the host for nothing but the waiting-room view, and keeps exactly what it was given', async () => {
    const given = view({
      privacy: 'ticketOnly',
      current: call('c1', 'M-001', { displayName: '' }),
      waiting: [{ ticket: 'M-002', displayName: '', estimatedWaitMinutes: 12 }],
    });
    const { fake, store } = setup(given);
    const stop = store.getState().start();
    await flush();
    fake.emit('display.changed', { ...given, generatedAt: T0 + 1 });
    fake.reconnect();
    await flush();
    stop();
    expect(new Set(fake.calls.map((c) => c.method))).toEqual(new Set(['display.state']));
    expect(store.getState().view).toEqual({ ...given, generatedAt: T0 + 1 });
  });
});

describe('display layout', () => {
  it('puts the newest recent calls first, without the call on the big panel, in fixed slots', () => {
    const layout = displayLayout(
      view({
        current: call('c5', 'M-005'),
        recentCalls: [
          call('c3', 'M-003', { calledAt: T0 - 3 }),
          call('c5', 'M-005'),
          call('c4', 'M-004', { calledAt: T0 - 1 }),
          call('c2', 'M-002', { calledAt: T0 - 5 }),
          call('c1', 'M-001', { calledAt: T0 - 9 }),
          call('c0', 'M-000', { calledAt: T0 - 10 }),
        ],
        waiting: Array.from({ length: 11 }, (_, i) => ({ ticket: `F-0${10 + i}`, displayName: '', estimatedWaitMinutes: i * 5 })),
      }),
    );
    expect(layout.recent.map((c) => c.ticket)).toEqual(['M-004', 'M-003', 'M-002', 'M-001']);
    expect(layout.waiting).toHaveLength(8);
    expect(layout.moreWaiting).toBe(3);
  });

  it('retires a call nobody replaced after five minutes: the panel welcomes, the call joins the recent ones', () => {
    const state = view({ current: call('c5', 'M-005', { calledAt: T0 }), recentCalls: [call('c4', 'M-004', { calledAt: T0 - 60_000 })] });
    expect(displayLayout(state, T0 + 5 * 60_000).current?.ticket).toBe('M-005');
    const later = displayLayout(state, T0 + 5 * 60_000 + 1);
    expect(later.current).toBeNull();
    expect(later.recent.map((c) => c.ticket)).toEqual(['M-005', 'M-004']);
  });
});
