import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { createSessionStore, withAuthGuard, type SessionState, type SessionStore } from '../auth/session.store';
import { createUiStore, type UiState, type UiStore, type UiStoreOptions } from '../app/ui.store';
import { createPracticeStore, type PracticeState, type PracticeStore } from '../practice/practice.store';
import { createPatientsStore, type PatientsState, type PatientsStore, type PatientsStoreOptions } from '../patients/patients.store';
import { createBookingStore, type BookingState, type BookingStore } from '../appointments/booking.store';
import { createBoardStore, type BoardState, type BoardStore } from '../board/board.store';
import { createStaffStore, type StaffState, type StaffStore } from '../staff/staff.store';
import { createQueueStore, type QueueState, type QueueStore } from '../queue/queue.store';
import { createDevicesStore, type DevicesState, type DevicesStore } from '../devices/devices.store';
import { createSyncStore, type SyncState, type SyncStore } from '../sync/sync.store';
import { createBackupStore, type BackupState, type BackupStore } from '../backup/backup.store';
import { createPrintStore, type PrintState, type PrintStore } from '../print/print.store';
import { todayIn } from '../i18n/format';
import type { Transport } from '../transport/transport';

/**
 * Stores are made by factories and handed down through context (the xyflow pattern), so
 * each test, and each signed-in session, gets fresh ones. Components read them through
 * the narrow selector hooks below and call their actions; only stores touch the transport.
 */
interface RootStores {
  transport: Transport;
  session: SessionStore;
  ui: UiStore;
}

interface SessionStores {
  practice: PracticeStore;
  patients: PatientsStore;
  /** A second patient search, for picking the patient while booking, independent of the Patients screen. */
  patientPicker: PatientsStore;
  booking: BookingStore;
  board: BoardStore;
  staff: StaffStore;
  queue: QueueStore;
  devices: DevicesStore;
  sync: SyncStore;
  backup: BackupStore;
  /** The document in the print view (day list, slip, upcoming appointments). */
  print: PrintStore;
}

const RootContext = createContext<RootStores | null>(null);
const SessionContext = createContext<SessionStores | null>(null);

export function RootStoresProvider({ transport, uiOptions, children }: { transport: Transport; uiOptions?: UiStoreOptions; children: ReactNode }) {
  const [stores] = useState<RootStores>(() => {
    const session = createSessionStore(transport);
    return { session, ui: createUiStore(uiOptions), transport: withAuthGuard(transport, session) };
  });
  return <RootContext.Provider value={stores}>{children}</RootContext.Provider>;
}

/** Stores that hold clinic data: created at sign-in, dropped at sign-out, so nothing outlives the session. */
export function SessionStoresProvider({ children, patientsOptions }: { children: ReactNode; patientsOptions?: PatientsStoreOptions }) {
  const root = useRootStores();
  const [stores] = useState<SessionStores>(() => {
    const today = () => todayIn(root.session.getState().settings?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
    return {
      practice: createPracticeStore(root.transport),
      patients: createPatientsStore(root.transport, patientsOptions),
      patientPicker: createPatientsStore(root.transport, { ...patientsOptions, limit: 8 }),
      booking: createBookingStore(root.transport, today),
      board: createBoardStore(root.transport, today),
      staff: createStaffStore(root.transport),
      queue: createQueueStore(root.transport, today),
      devices: createDevicesStore(root.transport),
      sync: createSyncStore(root.transport),
      backup: createBackupStore(root.transport),
      print: createPrintStore(root.transport, { zone: () => root.session.getState().settings?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone }),
    };
  });

  useEffect(() => {
    const off = [
      // Another workstation changed the clinic's settings (time zone, idle lock): follow them.
      root.transport.subscribe('settings.changed', () => void root.session.getState().refreshSettings()),
      stores.practice.getState().connect(),
      stores.patients.getState().connect(),
      stores.patientPicker.getState().connect(),
      stores.booking.getState().connect(),
      stores.board.getState().connect(),
      stores.queue.getState().connect(),
      stores.devices.getState().connect(),
      stores.staff.getState().connect(),
      stores.sync.getState().connect(),
      stores.backup.getState().connect(),
    ];
    void stores.practice.getState().load();
    void stores.sync.getState().load();
    void stores.backup.getState().load();
    // Calls made while the screen was locked failed: once unlocked, refetch what is on screen.
    const offLock = root.session.subscribe((state, previous) => {
      if (previous.isLocked && !state.isLocked) {
        void stores.practice.getState().load();
        if (stores.board.getState().status !== 'idle') void stores.board.getState().load({ quiet: true });
        if (stores.queue.getState().status !== 'idle') void stores.queue.getState().load({ quiet: true });
        if (stores.devices.getState().status !== 'idle') void stores.devices.getState().load({ quiet: true });
        void stores.booking.getState().loadSlots({ quiet: true });
        void stores.patients.getState().refreshDetail();
        void stores.sync.getState().load({ quiet: true });
        void stores.backup.getState().load({ quiet: true });
      }
    });
    return () => {
      off.forEach((disconnect) => disconnect());
      offLock();
    };
  }, [stores, root.session, root.transport]);

  return <SessionContext.Provider value={stores}>{children}</SessionContext.Provider>;
}

function useRootStores(): RootStores {
  const stores = useContext(RootContext);
  if (!stores) throw new Error('RootStoresProvider is missing');
  return stores;
}

function useSessionStores(): SessionStores {
  const stores = useContext(SessionContext);
  if (!stores) throw new Error('SessionStoresProvider is missing');
  return stores;
}

const bind =
  <S,>(pick: () => StoreApi<S>) =>
  <T,>(selector: (state: S) => T): T =>
    useStore(pick(), selector);

export const useSession = bind<SessionState>(() => useRootStores().session);
export const useUi = bind<UiState>(() => useRootStores().ui);
export const usePractice = bind<PracticeState>(() => useSessionStores().practice);
export const usePatients = bind<PatientsState>(() => useSessionStores().patients);
export const useBooking = bind<BookingState>(() => useSessionStores().booking);
export const useBoard = bind<BoardState>(() => useSessionStores().board);
export const useStaff = bind<StaffState>(() => useSessionStores().staff);
export const useQueue = bind<QueueState>(() => useSessionStores().queue);
export const useDevices = bind<DevicesState>(() => useSessionStores().devices);
export const useSync = bind<SyncState>(() => useSessionStores().sync);
export const useBackup = bind<BackupState>(() => useSessionStores().backup);
export const usePrint = bind<PrintState>(() => useSessionStores().print);

/** The session-guarded transport, for feature stores made inside their own component (renderer/faces). */
export const useTransport = () => useRootStores().transport;

/** The store objects themselves, for event handlers that read the latest state. */
export const useSessionStore = () => useRootStores().session;
export const useUiStore = () => useRootStores().ui;
export const usePracticeStore = () => useSessionStores().practice;
export const usePatientsStore = () => useSessionStores().patients;
export const usePatientPickerStore = () => useSessionStores().patientPicker;
export const useBookingStore = () => useSessionStores().booking;
export const useBoardStore = () => useSessionStores().board;
export const useStaffStore = () => useSessionStores().staff;
export const useQueueStore = () => useSessionStores().queue;
export const useDevicesStore = () => useSessionStores().devices;
export const useSyncStore = () => useSessionStores().sync;
export const useBackupStore = () => useSessionStores().backup;
export const usePrintStore = () => useSessionStores().print;
