import { createStore } from 'zustand/vanilla';
import type { DeviceRoleName } from '../../shared/devices/devices.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';

export type DeviceIdentity = { role: DeviceRoleName; name: string };

/**
 * Whether this screen may show its app: still asking, allowed (a paired device of the right
 * role, or a signed-in member of staff), not paired, paired for the other role, or the
 * host cannot be reached.
 */
export type PairingPhase = 'checking' | 'ready' | 'unpaired' | 'forbidden' | 'unreachable';

export interface PairingState {
  phase: PairingPhase;
  /** What the host says this browser is paired as; null when it is not a paired device. */
  device: DeviceIdentity | null;
  /** Set when a staff session is locked: the page works again once it is unlocked, or after pairing. */
  isStaffLocked: boolean;
  isPairing: boolean;
  pairError: RpcError | null;

  check(): Promise<void>;
  pair(code: string): Promise<boolean>;
  /** The app lost its access mid-way (revoked token, expired session): back to the pairing screen. */
  lost(error: RpcError): void;
  /** From "paired for something else": enter a new code for this role. */
  startRepair(): void;
  dispose(): void;
}

export interface PairingStoreOptions {
  /** The role this screen needs. */
  role: DeviceRoleName;
  /** The app's first call (display.state, kiosk.info): its answer says whether this browser may use the screen. */
  probe(transport: Transport): Promise<unknown>;
  /** While the host cannot be reached, check again after this long. */
  retryMs?: number;
}

export const PAIRING_CODE = /^\d{6}$/;

export function createPairingStore(transport: Transport, options: PairingStoreOptions) {
  const retryMs = options.retryMs ?? 5_000;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let isDisposed = false;
  let checkCounter = 0;

  return createStore<PairingState>()((set, get) => {
    const denied = (error: RpcError): Partial<PairingState> | null => {
      if (error.code === 'UNAUTHENTICATED') return { phase: 'unpaired', isStaffLocked: error.isLocked };
      if (error.code === 'FORBIDDEN') return { phase: 'forbidden', isStaffLocked: false };
      return null;
    };

    const scheduleRetry = () => {
      if (retryTimer) clearTimeout(retryTimer);
      // A TV on the wall has nobody to press "Try again": it keeps trying by itself.
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (!isDisposed && get().phase === 'unreachable') void get().check();
      }, retryMs);
    };

    return {
      phase: 'checking',
      device: null,
      isStaffLocked: false,
      isPairing: false,
      pairError: null,

      async check() {
        isDisposed = false;
        const ticket = ++checkCounter;
        if (get().phase !== 'unreachable') set({ phase: 'checking' });
        try {
          const { device } = await transport.call('devices.whoAmI', {});
          if (ticket !== checkCounter) return;
          set({ device });
          await options.probe(transport);
          if (ticket !== checkCounter) return;
          set({ phase: 'ready', isStaffLocked: false });
        } catch (error) {
          if (ticket !== checkCounter || isDisposed) return;
          const rpcError = RpcError.from(error);
          const next = denied(rpcError);
          if (next) set(next);
          else {
            set({ phase: 'unreachable' });
            scheduleRetry();
          }
        }
      },

      async pair(code) {
        const trimmed = code.trim();
        if (!PAIRING_CODE.test(trimmed)) {
          set({ pairError: new RpcError('VALIDATION', 'Type the six digits of the code.', { field: 'code' }) });
          return false;
        }
        set({ isPairing: true, pairError: null });
        try {
          await transport.call('devices.pair', { code: trimmed });
        } catch (error) {
          set({ isPairing: false, pairError: RpcError.from(error) });
          return false;
        }
        // The host set the device's cookie: reopen the event stream with it, then load the app.
        transport.restart();
        set({ isPairing: false, pairError: null, phase: 'checking' });
        await get().check();
        return true;
      },

      lost(error) {
        const next = denied(error);
        if (!next || get().phase !== 'ready') return;
        set({ ...next, pairError: null });
        // Refresh what the host thinks this browser is, for the "paired as…" message.
        void transport.call('devices.whoAmI', {}).then(
          ({ device }) => set({ device }),
          () => undefined,
        );
      },

      startRepair() {
        set({ phase: 'unpaired', pairError: null, isStaffLocked: false });
      },

      dispose() {
        isDisposed = true;
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = null;
      },
    };
  });
}

export type PairingStore = ReturnType<typeof createPairingStore>;

/** Whether a failed pairing attempt means "that code is wrong or expired" (not a network or server problem). */
export function isBadPairingCode(error: RpcError): boolean {
  return error.code === 'VALIDATION' || error.code === 'NOT_FOUND' || error.code === 'INVALID_CREDENTIALS' || error.code === 'INVALID_TRANSITION';
}
