import { createStore } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract/contract';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { toRpcError, type LoadStatus } from '../stores/store-utils';

/** Admin-only data: the staff accounts. */
export interface StaffState {
  staff: StaffView[];
  staffStatus: LoadStatus;
  staffError: RpcError | null;

  loadStaff(): Promise<void>;
  createStaff(input: MethodInput<'staff.create'>): Promise<StaffView>;
  updateStaff(input: MethodInput<'staff.update'>): Promise<StaffView>;
  /** Follows changes made elsewhere (another admin, another desk); returns the unsubscribe. */
  connect(): () => void;
}

export function createStaffStore(transport: Transport) {
  return createStore<StaffState>()((set, get) => ({
    staff: [],
    staffStatus: 'idle',
    staffError: null,

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

    connect() {
      // Only a screen that shows the list refetches it (only admins may list accounts).
      const refresh = () => {
        if (get().staffStatus !== 'idle') void get().loadStaff();
      };
      const off = [transport.subscribe('staff.changed', refresh), transport.onReconnect(refresh)];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type StaffStore = ReturnType<typeof createStaffStore>;
