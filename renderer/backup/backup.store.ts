import { createStore } from 'zustand/vanilla';
import type { BackupAttempt, BackupFile, BackupStatus } from '../../shared/backup/backup.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { toRpcError, type LoadStatus } from '../stores/store-utils';

/** The backup status (the board's banner, for everyone) and, for an admin, the folder's backups. */
export interface BackupState {
  status: BackupStatus | null;
  loadStatus: LoadStatus;
  error: RpcError | null;
  /** Admin: the backups in the folder, newest first. */
  backups: BackupFile[];
  isBackingUp: boolean;
  load(options?: { quiet?: boolean }): Promise<void>;
  loadBackups(): Promise<void>;
  setFolder(folder: string): Promise<BackupStatus>;
  runNow(): Promise<BackupAttempt>;
  restore(name: string): Promise<void>;
  connect(): () => void;
}

export type BackupStore = ReturnType<typeof createBackupStore>;

export function createBackupStore(transport: Transport) {
  return createStore<BackupState>()((set, get) => ({
    status: null,
    loadStatus: 'idle',
    error: null,
    backups: [],
    isBackingUp: false,
    async load(options) {
      if (!options?.quiet) set({ loadStatus: 'loading', error: null });
      try {
        const status = await transport.call('backup.status', {}, { background: true });
        set({ status, loadStatus: 'ready', error: null });
      } catch (error) {
        set({ loadStatus: 'error', error: toRpcError(error) });
      }
    },
    async loadBackups() {
      try {
        set({ backups: await transport.call('backup.list', {}, { background: true }) });
      } catch {
        set({ backups: [] });
      }
    },
    async setFolder(folder) {
      const status = await transport.call('backup.setFolder', { folder });
      set({ status });
      void get().loadBackups();
      return status;
    },
    async runNow() {
      set({ isBackingUp: true });
      try {
        return await transport.call('backup.run', {});
      } finally {
        set({ isBackingUp: false });
        void get().load({ quiet: true });
        void get().loadBackups();
      }
    },
    async restore(name) {
      await transport.call('backup.restore', { name });
    },
    connect() {
      return transport.subscribe('backup.changed', () => void get().load({ quiet: true }));
    },
  }));
}
