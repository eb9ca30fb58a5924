import { createStore } from 'zustand/vanilla';
import type { RpcError } from '../transport/rpc-error';
import { formatHash, parseHash, type Route } from './routes';

export type ToastTone = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
  /** Optional secondary line (e.g. the patient and time of a booking). */
  detail?: string;
}

/** Things other screens ask to focus, e.g. the `/` shortcut asks for the patient search box. */
export type FocusTarget = 'patientSearch' | 'patientDetail' | 'main' | 'addScreen' | 'syncPanel';

export interface UiState {
  route: Route;
  toasts: Toast[];
  isPaletteOpen: boolean;
  isShortcutSheetOpen: boolean;
  focusRequest: { target: FocusTarget; seq: number } | null;

  navigate(route: Route, options?: { replace?: boolean }): void;
  /** Follows the browser's Back/Forward (hashchange). */
  syncFromHash(hash: string): void;
  toast(tone: ToastTone, message: string, detail?: string): number;
  dismissToast(id: number): void;
  /** Failed calls that have no form to show next to: shown as an error toast. */
  toastError(error: RpcError, text: string): void;
  setPaletteOpen(isOpen: boolean): void;
  setShortcutSheetOpen(isOpen: boolean): void;
  requestFocus(target: FocusTarget): void;
}

export interface UiStoreOptions {
  initialHash?: string;
  /** Writes the hash; tests leave it out. */
  writeHash?: (hash: string, replace: boolean) => void;
  toastMs?: number;
}

export function createUiStore(options: UiStoreOptions = {}) {
  let toastCounter = 0;
  const toastMs = options.toastMs ?? 5_000;
  return createStore<UiState>()((set, get) => ({
    route: parseHash(options.initialHash ?? ''),
    toasts: [],
    isPaletteOpen: false,
    isShortcutSheetOpen: false,
    focusRequest: null,

    navigate(route, { replace = false } = {}) {
      set({ route });
      options.writeHash?.(formatHash(route), replace);
    },

    syncFromHash(hash) {
      const route = parseHash(hash);
      if (formatHash(route) !== formatHash(get().route)) set({ route });
    },

    toast(tone, message, detail) {
      toastCounter += 1;
      const id = toastCounter;
      const toast: Toast = detail === undefined ? { id, tone, message } : { id, tone, message, detail };
      // At most three on screen: older ones make way.
      set((state) => ({ toasts: [...state.toasts.slice(-2), toast] }));
      if (toastMs > 0) setTimeout(() => get().dismissToast(id), tone === 'error' ? toastMs * 2 : toastMs);
      return id;
    },

    dismissToast(id) {
      set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
    },

    toastError(_error, text) {
      get().toast('error', text);
    },

    setPaletteOpen(isPaletteOpen) {
      set({ isPaletteOpen, ...(isPaletteOpen ? { isShortcutSheetOpen: false } : {}) });
    },

    setShortcutSheetOpen(isShortcutSheetOpen) {
      set({ isShortcutSheetOpen, ...(isShortcutSheetOpen ? { isPaletteOpen: false } : {}) });
    },

    requestFocus(target) {
      set((state) => ({ focusRequest: { target, seq: (state.focusRequest?.seq ?? 0) + 1 } }));
    },
  }));
}

export type UiStore = ReturnType<typeof createUiStore>;
