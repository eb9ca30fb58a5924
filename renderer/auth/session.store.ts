import { createStore } from 'zustand/vanilla';
import type { Locale } from '../../shared/contract/common';
import type { MethodInput, MethodOutput } from '../../shared/contract/contract';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';

export type AuthStatus = MethodOutput<'auth.status'>;

/**
 * Where the app is: still asking the main process, cannot reach it, a fresh install,
 * signed out, or signed in (then possibly locked by inactivity).
 */
export type SessionPhase = 'loading' | 'unreachable' | 'firstRun' | 'signedOut' | 'signedIn';

export interface SessionState {
  phase: SessionPhase;
  status: AuthStatus | null;
  staff: StaffView | null;
  settings: ClinicSettings | null;
  isLocked: boolean;
  loadError: RpcError | null;
  /** The UI language before anybody signs in (the clinic's default, or the user's pick on the sign-in screen). */
  guestLocale: Locale;
  /** Bumped on every sign-in: signed-in screens and their stores are rebuilt for each session. */
  sessionKey: number;

  load(): Promise<void>;
  setGuestLocale(locale: Locale): void;
  startDemo(): Promise<void>;
  createClinic(input: MethodInput<'setup.createClinic'>): Promise<void>;
  /** First run: join a clinic with a code; resolves when it is downloaded (then the sign-in screen). */
  joinClinic(input: MethodInput<'setup.joinClinic'>): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  lock(): void;
  unlock(password: string): Promise<void>;
  setMyLocale(locale: Locale): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  updateSettings(input: MethodInput<'settings.update'>): Promise<ClinicSettings>;
  refreshSettings(): Promise<void>;
  /** Keeps the main process's idle clock in step with a user who is busy on screen without calling it. */
  heartbeat(): Promise<void>;
  /** Every store's failed call passes through here: a lock or a lost session changes the whole screen. */
  handleAuthError(error: RpcError): void;
}

export function uiLocaleOf(state: Pick<SessionState, 'staff' | 'guestLocale'>): Locale {
  return state.staff?.locale ?? state.guestLocale;
}

export function createSessionStore(transport: Transport) {
  return createStore<SessionState>()((set, get) => {
    const signedInFrom = async (staff: StaffView) => {
      const settings = await transport.call('settings.get', {});
      set((state) => ({ phase: 'signedIn', staff, settings, isLocked: false, loadError: null, sessionKey: state.sessionKey + 1 }));
      transport.restart();
    };

    const signedOut = (status: AuthStatus | null) =>
      set({
        phase: status && !status.isSetUp ? 'firstRun' : 'signedOut',
        staff: null,
        settings: null,
        isLocked: false,
        ...(status ? { status } : {}),
      });

    return {
      phase: 'loading',
      status: null,
      staff: null,
      settings: null,
      isLocked: false,
      loadError: null,
      guestLocale: 'en',
      sessionKey: 0,

      async load() {
        set({ loadError: null });
        try {
          const status = await transport.call('auth.status', {});
          set({ status, guestLocale: status.locale });
          if (status.staff && status.isLocked) {
            // Reloaded while locked: show the lock, and load the rest only once unlocked.
            set((state) => ({ phase: 'signedIn', staff: status.staff, settings: null, isLocked: true, sessionKey: state.sessionKey + 1 }));
          } else if (status.staff) await signedInFrom(status.staff);
          else signedOut(status);
        } catch (error) {
          set({ phase: 'unreachable', loadError: RpcError.from(error) });
        }
      },

      setGuestLocale(locale) {
        set({ guestLocale: locale });
      },

      async startDemo() {
        await transport.call('setup.startDemo', { locale: get().guestLocale });
        await get().load();
      },

      async createClinic(input) {
        await transport.call('setup.createClinic', input);
        set({ guestLocale: input.locale });
        const status = await transport.call('auth.status', {});
        set({ status });
        // The admin just chose the password: signing in straight away saves typing it twice.
        await get().signIn(input.admin.username, input.admin.password);
      },

      async joinClinic(input) {
        await transport.call('setup.joinClinic', input);
        await get().load();
      },

      async signIn(username, password) {
        const { staff } = await transport.call('auth.signIn', { username, password });
        await signedInFrom(staff);
      },

      async signOut() {
        try {
          await transport.call('auth.signOut', {});
        } finally {
          let status = get().status;
          try {
            status = await transport.call('auth.status', {});
          } catch {
            // Signed out locally either way; the sign-in screen copes without a fresh status.
          }
          signedOut(status);
        }
      },

      lock() {
        if (get().phase === 'signedIn') set({ isLocked: true });
      },

      async unlock(password) {
        try {
          await transport.call('auth.unlock', { password });
        } catch (error) {
          const rpcError = RpcError.from(error);
          // The session itself is gone (expired, or the main process restarted): sign in again.
          if (rpcError.code === 'UNAUTHENTICATED') signedOut(get().status);
          throw rpcError;
        }
        const { staff, settings } = get();
        if (!settings && staff) await signedInFrom(staff);
        else {
          set({ isLocked: false });
          void get().refreshSettings();
        }
      },

      async setMyLocale(locale) {
        const staff = await transport.call('auth.updateMe', { locale });
        set({ staff });
      },

      async changePassword(currentPassword, newPassword) {
        await transport.call('auth.changePassword', { currentPassword, newPassword });
      },

      async updateSettings(input) {
        const settings = await transport.call('settings.update', input);
        set({ settings });
        return settings;
      },

      async refreshSettings() {
        if (get().phase !== 'signedIn' || get().isLocked) return;
        try {
          const settings = await transport.call('settings.get', {});
          set({ settings });
        } catch {
          // A failed refresh keeps the settings already shown.
        }
      },

      async heartbeat() {
        if (get().phase !== 'signedIn' || get().isLocked) return;
        try {
          // Sent only after keyboard or mouse input: a person is at the desk, though no click started it.
          const status = await transport.call('auth.status', {}, { background: false });
          set({ status });
          // No staff while we think we are signed in: the main process locked or ended the session.
          if (!status.staff || status.isLocked) set({ isLocked: true });
        } catch {
          // Offline for a moment: the next heartbeat or call will tell.
        }
      },

      handleAuthError(error) {
        if (error.code !== 'UNAUTHENTICATED' || get().phase !== 'signedIn') return;
        if (error.isLocked) set({ isLocked: true });
        else signedOut(get().status);
      },
    };
  });
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Wraps a transport so that every failed call lets the session react to a lock or an expired session. */
export function withAuthGuard(transport: Transport, session: SessionStore): Transport {
  return {
    ...transport,
    async call(method, input, options) {
      try {
        return await transport.call(method, input, options);
      } catch (error) {
        const rpcError = RpcError.from(error);
        // auth.unlock's own UNAUTHENTICATED means the session is gone: back to sign-in.
        if (method !== 'auth.signIn' && method !== 'auth.status') session.getState().handleAuthError(rpcError);
        throw rpcError;
      }
    },
  };
}
