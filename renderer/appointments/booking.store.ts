import { createStore } from 'zustand/vanilla';
import type { Appointment, PatientClashDetails, SlotTakenDetails } from '../../shared/appointments/appointments.contract';
import type { Slot } from '../../shared/schedule/schedule.contract';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export interface BookingState {
  specialtyId: number | null;
  /** null: any practitioner who offers the specialty. */
  practitionerId: number | null;
  day: string;
  slots: Slot[];
  slotsStatus: LoadStatus;
  slotsError: RpcError | null;
  patient: PatientSummary | null;
  selectedSlot: Slot | null;
  /** The chosen time disappeared on a refresh (someone else booked it): said, not silently dropped. */
  lostSlot: Slot | null;
  notes: string;
  isBooking: boolean;
  bookingError: RpcError | null;
  /** The slot the failed booking asked for, so the error can name who or what was busy. */
  attemptedSlot: Slot | null;
  /** The failed booking was a walk-in (so "book anyway" books the walk-in again). */
  wasWalkIn: boolean;
  lastBooked: Appointment | null;

  setSpecialty(id: number | null): void;
  setPractitioner(id: number | null): void;
  setDay(day: string): void;
  loadSlots(options?: { quiet?: boolean }): Promise<void>;
  setPatient(patient: PatientSummary | null): void;
  /** Picks the patient by id (arriving from a patient's page, or after creating one inline). */
  setPatientById(id: number): Promise<void>;
  selectSlot(slot: Slot | null): void;
  setNotes(notes: string): void;
  /** Books the selected slot, or the one given (a one-click alternative after SLOT_TAKEN). */
  book(slot?: Slot, options?: BookOptions): Promise<Appointment | null>;
  walkIn(options?: BookOptions): Promise<Appointment | null>;
  clearOutcome(): void;
  reset(day: string): void;
  connect(): () => void;
}

export interface BookOptions {
  /** The desk confirmed the patient is to be seen by two practitioners at once. */
  combinedVisit?: boolean;
}

export function patientClashDetails(error: RpcError | null): PatientClashDetails | null {
  if (!error || error.code !== 'PATIENT_ALREADY_BOOKED') return null;
  const { clash } = error.details as Partial<PatientClashDetails>;
  if (!clash || typeof clash.startsAt !== 'number') return null;
  return { clash };
}

export function slotTakenDetails(error: RpcError | null): SlotTakenDetails | null {
  if (!error || error.code !== 'SLOT_TAKEN') return null;
  const { clash, nextFree } = error.details as Partial<SlotTakenDetails>;
  if (!clash || typeof clash.startsAt !== 'number') return null;
  return { clash, nextFree: Array.isArray(nextFree) ? nextFree : [] };
}

