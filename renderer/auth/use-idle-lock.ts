import { useEffect } from 'react';
import { useSession, useSessionStore } from '../stores/stores';

const CHECK_MS = 5_000;
const HEARTBEAT_MS = 60_000;
const activity = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Locks the screen after the clinic's idle time without mouse or keyboard input. While the
 * user is active, a heartbeat tells the main process too, so a long form being typed does
 * not find the session locked on save.
 */
export function useIdleLock() {
  const store = useSessionStore();
  const minutes = useSession((state) => state.settings?.idleLockMinutes ?? state.status?.idleLockMinutes ?? 10);
  const isActive = useSession((state) => state.phase === 'signedIn' && !state.isLocked);

  useEffect(() => {
    if (!isActive) return undefined;
    let lastInputAt = Date.now();
    let lastBeatAt = Date.now();
    const onInput = () => {
      lastInputAt = Date.now();
    };
    for (const type of activity) window.addEventListener(type, onInput, { passive: true, capture: true });
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - lastInputAt >= minutes * 60_000) {
        store.getState().lock();
        return;
      }
      if (lastInputAt > lastBeatAt && now - lastBeatAt >= HEARTBEAT_MS) {
        lastBeatAt = now;
        void store.getState().heartbeat();
      }
    }, CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const type of activity) window.removeEventListener(type, onInput, { capture: true });
    };
  }, [isActive, minutes, store]);
}
