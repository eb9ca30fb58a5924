import { createStore } from 'zustand/vanilla';
import type { FaceCheckInResult } from '../../shared/faces/faces.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';
import { COOLDOWN_AFTER_CHECK_IN_MS, MIN_SEND_INTERVAL_MS, decide, type FrameStats, type FrameThresholds, type FrameVerdict } from './frame-check';

/** What the start screen says under the camera. */
export type KioskFaceHint = 'lookAtCamera' | 'comeCloser';

export interface KioskFaceState {
  /** Whether the host offers face check-in at all (unknown until asked). */
  availability: 'unknown' | 'on' | 'off';
  isInFlight: boolean;
  lastSentAt: number | null;
  /** No request before this time: after a check-in or a fallback, or when the host asked to slow down. */
  quietUntil: number;
  hint: KioskFaceHint;
  /** Requests sent since the store was made (for the screen's data attributes and tests). */
  sentCount: number;

  loadAvailability(): Promise<void>;
  /**
   * One sampled camera frame. Returns the verdict; on 'send', `capture` makes the JPEG and it
   * is sent. `stats` is computed only when the time rules allow a request at all.
   */
  offer(frame: { stats: () => FrameStats; capture: () => Promise<string> }): FrameVerdict;
  dispose(): void;
}

export interface KioskFaceStoreOptions {
  now?: () => number;
  /** A result to show: a check-in, a desk outcome, or the fallback. Returns whether it was shown. */
  onResult(result: FaceCheckInResult): boolean;
  onAccessLost?(error: RpcError): void;
  minIntervalMs?: number;
  cooldownMs?: number;
  /** The kiosk never waits longer than this for an answer; then it falls back. */
  answerTimeoutMs?: number;
  thresholds?: FrameThresholds;
}

class AnswerTimeout extends Error {}

/**
 * The kiosk's face check-in: decides which frames leave the kiosk (never more than one
 * request at a time, at most one every 2 s, a cooldown after a check-in), sends them, and
 * hands the answer to the kiosk's result screens. Frames are sent and forgotten.
 */
export function createKioskFaceStore(transport: Transport, options: KioskFaceStoreOptions) {
  const now = options.now ?? (() => Date.now());
  const cooldownMs = options.cooldownMs ?? COOLDOWN_AFTER_CHECK_IN_MS;
  const answerTimeoutMs = options.answerTimeoutMs ?? 12_000;
  let generation = 0;

  return createStore<KioskFaceState>()((set, get) => {
    const answer = async (image: string): Promise<FaceCheckInResult> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AnswerTimeout()), answerTimeoutMs);
      });
      try {
        return await Promise.race([transport.call('kiosk.faceCheckIn', { image }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    };

    const settle = (result: FaceCheckInResult) => {
      if (result.outcome === 'notRecognised' && result.reason === 'noFace') {
        // Rekognition saw no usable face although the frame looked like one: keep looking, say how.
        set({ hint: 'comeCloser' });
        return;
      }
      if (result.outcome === 'notRecognised' && result.reason === 'off') {
        set({ availability: 'off', hint: 'lookAtCamera' });
        return;
      }
      // A check-in, a desk outcome or the fallback: the same person must not be sent again at once.
      set({ quietUntil: now() + cooldownMs, hint: 'lookAtCamera' });
      options.onResult(result);
    };

    const send = async (capture: () => Promise<string>, ticket: number) => {
      let image: string;
      try {
        image = await capture();
      } catch {
        // A frame that cannot be encoded small enough: skip it, the next one may do.
        if (ticket === generation) set({ isInFlight: false, lastSentAt: null });
        return;
      }
      if (ticket !== generation) return;
      set((state) => ({ sentCount: state.sentCount + 1 }));
      let result: FaceCheckInResult;
      try {
        result = await answer(image);
      } catch (error) {
        if (ticket !== generation) return;
        set({ isInFlight: false });
        if (error instanceof AnswerTimeout) {
          settle({ outcome: 'notRecognised', reason: 'unavailable' });
          return;
        }
        const rpcError = RpcError.from(error);
        if (rpcError.code === 'UNAUTHENTICATED' || rpcError.code === 'FORBIDDEN') {
          options.onAccessLost?.(rpcError);
          return;
        }
        if (rpcError.code === 'RATE_LIMITED') {
          const retry = rpcError.details.retryAfterSeconds;
          set({ quietUntil: now() + (typeof retry === 'number' && retry > 0 ? retry * 1000 : cooldownMs) });
          return;
        }
        if (rpcError.code === 'FACE_CHECKIN_OFF') {
          set({ availability: 'off' });
          return;
        }
        settle({ outcome: 'notRecognised', reason: 'unavailable' });
        return;
      }
      if (ticket !== generation) return;
      set({ isInFlight: false });
      settle(result);
    };

    return {
      availability: 'unknown',
      isInFlight: false,
      lastSentAt: null,
      quietUntil: 0,
      hint: 'lookAtCamera',
      sentCount: 0,

      async loadAvailability() {
        try {
          const { faceCheckIn } = await transport.call('faces.availability', {});
          set({ availability: faceCheckIn ? 'on' : 'off' });
        } catch (error) {
          const rpcError = RpcError.from(error);
          if (rpcError.code === 'UNAUTHENTICATED' || rpcError.code === 'FORBIDDEN') options.onAccessLost?.(rpcError);
          // Face check-in is an extra: when the host cannot say, the kiosk offers the other check-in.
          set({ availability: 'off' });
        }
      },

      offer(frame) {
        const state = get();
        if (state.availability !== 'on') return 'nobody';
        const at = now();
        const verdict = decide(
          {
            now: at,
            lastSentAt: state.lastSentAt,
            isInFlight: state.isInFlight,
            quietUntil: state.quietUntil,
            minIntervalMs: options.minIntervalMs ?? MIN_SEND_INTERVAL_MS,
          },
          frame.stats,
          options.thresholds,
        );
        if (verdict !== 'send') return verdict;
        set({ isInFlight: true, lastSentAt: at });
        void send(frame.capture, generation);
        return verdict;
      },

      dispose() {
        // An answer still on its way belongs to a screen that is gone.
        generation += 1;
        set({ isInFlight: false, hint: 'lookAtCamera' });
      },
    };
  });
}

export type KioskFaceStore = ReturnType<typeof createKioskFaceStore>;
