import { createStore } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract/contract';
import type { PlannedSession, SeriesSummary, SessionSlot } from '../../shared/series/series.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

/** What the desk does with one proposed session. */
export type SessionChoice =
  | { kind: 'keep' }
  | { kind: 'alternative' }
  /** Another time, typed: the session's practitioner and room at that instant (null: not typed yet). */
  | { kind: 'other'; startsAt: number | null }
  | { kind: 'skip' };

/** Kept when it has no problem; the nearest free time when it has one; skipped when there is none. */
export function defaultChoice(session: PlannedSession): SessionChoice {
  if (session.problem === null) return { kind: 'keep' };
  return session.alternative ? { kind: 'alternative' } : { kind: 'skip' };
}

/** Where a session goes under a choice: null when it is skipped, or kept with a problem, or its other time is not typed. */
export function chosenSlot(session: PlannedSession, choice: SessionChoice): SessionSlot | null {
  switch (choice.kind) {
    case 'keep':
      return session.problem === null ? session : null;
    case 'alternative':
      return session.alternative;
    case 'other':
      return choice.startsAt === null ? null : { ...session, startsAt: choice.startsAt, endsAt: choice.startsAt + (session.endsAt - session.startsAt) };
    case 'skip':
      return null;
  }
}

export interface SeriesState {
  sessions: PlannedSession[] | null;
  choices: Record<number, SessionChoice>;
  planStatus: LoadStatus;
  planError: RpcError | null;
  isBooking: boolean;
  bookError: RpcError | null;
  /** The patient whose series are listed, and them (latest first). */
  patientId: number | null;
  list: SeriesSummary[];
  listStatus: LoadStatus;
  listError: RpcError | null;

  plan(rule: MethodInput<'series.plan'>): Promise<void>;
  choose(index: number, choice: SessionChoice): void;
  /** The sessions to book, in rule order: every chosen slot, with its row's number. */
  toBook(): Array<SessionSlot & { index: number }>;
  book(input: { patientId: number; specialtyId: number; notes?: string }): Promise<number | null>;
  clearPlan(): void;
  loadForPatient(patientId: number, options?: { quiet?: boolean }): Promise<void>;
  cancelFrom(appointmentId: number, reason: string): Promise<number>;
  moveFrom(appointmentId: number, startsAt: number): Promise<number>;
  connect(): () => void;
}

export function createSeriesStore(transport: Transport) {
  const latestPlan = createLatest();
  const latestList = createLatest();
  return createStore<SeriesState>()((set, get) => ({
    sessions: null,
    choices: {},
    planStatus: 'idle',
    planError: null,
    isBooking: false,
    bookError: null,
    patientId: null,
    list: [],
    listStatus: 'idle',
    listError: null,

    async plan(rule) {
      const ticket = latestPlan.next();
      set({ planStatus: 'loading', planError: null, bookError: null });
      try {
        const { sessions } = await transport.call('series.plan', rule);
        if (!latestPlan.isLatest(ticket)) return;
        set({ sessions, choices: Object.fromEntries(sessions.map((s) => [s.index, defaultChoice(s)])), planStatus: 'ready' });
      } catch (error) {
        if (!latestPlan.isLatest(ticket)) return;
        set({ planStatus: 'error', planError: toRpcError(error) });
      }
    },

    choose(index, choice) {
      set({ choices: { ...get().choices, [index]: choice }, bookError: null });
    },

    toBook() {
      const { sessions, choices } = get();
      return (sessions ?? []).flatMap((s) => {
        const slot = chosenSlot(s, choices[s.index] ?? defaultChoice(s));
        return slot ? [{ ...slot, index: s.index }] : [];
      });
    },

    async book({ patientId, specialtyId, notes = '' }) {
      const sessions = get().toBook();
      if (sessions.length === 0) return null;
      set({ isBooking: true, bookError: null });
      try {
        const booked = await transport.call('series.book', {
          patientId,
          specialtyId,
          notes,
          sessions: sessions.map((s) => ({ practitionerId: s.practitionerId, roomId: s.roomId, startsAt: s.startsAt, index: s.index })),
        });
        set({ isBooking: false, sessions: null, choices: {}, planStatus: 'idle' });
        return booked.appointments.length;
      } catch (error) {
        set({ isBooking: false, bookError: toRpcError(error) });
        return null;
      }
    },

    clearPlan() {
      set({ sessions: null, choices: {}, planStatus: 'idle', planError: null, bookError: null });
    },

    async loadForPatient(patientId, { quiet = false } = {}) {
      const ticket = latestList.next();
      if (get().patientId !== patientId) set({ list: [], patientId });
      if (!quiet) set({ listStatus: 'loading', listError: null });
      try {
        const list = await transport.call('series.listForPatient', { patientId });
        if (!latestList.isLatest(ticket)) return;
        set({ list, listStatus: 'ready', listError: null });
      } catch (error) {
        if (!latestList.isLatest(ticket)) return;
        set({ listStatus: 'error', listError: toRpcError(error) });
      }
    },

    async cancelFrom(appointmentId, reason) {
      const { appointments } = await transport.call('series.cancelFrom', { appointmentId, reason });
      const patientId = get().patientId;
      if (patientId !== null) await get().loadForPatient(patientId, { quiet: true });
      return appointments.length;
    },

    async moveFrom(appointmentId, startsAt) {
      const { appointments } = await transport.call('series.moveFrom', { appointmentId, startsAt });
      const patientId = get().patientId;
      if (patientId !== null) await get().loadForPatient(patientId, { quiet: true });
      return appointments.length;
    },

    connect() {
      const refresh = () => {
        const patientId = get().patientId;
        if (patientId !== null) void get().loadForPatient(patientId, { quiet: true });
      };
      const off = [transport.subscribe('appointments.changed', refresh), transport.onReconnect(refresh)];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type SeriesStore = ReturnType<typeof createSeriesStore>;
