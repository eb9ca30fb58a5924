import { createStore } from 'zustand/vanilla';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { Patient } from '../../shared/patients/patients.contract';
import type { MethodOutput } from '../../shared/contract/contract';
import type { SyncConflict, SyncProblem, SyncSettings, SyncStatus } from '../../shared/sync/sync.contract';

export type JoinCode = MethodOutput<'sync.createJoinCode'>;
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';
import { conflictsById, type SyncSettingsInput } from './sync-state';

/** A conflict with the appointment and patient behind it, for the sync panel. */
export interface ConflictDetail {
  appointment: Appointment;
  patient: Patient;
}

export interface SyncState {
  status: SyncStatus | null;
  conflicts: SyncConflict[];
  /** The same conflicts by appointment id: each board card looks its own up. */
  conflictByAppointment: Record<number, SyncConflict>;
  problems: SyncProblem[];
  loadStatus: LoadStatus;
  error: RpcError | null;
  /** "Sync now" is running. */
  isSyncing: boolean;
  /** Filled for the panel; null while it loads, missing when the appointment is gone. */
  details: Record<number, ConflictDetail | null>;
  /** Admin only (the settings card). */
  settings: SyncSettings | null;
  settingsStatus: LoadStatus;
  settingsError: RpcError | null;

  load(options?: { quiet?: boolean }): Promise<void>;
  syncNow(): Promise<SyncStatus>;
  dismissProblem(id: number): Promise<void>;
  loadDetails(): Promise<void>;
  patient(id: number): Promise<Patient>;
  loadSettings(): Promise<void>;
  saveSettings(input: SyncSettingsInput & { forgetToken?: true }): Promise<SyncSettings>;
  /** "Add a desk": a one-time code from the cloud (admin). */
  createJoinCode(): Promise<JoinCode>;
  connect(): () => void;
}

export function createSyncStore(transport: Transport) {
  const latest = createLatest();
  const latestSettings = createLatest();
  return createStore<SyncState>()((set, get) => ({
    status: null,
    conflicts: [],
    conflictByAppointment: {},
    problems: [],
    loadStatus: 'idle',
    error: null,
    isSyncing: false,
    details: {},
    settings: null,
    settingsStatus: 'idle',
    settingsError: null,

    async load({ quiet = false } = {}) {
      const ticket = latest.next();
      if (!quiet || get().loadStatus === 'idle') set({ loadStatus: 'loading', error: null });
      try {
        const [status, issues] = await Promise.all([transport.call('sync.status', {}), transport.call('sync.issues', {})]);
        if (!latest.isLatest(ticket)) return;
        set({
          status,
          conflicts: issues.conflicts,
          conflictByAppointment: conflictsById(issues.conflicts),
          problems: issues.problems,
          loadStatus: 'ready',
          error: null,
        });
      } catch (error) {
        if (!latest.isLatest(ticket)) return;
        // The last known state stays on screen: an indicator that vanishes on a hiccup says nothing.
        set({ loadStatus: 'error', error: toRpcError(error) });
      }
    },

    async syncNow() {
      set({ isSyncing: true });
      try {
        const status = await transport.call('sync.now', {});
        latest.next();
        set({ status });
        await get().load({ quiet: true });
        return get().status ?? status;
      } finally {
        set({ isSyncing: false });
      }
    },

    async dismissProblem(id) {
      await transport.call('sync.dismissProblem', { id });
      set((state) => ({ problems: state.problems.filter((problem) => problem.id !== id) }));
      void get().load({ quiet: true });
    },

    async loadDetails() {
      const wanted = get().conflicts.map((conflict) => conflict.appointmentId);
      const missing = wanted.filter((id) => !(id in get().details));
      if (missing.length === 0) return;
      set((state) => ({ details: { ...state.details, ...Object.fromEntries(missing.map((id) => [id, null])) } }));
      const found = await Promise.all(
        missing.map(async (id): Promise<[number, ConflictDetail | null]> => {
          try {
            const appointment = await transport.call('appointments.get', { id });
            const patient = await transport.call('patients.get', { id: appointment.patientId });
            return [id, { appointment, patient }];
          } catch {
            return [id, null];
          }
        }),
      );
      set((state) => {
        const details = { ...state.details };
        // A failed lookup is forgotten, so the next opening of the panel tries again.
        for (const [id, detail] of found) {
          if (detail) details[id] = detail;
          else delete details[id];
        }
        return { details };
      });
    },

    patient(id) {
      return transport.call('patients.get', { id });
    },

    async loadSettings() {
      const ticket = latestSettings.next();
      set({ settingsStatus: 'loading', settingsError: null });
      try {
        const settings = await transport.call('sync.settings', {});
        if (!latestSettings.isLatest(ticket)) return;
        set({ settings, settingsStatus: 'ready' });
      } catch (error) {
        if (!latestSettings.isLatest(ticket)) return;
        set({ settingsStatus: 'error', settingsError: toRpcError(error) });
      }
    },

    createJoinCode: () => transport.call('sync.createJoinCode', {}),

    async saveSettings(input) {
      const settings = await transport.call('sync.updateSettings', input);
      latestSettings.next();
      set({ settings, settingsStatus: 'ready', settingsError: null });
      void get().load({ quiet: true });
      return settings;
    },

    connect() {
      const refresh = () => void get().load({ quiet: true });
      const off = [
        transport.subscribe('sync.changed', refresh),
        transport.subscribe('appointments.changed', ({ appointmentIds }) => {
          // A conflicted appointment moved or cancelled here: its details are stale, and the flag may go.
          const conflicted = get().conflictByAppointment;
          const touched = appointmentIds.filter((id) => id in conflicted);
          if (touched.length > 0)
            set((state) => ({ details: Object.fromEntries(Object.entries(state.details).filter(([id]) => !touched.includes(Number(id)))) }));
          if (get().status?.enabled || get().conflicts.length > 0) refresh();
        }),
        transport.onReconnect(refresh),
      ];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type SyncStore = ReturnType<typeof createSyncStore>;
