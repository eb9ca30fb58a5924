import { createStore } from 'zustand/vanilla';
import type { DisplayCall, DisplayState } from '../../shared/display/display.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';

export interface DisplayStoreState {
  /** The last waiting-room view the host sent; kept on screen while the connection is down. */
  view: DisplayState | null;
  status: 'loading' | 'ready' | 'error';
  error: RpcError | null;
  /** False while the push channel is down: the screen says it is reconnecting. */
  isConnected: boolean;
  /** This screen's clock minus the host's, measured on the last view: the host's "now" is `Date.now() - clockOffsetMs`. */
  clockOffsetMs: number;

  /** Subscribes to the host's pushes and loads the view; returns the disconnect. */
  start(): () => void;
  refresh(): Promise<void>;
  /** Takes a view from the host (a push or a fetch), announcing a call that is new. */
  apply(view: DisplayState): void;
}

export interface DisplayStoreOptions {
  /** Plays the chime and speaks the call. Called once per `callId`. */
  announce(call: DisplayCall): void;
  /** The host refused this screen (token revoked, session gone): the pairing screen takes over. */
  onAccessLost?(error: RpcError): void;
  /** While the push channel is down (or the first load failed), fetch the view this often. */
  catchUpMs?: number;
  /**
   * A call older than this when it first reaches the screen (it was made while the screen
   * was offline) is shown but not announced: nobody waits for a call from minutes ago.
   */
  maxAnnounceAgeMs?: number;
}

/**
 * The waiting-room screen's state. The host pushes the whole view on every change
 * (`display.changed`), already reduced to what the clinic's privacy setting allows, so the
 * screen never asks for anything else. A new `callId` in `current` is announced once; the
 * call on screen when the page opens is shown but not announced.
 */
export function createDisplayStore(transport: Transport, options: DisplayStoreOptions) {
  const catchUpMs = options.catchUpMs ?? 5_000;
  const maxAnnounceAgeMs = options.maxAnnounceAgeMs ?? 2 * 60_000;
  const seen = new Set<string>();
  let catchUpTimer: ReturnType<typeof setInterval> | null = null;
  let isStarted = false;

  return createStore<DisplayStoreState>()((set, get) => {
    const updateCatchUp = () => {
      const { isConnected, status } = get();
      const needsCatchUp = isStarted && (!isConnected || status === 'error');
      if (needsCatchUp && !catchUpTimer) catchUpTimer = setInterval(() => void get().refresh(), catchUpMs);
      if (!needsCatchUp && catchUpTimer) {
        clearInterval(catchUpTimer);
        catchUpTimer = null;
      }
    };

    return {
      view: null,
      status: 'loading',
      error: null,
      isConnected: true,
      clockOffsetMs: 0,

      start() {
        isStarted = true;
        const off = [
          transport.subscribe('display.changed', (view) => {
            if (!get().isConnected) set({ isConnected: true });
            get().apply(view);
            updateCatchUp();
          }),
          transport.onConnectionLost(() => {
            set({ isConnected: false });
            updateCatchUp();
          }),
          transport.onReconnect(() => {
            set({ isConnected: true });
            updateCatchUp();
            void get().refresh();
          }),
        ];
        void get().refresh();
        return () => {
          isStarted = false;
          off.forEach((unsubscribe) => unsubscribe());
          updateCatchUp();
        };
      },

      async refresh() {
        try {
          const view = await transport.call('display.state', {});
          get().apply(view);
        } catch (error) {
          const rpcError = RpcError.from(error);
          if (rpcError.code === 'UNAUTHENTICATED' || rpcError.code === 'FORBIDDEN') options.onAccessLost?.(rpcError);
          // Whatever was on screen stays: an empty waiting room would be worse than a slightly old one.
          set((state) => ({ error: rpcError, status: state.view ? 'ready' : 'error' }));
        }
        updateCatchUp();
      },

      apply(view) {
        const previous = get().view;
        // A fetch that left before a push and arrives after it must not put older news back.
        if (previous && view.generatedAt < previous.generatedAt) return;
        const isFirst = previous === null;
        set({ view, status: 'ready', error: null, clockOffsetMs: Date.now() - view.generatedAt });
        const current = view.current;
        if (isFirst) {
          // Whatever is on screen when the page opens was announced before it opened.
          for (const call of [current, ...view.recentCalls]) if (call) seen.add(call.callId);
          return;
        }
        if (!current || seen.has(current.callId)) return;
        seen.add(current.callId);
        if (view.generatedAt - current.calledAt <= maxAnnounceAgeMs) options.announce(current);
      },
    };
  });
}

export type DisplayStore = ReturnType<typeof createDisplayStore>;

/** What the screen lays out: the call, the recent calls without it, the rows that fit and how many more wait. */
export interface DisplayLayout {
  current: DisplayCall | null;
  recent: DisplayCall[];
  waiting: DisplayState['waiting'];
  moreWaiting: number;
}

export const RECENT_SLOTS = 4;
export const WAITING_ROWS = 8;
/**
 * The host shows a call as "now calling" for five minutes; a screen that hears nothing new
 * for longer retires it by itself, so an old call does not stay up all afternoon.
 */
export const CURRENT_CALL_MAX_AGE_MS = 5 * 60_000;

/** `hostNow`: the host's clock as this screen estimates it (see `clockOffsetMs`). */
export function displayLayout(view: DisplayState, hostNow: number = view.generatedAt, slots = { recent: RECENT_SLOTS, waiting: WAITING_ROWS }): DisplayLayout {
  const isCurrent = view.current !== null && hostNow - view.current.calledAt <= CURRENT_CALL_MAX_AGE_MS;
  const current = isCurrent ? view.current : null;
  const calls = isCurrent || !view.current ? view.recentCalls : [view.current, ...view.recentCalls];
  const recent = [...calls]
    .sort((a, b) => b.calledAt - a.calledAt)
    // The call on the big panel is not repeated below it, nor older calls of the same ticket.
    .filter((call) => call.callId !== current?.callId && call.ticket !== current?.ticket)
    .filter((call, index, all) => all.findIndex((other) => other.ticket === call.ticket) === index)
    .slice(0, slots.recent);
  const waiting = view.waiting.slice(0, slots.waiting);
  return { current, recent, waiting, moreWaiting: view.waiting.length - waiting.length };
}
