import { createStore } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract/contract';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { TimeOff, WorkingInterval } from '../../shared/practice/practice.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { toRpcError, type LoadStatus } from '../stores/store-utils';

/** Admin-only data: staff accounts, working hours and time off. */
export interface SetupState {
  staff: StaffView[];
  staffStatus: LoadStatus;
  staffError: RpcError | null;
  hours: Record<number, WorkingInterval[]>;
  hoursStatus: Record<number, LoadStatus>;
  timeOff: TimeOff[];
  timeOffStatus: LoadStatus;
  timeOffError: RpcError | null;

  loadStaff(): Promise<void>;
  createStaff(input: MethodInput<'staff.create'>): Promise<StaffView>;
  updateStaff(input: MethodInput<'staff.update'>): Promise<StaffView>;
  loadHours(practitionerId: number): Promise<void>;
  saveHours(practitionerId: number, intervals: WorkingInterval[]): Promise<WorkingInterval[]>;
  loadTimeOff(practitionerId?: number): Promise<void>;
  addTimeOff(input: MethodInput<'timeOff.add'>): Promise<TimeOff>;
  removeTimeOff(id: number): Promise<void>;
}

export function createSetupStore(transport: Transport) {
  return createStore<SetupState>()((set, get) => ({
    staff: [],
    staffStatus: 'idle',
    staffError: null,
    hours: {},
    hoursStatus: {},
    timeOff: [],
    timeOffStatus: 'idle',
    timeOffError: null,

    async loadStaff() {
      if (get().staffStatus !== 'ready') set({ staffStatus: 'loading' });
      try {
        set({ staff: await transport.call('staff.list', {}), staffStatus: 'ready', staffError: null });
      } catch (error) {
        set({ staffStatus: 'error', staffError: toRpcError(error) });
      }
    },

    async createStaff(input) {
      const created = await transport.call('staff.create', input);
      set((state) => ({ staff: [...state.staff, created].sort((a, b) => a.displayName.localeCompare(b.displayName)) }));
      return created;
    },

    async updateStaff(input) {
      const updated = await transport.call('staff.update', input);
      set((state) => ({ staff: state.staff.map((row) => (row.id === updated.id ? updated : row)) }));
      return updated;
    },

    async loadHours(practitionerId) {
      set((state) => ({ hoursStatus: { ...state.hoursStatus, [practitionerId]: state.hours[practitionerId] ? 'ready' : 'loading' } }));
      try {
        const { intervals } = await transport.call('workingHours.get', { practitionerId });
        set((state) => ({ hours: { ...state.hours, [practitionerId]: intervals }, hoursStatus: { ...state.hoursStatus, [practitionerId]: 'ready' } }));
      } catch {
        set((state) => ({ hoursStatus: { ...state.hoursStatus, [practitionerId]: 'error' } }));
      }
    },

    async saveHours(practitionerId, intervals) {
      const saved = await transport.call('workingHours.set', { practitionerId, intervals });
      set((state) => ({ hours: { ...state.hours, [practitionerId]: saved.intervals } }));
      return saved.intervals;
    },

    async loadTimeOff(practitionerId) {
      set({ timeOffStatus: 'loading' });
      try {
        const list = await transport.call('timeOff.list', practitionerId ? { practitionerId } : {});
        set({ timeOff: list.sort((a, b) => a.startsAt - b.startsAt), timeOffStatus: 'ready', timeOffError: null });
      } catch (error) {
        set({ timeOffStatus: 'error', timeOffError: toRpcError(error) });
      }
    },

    async addTimeOff(input) {
      const added = await transport.call('timeOff.add', input);
      set((state) => ({ timeOff: [...state.timeOff, added].sort((a, b) => a.startsAt - b.startsAt) }));
      return added;
    },

    async removeTimeOff(id) {
      await transport.call('timeOff.remove', { id });
      set((state) => ({ timeOff: state.timeOff.filter((row) => row.id !== id) }));
    },
  }));
}

export type SetupStore = ReturnType<typeof createSetupStore>;
