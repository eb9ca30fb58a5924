import { createStore } from 'zustand/vanilla';
import type { Appointment, Slot } from '../../shared/appointments/appointments.contract';
import type { MethodOutput } from '../../shared/contract/contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export type BoardDay = MethodOutput<'board.day'>;

export interface BoardState {
  day: string;
  board: BoardDay | null;
  status: LoadStatus;
  error: RpcError | null;

  setDay(day: string): void;
  load(options?: { quiet?: boolean }): Promise<void>;
  /** Free slots for moving an appointment (same specialty), for the reschedule dialog. */
  freeSlots(input: { specialtyId: number; day: string; practitionerId?: number }): Promise<Slot[]>;
  reschedule(id: number, slot: Slot): Promise<Appointment>;
  cancel(id: number, reason: string): Promise<Appointment>;
  markNoShow(id: number): Promise<Appointment>;
  connect(): () => void;
}

export function createBoardStore(transport: Transport, today: () => string) {
  const latest = createLatest();
  return createStore<BoardState>()((set, get) => ({
    day: today(),
    board: null,
    status: 'idle',
    error: null,

    setDay(day) {
      if (day === get().day && get().status !== 'idle') return;
      set({ day });
      void get().load();
    },

    async load({ quiet = false } = {}) {
      const day = get().day;
      const ticket = latest.next();
      // Keep the old day on screen only when refreshing the same day; a new day shows skeletons.
      if (!quiet) set((state) => ({ status: 'loading', error: null, board: state.board?.day === day ? state.board : null }));
      try {
        const board = await transport.call('board.day', { day });
        if (!latest.isLatest(ticket)) return;
        set({ board, status: 'ready', error: null });
      } catch (error) {
        if (!latest.isLatest(ticket)) return;
        set({ status: 'error', error: toRpcError(error) });
      }
    },

    async freeSlots({ specialtyId, day, practitionerId }) {
      const { slots } = await transport.call('schedule.freeSlots', { specialtyId, day, ...(practitionerId ? { practitionerId } : {}) });
      return slots;
    },

    async reschedule(id, slot) {
      const appointment = await transport.call('appointments.reschedule', { id, startsAt: slot.startsAt, practitionerId: slot.practitionerId, roomId: slot.roomId });
      void get().load({ quiet: true });
      return appointment;
    },

    async cancel(id, reason) {
      const appointment = await transport.call('appointments.cancel', { id, reason });
      void get().load({ quiet: true });
      return appointment;
    },

    async markNoShow(id) {
      const appointment = await transport.call('appointments.markNoShow', { id });
      void get().load({ quiet: true });
      return appointment;
    },

    connect() {
      const off = [
        transport.subscribe('appointments.changed', ({ days }) => {
          if (days.includes(get().day)) void get().load({ quiet: true });
        }),
        transport.subscribe('practice.changed', () => void get().load({ quiet: true })),
        transport.onReconnect(() => void get().load({ quiet: true })),
      ];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type BoardStore = ReturnType<typeof createBoardStore>;
