import { createStore } from 'zustand/vanilla';
import type { Appointment, AppointmentStatus } from '../../shared/appointments/appointments.contract';
import type { MethodOutput } from '../../shared/contract/contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { dayOf } from '../i18n/format';
import { createLatest, toRpcError } from '../stores/store-utils';

export type BoardDay = MethodOutput<'board.day'>;

/** The day's list: the whole board, narrowed to one practitioner (or none: the whole clinic) in the print view. */
export interface DayListDocument {
  kind: 'dayList';
  board: BoardDay;
  practitionerId: number | null;
}

/** What the patient takes home: where and when, and the code they may type at the kiosk. */
export interface SlipDocument {
  kind: 'slip';
  appointment: Appointment;
  patientName: string;
  practitionerName: string;
  specialtyNameEn: string;
  specialtyNamePt: string;
  roomName: string | null;
}

export interface UpcomingRow {
  id: number;
  startsAt: number;
  endsAt: number;
  practitionerName: string;
  specialtyNameEn: string;
  specialtyNamePt: string;
  roomName: string | null;
  status: AppointmentStatus;
}

export interface UpcomingDocument {
  kind: 'upcoming';
  patientName: string;
  rows: UpcomingRow[];
}

export type PrintDocument = DayListDocument | SlipDocument | UpcomingDocument;

/** Still to come: a cancelled, missed or finished visit is not on the list the patient takes home. */
const UPCOMING: readonly AppointmentStatus[] = ['booked', 'checked_in', 'called', 'in_consultation'];

export interface PrintState {
  document: PrintDocument | null;
  /** What is being fetched for a document about to open. */
  isLoading: boolean;
  error: RpcError | null;

  openDayList(day: string, practitionerId?: number | null): Promise<void>;
  openSlip(appointmentId: number): Promise<void>;
  openUpcoming(patient: { id: number; fullName: string }): Promise<void>;
  /** One practitioner's list, or the whole clinic's (null). */
  showPractitioner(practitionerId: number | null): void;
  close(): void;
}

export interface PrintStoreOptions {
  /** The clinic's time zone: which day an appointment falls on. */
  zone(): string;
  now?: () => number;
}

/**
 * The documents the desk prints, each fetched whole before it opens: the print view shows
 * a document, never a half-loaded one. Only the newest request opens.
 */
export function createPrintStore(transport: Transport, options: PrintStoreOptions) {
  const latest = createLatest();
  const now = options.now ?? Date.now;
  return createStore<PrintState>()((set, get) => {
    const open = async (load: () => Promise<PrintDocument>) => {
      const ticket = latest.next();
      set({ isLoading: true, error: null });
      try {
        const document = await load();
        if (latest.isLatest(ticket)) set({ document, isLoading: false });
      } catch (error) {
        if (latest.isLatest(ticket)) set({ isLoading: false, error: toRpcError(error) });
      }
    };
    return {
      document: null,
      isLoading: false,
      error: null,

      openDayList: (day, practitionerId = null) => open(async () => ({ kind: 'dayList', board: await transport.call('board.day', { day }), practitionerId })),

      openSlip: (appointmentId) =>
        open(async () => {
          const appointment = await transport.call('appointments.get', { id: appointmentId });
          const board = await transport.call('board.day', { day: dayOf(appointment.startsAt, options.zone()), practitionerId: appointment.practitionerId });
          const row = board.appointments.find((candidate) => candidate.id === appointment.id);
          if (!row) throw new Error('The appointment is not on its day.');
          return {
            kind: 'slip',
            appointment,
            patientName: row.patientName,
            practitionerName: board.practitioners.find((practitioner) => practitioner.id === appointment.practitionerId)?.fullName ?? '',
            specialtyNameEn: row.specialtyNameEn,
            specialtyNamePt: row.specialtyNamePt,
            roomName: row.roomName,
          };
        }),

      openUpcoming: (patient) =>
        open(async () => {
          const [appointments, practitioners, specialties, rooms] = await Promise.all([
            transport.call('appointments.listForPatient', { patientId: patient.id }),
            transport.call('practitioners.list', {}),
            transport.call('specialties.list', {}),
            transport.call('rooms.list', {}),
          ]);
          const at = now();
          const rows = appointments
            .filter((appointment) => appointment.endsAt > at && UPCOMING.includes(appointment.status))
            .sort((a, b) => a.startsAt - b.startsAt)
            .map((appointment) => {
              const specialty = specialties.find((candidate) => candidate.id === appointment.specialtyId);
              return {
                id: appointment.id,
                startsAt: appointment.startsAt,
                endsAt: appointment.endsAt,
                practitionerName: practitioners.find((candidate) => candidate.id === appointment.practitionerId)?.fullName ?? '',
                specialtyNameEn: specialty?.nameEn ?? '',
                specialtyNamePt: specialty?.namePt ?? '',
                roomName: rooms.find((candidate) => candidate.id === appointment.roomId)?.name ?? null,
                status: appointment.status,
              };
            });
          return { kind: 'upcoming', patientName: patient.fullName, rows };
        }),

      showPractitioner(practitionerId) {
        const document = get().document;
        if (document?.kind === 'dayList') set({ document: { ...document, practitionerId } });
      },

      close() {
        latest.next();
        set({ document: null, isLoading: false, error: null });
      },
    };
  });
}

export type PrintStore = ReturnType<typeof createPrintStore>;
