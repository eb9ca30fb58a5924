import { createStore } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract/contract';
import type { AppointmentOnHoliday, Holiday } from '../../shared/holidays/holidays.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { toRpcError, type LoadStatus } from '../stores/store-utils';

/**
 * The clinic's holidays of the year on screen, for Setup's Holidays section. Made by the
 * section itself: nothing else reads the list (the server applies it to bookings and free times).
 */
export interface HolidaysState {
  year: number;
  holidays: Holiday[];
  status: LoadStatus;
  error: RpcError | null;
  /** Appointments still booked on the days the last change closed, for the admin to move. */
  stranded: AppointmentOnHoliday[];
  load(year: number): Promise<void>;
  prefill(): Promise<number>;
  save(input: MethodInput<'holidays.add'> & { id?: number }): Promise<void>;
  remove(id: number): Promise<void>;
  dismissStranded(): void;
  connect(): () => void;
}

export type HolidaysStore = ReturnType<typeof createHolidaysStore>;

export function createHolidaysStore(transport: Transport, year: number) {
  return createStore<HolidaysState>()((set, get) => ({
    year,
    holidays: [],
    status: 'idle',
    error: null,
    stranded: [],
    async load(year) {
      set({ year, status: 'loading', error: null });
      try {
        const holidays = await transport.call('holidays.list', { year });
        if (get().year === year) set({ holidays, status: 'ready' });
      } catch (error) {
        if (get().year === year) set({ status: 'error', error: toRpcError(error) });
      }
    },
    async prefill() {
      const { added, appointments } = await transport.call('holidays.prefillNational', { year: get().year });
      set({ stranded: appointments });
      await get().load(get().year);
      return added.length;
    },
    async save({ id, ...values }) {
      const { appointments } = id === undefined ? await transport.call('holidays.add', values) : await transport.call('holidays.update', { id, ...values });
      set({ stranded: appointments });
      await get().load(get().year);
    },
    async remove(id) {
      await transport.call('holidays.remove', { id });
      await get().load(get().year);
    },
    dismissStranded() {
      set({ stranded: [] });
    },
    connect() {
      // Another workstation changed the list.
      return transport.subscribe('practice.changed', () => void get().load(get().year));
    },
  }));
}