export function createBookingStore(transport: Transport, today: () => string) {
  const latestSlots = createLatest();
  return createStore<BookingState>()((set, get) => ({
    specialtyId: null,
    practitionerId: null,
    day: today(),
    slots: [],
    slotsStatus: 'idle',
    slotsError: null,
    patient: null,
    selectedSlot: null,
    lostSlot: null,
    notes: '',
    isBooking: false,
    bookingError: null,
    attemptedSlot: null,
    wasWalkIn: false,
    lastBooked: null,

    setSpecialty(specialtyId) {
      set({ specialtyId, lostSlot: null, selectedSlot: null, bookingError: null, lastBooked: null });
      void get().loadSlots();
    },

    setPractitioner(practitionerId) {
      set({ practitionerId, lostSlot: null, selectedSlot: null, bookingError: null, lastBooked: null });
      void get().loadSlots();
    },

    setDay(day) {
      set({ day, lostSlot: null, selectedSlot: null, bookingError: null, lastBooked: null });
      void get().loadSlots();
    },

    async loadSlots({ quiet = false } = {}) {
      const { specialtyId, practitionerId, day } = get();
      const ticket = latestSlots.next();
      if (specialtyId === null) {
        set({ slots: [], slotsStatus: 'idle', slotsError: null });
        return;
      }
      if (!quiet) set({ slotsStatus: 'loading', slotsError: null });
      try {
        const { slots } = await transport.call('schedule.freeSlots', {
          specialtyId,
          day,
          ...(practitionerId !== null ? { practitionerId } : {}),
        });
        if (!latestSlots.isLatest(ticket)) return;
        const selected = get().selectedSlot;
        const stillFree = selected && slots.some((slot) => slot.practitionerId === selected.practitionerId && slot.startsAt === selected.startsAt);
        set({ slots, slotsStatus: 'ready', slotsError: null, selectedSlot: stillFree ? selected : null, lostSlot: selected && !stillFree ? selected : null });
      } catch (error) {
        if (!latestSlots.isLatest(ticket)) return;
        set({ slotsStatus: 'error', slotsError: toRpcError(error) });
      }
    },

    setPatient(patient) {
      set({ patient, bookingError: null, lastBooked: null });
    },

    async setPatientById(id) {
      if (get().patient?.id === id) return;
      try {
        const { id: patientId, fullName, preferredName, dateOfBirth, phone, taxId, email } = await transport.call('patients.get', { id });
        set({ patient: { id: patientId, fullName, preferredName, dateOfBirth, phone, taxId, email }, bookingError: null, lastBooked: null });
      } catch (error) {
        set({ bookingError: toRpcError(error) });
      }
    },

    selectSlot(selectedSlot) {
      set({ selectedSlot, lostSlot: null, bookingError: null, lastBooked: null });
    },

    setNotes(notes) {
      set({ notes });
    },

    async book(slotOverride, options = {}) {
      const { patient, specialtyId, notes } = get();
      const slot = slotOverride ?? get().selectedSlot;
      if (!patient || specialtyId === null || !slot) return null;
      set({ isBooking: true, bookingError: null, selectedSlot: slot, wasWalkIn: false });
      try {
        const appointment = await transport.call('appointments.book', {
          patientId: patient.id,
          specialtyId,
          practitionerId: slot.practitionerId,
          startsAt: slot.startsAt,
          roomId: slot.roomId,
          notes,
          combinedVisit: options.combinedVisit === true,
        });
        set({ isBooking: false, lastBooked: appointment, selectedSlot: null, lostSlot: null, notes: '' });
        void get().loadSlots({ quiet: true });
        return appointment;
      } catch (error) {
        set({ isBooking: false, bookingError: toRpcError(error), attemptedSlot: slot, selectedSlot: null, lostSlot: null });
        void get().loadSlots({ quiet: true });
        return null;
      }
    },

    async walkIn(options = {}) {
      const { patient, specialtyId, practitionerId, notes } = get();
      if (!patient || specialtyId === null) return null;
      set({ isBooking: true, bookingError: null, wasWalkIn: true });
      try {
        const appointment = await transport.call('appointments.bookWalkIn', {
          patientId: patient.id,
          specialtyId,
          notes,
          combinedVisit: options.combinedVisit === true,
          ...(practitionerId !== null ? { practitionerId } : {}),
        });
        set({ isBooking: false, lastBooked: appointment, selectedSlot: null, notes: '' });
        void get().loadSlots({ quiet: true });
        return appointment;
      } catch (error) {
        set({ isBooking: false, bookingError: toRpcError(error) });
        return null;
      }
    },

    clearOutcome() {
      set({ bookingError: null, lastBooked: null });
    },

    reset(day) {
      set({ day, selectedSlot: null, bookingError: null, lastBooked: null, notes: '' });
      void get().loadSlots();
    },

    connect() {
      const off = [
        transport.subscribe('appointments.changed', ({ days }) => {
          if (days.length === 0 || days.includes(get().day)) void get().loadSlots({ quiet: true });
        }),
        transport.subscribe('practice.changed', () => void get().loadSlots({ quiet: true })),
        transport.onReconnect(() => void get().loadSlots({ quiet: true })),
      ];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type BookingStore = ReturnType<typeof createBookingStore>;
