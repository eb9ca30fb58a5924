import { createStore } from 'zustand/vanilla';
import type { MethodInput, MethodOutput } from '../../shared/contract/contract';
import { queueContract, type QueueEntryView, type RoomInUse } from '../../shared/queue/queue.contract';
import { type CheckInResult } from '../../shared/checkin/checkin.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export type QueuePractitioner = MethodOutput<'board.day'>['practitioners'][number];

/** A check-in this workstation made, kept so the ticket can be shown again where the patient is on screen. */
export interface IssuedTicket extends CheckInResult {
  patientId: number | null;
  issuedAt: number;
}

/** Which entry (or which practitioner's "call next") has a call in flight, so only that button spins. */
export type QueueBusyKey = `entry:${number}` | `call:${number}`;

export interface QueueState {
  /** Null: every practitioner's queue (the desk). A number: that practitioner only (a doctor's "My queue"). */
  scope: number | null;
  day: string;
  /** Practitioners working today (from the day's board), plus anyone with a queue. */
  practitioners: QueuePractitioner[];
  /** Checked in, called and in consultation, in calling order per practitioner. */
  entries: QueueEntryView[];
  status: LoadStatus;
  error: RpcError | null;
  busy: Partial<Record<QueueBusyKey, true>>;
  /** Tickets issued from this workstation today, by appointment. */
  issued: Record<number, IssuedTicket>;
  /** The last walk-in checked in from the Book view, shown there with its ticket. */
  lastWalkIn: IssuedTicket | null;

  setScope(practitionerId: number | null): void;
  load(options?: { quiet?: boolean }): Promise<void>;
  checkIn(appointmentId: number, patientId?: number): Promise<IssuedTicket>;
  walkIn(input: MethodInput<'checkin.walkIn'>): Promise<IssuedTicket>;
  clearLastWalkIn(): void;
  callNext(practitionerId: number, roomId?: number): Promise<QueueEntryView | null>;
  recall(appointmentId: number): Promise<QueueEntryView>;
  start(appointmentId: number): Promise<QueueEntryView>;
  finish(appointmentId: number): Promise<QueueEntryView>;
  sendToRoom(appointmentId: number, roomId: number): Promise<QueueEntryView>;
  /** The active rooms as they are now, free ones first, with who is in each busy one (not kept: asked when choosing). */
  rooms(): Promise<RoomInUse[]>;
  /** Moves a waiting patient; refused here, before any call, without a reason of at least three characters. */
  move(appointmentId: number, places: number, reason: string): Promise<void>;
  leftUnseen(appointmentId: number, reason?: string): Promise<QueueEntryView>;
  connect(): () => void;
}

/** The entries of one practitioner, in calling order: the ones being seen first, then the waiting list. */
export function entriesOf(entries: readonly QueueEntryView[], practitionerId: number) {
  const mine = entries.filter((entry) => entry.practitionerId === practitionerId);
  return {
    current: mine.filter((entry) => entry.status === 'called' || entry.status === 'in_consultation'),
    waiting: mine.filter((entry) => entry.status === 'checked_in'),
  };
}

export type QueueLaneName = 'onTime' | 'late' | 'walkIn';

export function laneOfEntry(entry: Pick<QueueEntryView, 'isWalkIn' | 'isLate'>): QueueLaneName {
  if (entry.isWalkIn) return 'walkIn';
  return entry.isLate ? 'late' : 'onTime';
}

/** The contract's own check, run before calling: a move without a real reason never leaves the desk. */
export function moveInputError(input: MethodInput<'queue.move'>): RpcError | null {
  const parsed = queueContract['queue.move'].input.safeParse(input);
  if (parsed.success) return null;
  const fields = parsed.error.issues.map((issue) => {
    const limits = issue as unknown as { minimum?: unknown; maximum?: unknown; origin?: unknown };
    return {
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message,
      minimum: limits.minimum,
      maximum: limits.maximum,
      origin: limits.origin,
    };
  });
  return new RpcError('VALIDATION', 'Say why the patient is moved.', { fields });
}

