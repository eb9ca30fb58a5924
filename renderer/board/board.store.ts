import { createStore } from 'zustand/vanilla';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { Slot } from '../../shared/schedule/schedule.contract';
import type { MethodOutput } from '../../shared/contract/contract';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import type { CheckInResult } from '../../shared/checkin/checkin.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export type BoardDay = MethodOutput<'board.day'>;

/** What a card shows of its patient's place in the queue: the ticket and the honest estimate. */
export interface BoardTicket {
  ticket: string;
  estimatedWaitMinutes: number | null;
  expectedStartAt: number | null;
  isLate: boolean;
}

function ticketsFrom(entries: readonly QueueEntryView[]): Record<number, BoardTicket> {
  return Object.fromEntries(
    entries.map((entry) => [
      entry.appointmentId,
      { ticket: entry.ticket, estimatedWaitMinutes: entry.estimatedWaitMinutes, expectedStartAt: entry.expectedStartAt, isLate: entry.isLate },
    ]),
  );
}

export interface BoardState {
  day: string;
  board: BoardDay | null;
  status: LoadStatus;
  error: RpcError | null;
  /** Tickets of today's checked-in patients, by appointment (only when the board shows today). */
  tickets: Record<number, BoardTicket>;
  /** The card with the keyboard selection: `c` checks it in. */
  selectedId: number | null;

  setDay(day: string): void;
  select(id: number | null): void;
  /** Shows a check-in on its card at once, before the refetch the push event brings. */
  noteCheckIn(result: CheckInResult): void;
  load(options?: { quiet?: boolean }): Promise<void>;
  /** Free slots for moving an appointment (same specialty), for the reschedule dialog. */
  freeSlots(input: { specialtyId: number; day: string; practitionerId?: number }): Promise<Slot[]>;
  reschedule(id: number, slot: Slot): Promise<Appointment>;
  cancel(id: number, reason: string): Promise<Appointment>;
  markNoShow(id: number): Promise<Appointment>;
  /** Keeps an appointment flagged outside its practitioner's time where it is, on purpose. */
  keep(id: number): Promise<void>;
  connect(): () => void;
}

export function createBoardStore(transport: Transport, today: () => string) {
  const latest = createLatest();
  return createStore<BoardState>()((set, get) => ({
    day: today(),
    board: null,
    status: 'idle',
    error: null,
    tickets: {},
    selectedId: null,

    select(selectedId) {
      if (selectedId !== get().selectedId) set({ selectedId });
    },

    noteCheckIn(result) {
      set((state) => ({
        tickets: {
          ...state.tickets,
          [result.appointmentId]: {
            ticket: result.ticket,
            estimatedWaitMinutes: result.estimatedWaitMinutes,
            expectedStartAt: result.expectedStartAt,
            isLate: false,
          },
        },
        board: state.board && {
          ...state.board,
          appointments: state.board.appointments.map((appointment) =>
            appointment.id === result.appointmentId ? { ...appointment, status: 'checked_in' as const, statusChangedAt: Date.now() } : appointment,
          ),
        },
      }));
    },

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
        const [board, queue] = await Promise.all([
          transport.call('board.day', { day }),
          // Tickets exist only for today. The board works without them (e.g. an older main process).
          day === today() ? transport.call('queue.list', { day }).catch(() => null) : null,
        ]);
        if (!latest.isLatest(ticket)) return;
        set({ board, status: 'ready', error: null, tickets: queue ? ticketsFrom(queue.entries) : {} });
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
      const appointment = await transport.call('appointments.reschedule', {
        id,
        startsAt: slot.startsAt,
        practitionerId: slot.practitionerId,
        roomId: slot.roomId,
      });
      void get().load({ quiet: true });
      return appointment;
    },

    async cancel(id, reason) {
      const appointment = await transport.call('appointments.cancel', { id, reason });
      void get().load({ quiet: true });
      return appointment;
    },

    async keep(id) {
      await transport.call('schedule.keep', { appointmentId: id });
      void get().load({ quiet: true });
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
        transport.subscribe('queue.changed', ({ appointmentIds, practitionerIds }) => {
          const { board } = get();
          if (!board || board.day !== today()) return;
          const shown =
            board.appointments.some((appointment) => appointmentIds.includes(appointment.id)) ||
            board.practitioners.some((p) => practitionerIds.includes(p.id));
          if (shown) void get().load({ quiet: true });
        }),
        transport.subscribe('practice.changed', () => void get().load({ quiet: true })),
        transport.onReconnect(() => void get().load({ quiet: true })),
      ];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type BoardStore = ReturnType<typeof createBoardStore>;
