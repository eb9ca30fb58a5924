import { createStore } from 'zustand/vanilla';
import type { MethodInput } from '../../shared/contract/contract';
import type { Practitioner, Room, Specialty, TimeOff, WorkingInterval } from '../../shared/practice/practice.contract';
import type { Slot, UnsettledAppointment } from '../../shared/schedule/schedule.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { toRpcError, type LoadStatus } from '../stores/store-utils';

/**
 * The clinic's reference data: specialties, rooms and practitioners. Almost every screen reads it.
 * The practitioners' working hours and time off are loaded on demand, by the Setup page's sections.
 */
export interface PracticeState {
  status: LoadStatus;
  error: RpcError | null;
  specialties: Specialty[];
  rooms: Room[];
  practitioners: Practitioner[];
  hours: Record<number, WorkingInterval[]>;
  hoursStatus: Record<number, LoadStatus>;
  timeOff: TimeOff[];
  timeOffStatus: LoadStatus;
  timeOffError: RpcError | null;

  load(): Promise<void>;
  saveSpecialty(input: MethodInput<'specialties.save'>): Promise<Specialty>;
  saveRoom(input: MethodInput<'rooms.save'>): Promise<Room>;
  savePractitioner(input: MethodInput<'practitioners.save'>): Promise<Practitioner>;
  loadHours(practitionerId: number): Promise<void>;
  saveHours(practitionerId: number, intervals: WorkingInterval[]): Promise<WorkingInterval[]>;
  loadTimeOff(practitionerId?: number): Promise<void>;
  addTimeOff(input: MethodInput<'timeOff.add'>): Promise<TimeOff>;
  removeTimeOff(id: number): Promise<void>;
  /**
   * Appointments a change of hours or time off left outside the practitioner's time, shown
   * for the admin to settle; null while nothing is being settled. Loaded after every such
   * change and after each way out, so the list is always what is still to do.
   */
  unsettled: { practitionerId: number; appointments: UnsettledAppointment[] } | null;
  checkUnsettled(practitionerId: number): Promise<void>;
  closeUnsettled(): void;
  moveUnsettled(row: UnsettledAppointment, slot: Slot): Promise<void>;
  cancelUnsettled(row: UnsettledAppointment, reason: string): Promise<void>;
  keepUnsettled(row: UnsettledAppointment): Promise<void>;
  connect(): () => void;
}

function upsert<T extends { id: number }>(list: T[], item: T): T[] {
  return list.some((existing) => existing.id === item.id) ? list.map((existing) => (existing.id === item.id ? item : existing)) : [...list, item];
}

export function createPracticeStore(transport: Transport) {
  return createStore<PracticeState>()((set, get) => ({
    status: 'idle',
    error: null,
    specialties: [],
    rooms: [],
    practitioners: [],
    hours: {},
    hoursStatus: {},
    timeOff: [],
    timeOffStatus: 'idle',
    timeOffError: null,
    unsettled: null,

    async load() {
      if (get().status !== 'ready') set({ status: 'loading' });
      try {
        const [specialties, rooms, practitioners] = await Promise.all([
          transport.call('specialties.list', {}),
          transport.call('rooms.list', {}),
          transport.call('practitioners.list', {}),
        ]);
        set({ specialties, rooms, practitioners, status: 'ready', error: null });
      } catch (error) {
        set({ status: get().status === 'ready' ? 'ready' : 'error', error: toRpcError(error) });
      }
    },

    async saveSpecialty(input) {
      const saved = await transport.call('specialties.save', input);
      set((state) => ({ specialties: upsert(state.specialties, saved) }));
      return saved;
    },

    async saveRoom(input) {
      const saved = await transport.call('rooms.save', input);
      set((state) => ({ rooms: upsert(state.rooms, saved) }));
      return saved;
    },

    async savePractitioner(input) {
      const saved = await transport.call('practitioners.save', input);
      set((state) => ({ practitioners: upsert(state.practitioners, saved) }));
      return saved;
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

    async checkUnsettled(practitionerId) {
      const { appointments } = await transport.call('schedule.unsettled', { practitionerId });
      // Nothing left to settle: a dialog that was open closes; none opens for nothing.
      set({ unsettled: appointments.length > 0 || get().unsettled ? { practitionerId, appointments } : null });
    },

    closeUnsettled() {
      set({ unsettled: null });
    },

    async moveUnsettled(row, slot) {
      await transport.call('appointments.reschedule', {
        id: row.appointmentId,
        startsAt: slot.startsAt,
        practitionerId: slot.practitionerId,
        roomId: slot.roomId,
      });
      await get().checkUnsettled(row.practitionerId);
    },

    async cancelUnsettled(row, reason) {
      await transport.call('appointments.cancel', { id: row.appointmentId, reason });
      await get().checkUnsettled(row.practitionerId);
    },

    async keepUnsettled(row) {
      await transport.call('schedule.keep', { appointmentId: row.appointmentId });
      await get().checkUnsettled(row.practitionerId);
    },

    connect() {
      const off = [transport.subscribe('practice.changed', () => void get().load()), transport.onReconnect(() => void get().load())];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type PracticeStore = ReturnType<typeof createPracticeStore>;

/** A specialty's name in the UI language. */
export function specialtyName(specialty: Pick<Specialty, 'nameEn' | 'namePt'> | undefined, locale: string): string {
  if (!specialty) return '';
  return locale === 'pt' ? specialty.namePt || specialty.nameEn : specialty.nameEn || specialty.namePt;
}