export function createQueueStore(transport: Transport, today: () => string, now: () => number = Date.now) {
  const latest = createLatest();
  return createStore<QueueState>()((set, get) => {
    const replace = (entry: QueueEntryView) =>
      set((state) => ({
        entries: state.entries.some((e) => e.appointmentId === entry.appointmentId)
          ? state.entries.map((e) => (e.appointmentId === entry.appointmentId ? entry : e))
          : [...state.entries, entry],
      }));

    /** Runs one queue action with its button busy, applies the answer, and refetches the order quietly. */
    const act = async <T>(key: QueueBusyKey, run: () => Promise<T>, apply: (result: T) => void): Promise<T> => {
      set((state) => ({ busy: { ...state.busy, [key]: true } }));
      try {
        const result = await run();
        apply(result);
        if (get().status !== 'idle') void get().load({ quiet: true });
        return result;
      } finally {
        set((state) => {
          const { [key]: _done, ...rest } = state.busy;
          return { busy: rest };
        });
      }
    };

    const remember = (result: CheckInResult, patientId: number | null): IssuedTicket => {
      const issued: IssuedTicket = { ...result, patientId, issuedAt: now() };
      set((state) => ({ issued: { ...state.issued, [result.appointmentId]: issued } }));
      return issued;
    };

    return {
      scope: null,
      day: today(),
      practitioners: [],
      entries: [],
      status: 'idle',
      error: null,
      busy: {},
      issued: {},
      lastWalkIn: null,

      setScope(practitionerId) {
        if (practitionerId === get().scope && get().status !== 'idle') return;
        set({ scope: practitionerId, entries: [], practitioners: [], status: 'idle' });
        void get().load();
      },

      async load({ quiet = false } = {}) {
        const { scope } = get();
        const day = today();
        const ticket = latest.next();
        if (!quiet || get().status === 'idle') set({ status: 'loading', error: null });
        const filter = scope === null ? {} : { practitionerId: scope };
        try {
          const [{ entries }, board] = await Promise.all([
            transport.call('queue.list', { ...filter, day }),
            // Who works today comes from the day's board; without it the queues still show.
            transport.call('board.day', { ...filter, day }).catch(() => null),
          ]);
          if (!latest.isLatest(ticket)) return;
          const practitioners = [...(board?.practitioners ?? [])].filter((p) => scope === null || p.id === scope);
          for (const entry of entries) {
            if (!practitioners.some((p) => p.id === entry.practitionerId))
              practitioners.push({ id: entry.practitionerId, fullName: entry.practitionerName, color: '' });
          }
          set({ day, entries, practitioners, status: 'ready', error: null });
        } catch (error) {
          if (!latest.isLatest(ticket)) return;
          set({ status: 'error', error: toRpcError(error) });
        }
      },

      async checkIn(appointmentId, patientId) {
        const result = await transport.call('checkin.checkIn', { appointmentId });
        const issued = remember(result, patientId ?? null);
        if (get().status !== 'idle') void get().load({ quiet: true });
        return issued;
      },

      async walkIn(input) {
        const result = await transport.call('checkin.walkIn', input);
        const issued = remember(result, input.patientId);
        set({ lastWalkIn: issued });
        if (get().status !== 'idle') void get().load({ quiet: true });
        return issued;
      },

      clearLastWalkIn() {
        set({ lastWalkIn: null });
      },

      callNext(practitionerId, roomId) {
        return act(
          `call:${practitionerId}`,
          async () => (await transport.call('queue.callNext', { practitionerId, ...(roomId ? { roomId } : {}) })).called,
          (called) => called && replace(called),
        );
      },

      recall(appointmentId) {
        return act(`entry:${appointmentId}`, () => transport.call('queue.recall', { appointmentId }), replace);
      },

      start(appointmentId) {
        return act(`entry:${appointmentId}`, () => transport.call('queue.start', { appointmentId }), replace);
      },

      finish(appointmentId) {
        return act(
          `entry:${appointmentId}`,
          () => transport.call('queue.finish', { appointmentId }),
          (entry) => {
            // Done patients leave the queue.
            set((state) => ({ entries: state.entries.filter((e) => e.appointmentId !== entry.appointmentId) }));
          },
        );
      },

      sendToRoom(appointmentId, roomId) {
        return act(`entry:${appointmentId}`, () => transport.call('queue.sendToRoom', { appointmentId, roomId }), replace);
      },

      async rooms() {
        return (await transport.call('queue.rooms', {})).rooms;
      },

      async move(appointmentId, places, reason) {
        const input = { appointmentId, places, reason: reason.trim() };
        const invalid = moveInputError(input);
        if (invalid) throw invalid;
        await act(
          `entry:${appointmentId}`,
          () => transport.call('queue.move', input),
          ({ entries }) => {
            // The answer is the moved patient's practitioner's queue, in its new order.
            const practitionerIds = new Set(entries.map((entry) => entry.practitionerId));
            set((state) => {
              if (practitionerIds.size === 0) return state;
              const others = state.entries.filter((entry) => !practitionerIds.has(entry.practitionerId));
              return { entries: [...others, ...entries] };
            });
          },
        );
      },

      leftUnseen(appointmentId, reason = '') {
        return act(
          `entry:${appointmentId}`,
          () => transport.call('queue.leftUnseen', { appointmentId, reason }),
          (entry) => {
            set((state) => ({ entries: state.entries.filter((e) => e.appointmentId !== entry.appointmentId) }));
          },
        );
      },

      connect() {
        const refresh = () => {
          if (get().status !== 'idle') void get().load({ quiet: true });
        };
        const off = [
          transport.subscribe('queue.changed', ({ practitionerIds }) => {
            const { scope } = get();
            // A doctor's screen ignores the other practitioners' queues.
            if (scope === null || practitionerIds.includes(scope)) refresh();
          }),
          // A checked-in appointment cancelled from the board leaves the queue.
          transport.subscribe('appointments.changed', ({ days }) => {
            if (days.includes(get().day)) refresh();
          }),
          // Grace and no-show minutes change the order and the estimates.
          transport.subscribe('settings.changed', refresh),
          transport.subscribe('practice.changed', refresh),
          transport.onReconnect(refresh),
        ];
        return () => off.forEach((unsubscribe) => unsubscribe());
      },
    };
  });
}

export type QueueStore = ReturnType<typeof createQueueStore>;
