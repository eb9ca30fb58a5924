import { createStore } from 'zustand/vanilla';
import type { z } from 'zod';
import type { FaceSettings, connectionCheck } from '../../shared/faces/faces.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';
import type { FaceSettingsUpdate } from './face-settings';

export type ConnectionCheck = z.infer<typeof connectionCheck>;

/** Settings › Face check-in (admin): the AWS set-up, saving it, and "Test connection". */
export interface FaceSettingsState {
  settings: FaceSettings | null;
  status: LoadStatus;
  error: RpcError | null;
  test: { status: LoadStatus; ok: boolean | null; checks: ConnectionCheck[]; error: RpcError | null };

  load(options?: { quiet?: boolean }): Promise<void>;
  save(update: FaceSettingsUpdate): Promise<FaceSettings>;
  testConnection(): Promise<void>;
  applyRetention(): Promise<number>;
  connect(): () => void;
}

const noTest = { status: 'idle' as const, ok: null, checks: [], error: null };

export function createFaceSettingsStore(transport: Transport) {
  const latest = createLatest();
  return createStore<FaceSettingsState>()((set, get) => ({
    settings: null,
    status: 'idle',
    error: null,
    test: noTest,

    async load({ quiet = false } = {}) {
      const ticket = latest.next();
      if (!quiet || get().status === 'idle') set({ status: 'loading', error: null });
      try {
        const settings = await transport.call('faces.settings', {});
        if (!latest.isLatest(ticket)) return;
        set({ settings, status: 'ready', error: null });
      } catch (error) {
        if (!latest.isLatest(ticket)) return;
        set({ status: 'error', error: toRpcError(error) });
      }
    },

    async save(update) {
      const settings = await transport.call('faces.updateSettings', update as never);
      latest.next();
      // What was tested no longer describes what is saved.
      set({ settings, status: 'ready', error: null, test: noTest });
      return settings;
    },

    async testConnection() {
      set({ test: { ...noTest, status: 'loading' } });
      try {
        const { ok, checks } = await transport.call('faces.testConnection', {});
        set({ test: { status: 'ready', ok, checks, error: null } });
      } catch (error) {
        set({ test: { ...noTest, status: 'error', error: toRpcError(error) } });
      }
    },

    async applyRetention() {
      const { withdrawn } = await transport.call('faces.applyRetention', {});
      return withdrawn;
    },

    connect() {
      const refresh = () => {
        if (get().status !== 'idle') void get().load({ quiet: true });
      };
      const off = [
        transport.subscribe('faces.changed', ({ patientIds }) => {
          if (patientIds.length === 0) refresh();
        }),
        transport.onReconnect(refresh),
      ];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type FaceSettingsStore = ReturnType<typeof createFaceSettingsStore>;
