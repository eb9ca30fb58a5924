import { createStore } from 'zustand/vanilla';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { MergeOutcome, Patient, PatientSummary } from '../../shared/patients/patients.contract';
import type { MethodInput } from '../../shared/contract/contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export type PatientFieldsInput = MethodInput<'patients.create'>['fields'];

export interface PatientDetail {
  id: number;
  patient: Patient | null;
  appointments: Appointment[] | null;
  status: LoadStatus;
  error: RpcError | null;
}

export interface PatientsState {
  query: string;
  results: PatientSummary[];
  /** The query the results belong to (the box may already hold a newer one). */
  resultsFor: string;
  searchStatus: LoadStatus;
  searchError: RpcError | null;
  /** Keyboard selection in the results list. */
  activeIndex: number;
  detail: PatientDetail | null;

  setQuery(query: string): void;
  /** Runs the search for the current query now (used by the debounce and on refresh). */
  search(): Promise<void>;
  moveActive(delta: number): void;
  setActive(index: number): void;
  clearSearch(): void;
  openDetail(id: number): Promise<void>;
  refreshDetail(): Promise<void>;
  create(fields: PatientFieldsInput, confirmedNotDuplicate?: boolean): Promise<Patient>;
  update(id: number, fields: PatientFieldsInput, confirmedNotDuplicate?: boolean): Promise<Patient>;
  /** Other records that may be the same person, for "Merge with…" (not the search box's list). */
  findMergeCandidates(query: string, survivorId: number): Promise<PatientSummary[]>;
  /** What merging `duplicateId` into `survivorId` would move (for the confirmation). */
  previewMerge(survivorId: number, duplicateId: number): Promise<MergeOutcome>;
  /** Merges the duplicate into the survivor, and shows the survivor. */
  merge(survivorId: number, duplicateId: number): Promise<MergeOutcome>;
  connect(): () => void;
}

export interface PatientsStoreOptions {
  /** Milliseconds to wait after a keystroke: short, so typing feels instant, long enough to skip a burst. */
  debounceMs?: number;
  limit?: number;
}

export function createPatientsStore(transport: Transport, options: PatientsStoreOptions = {}) {
  // Search answers in about a millisecond and stale answers are dropped: a short pause only
  // merges keys typed in the same instant (a paste, a barcode scanner).
  const debounceMs = options.debounceMs ?? 10;
  const limit = options.limit ?? 20;
  const latestSearch = createLatest();
  const latestDetail = createLatest();
  let timer: ReturnType<typeof setTimeout> | null = null;

  return createStore<PatientsState>()((set, get) => ({
    query: '',
    results: [],
    resultsFor: '',
    searchStatus: 'idle',
    searchError: null,
    activeIndex: 0,
    detail: null,

    setQuery(query) {
      set({ query });
      if (timer) clearTimeout(timer);
      if (query.trim() === '') {
        latestSearch.next();
        set({ results: [], resultsFor: '', searchStatus: 'idle', searchError: null, activeIndex: 0 });
        return;
      }
      if (debounceMs <= 0) void get().search();
      else timer = setTimeout(() => void get().search(), debounceMs);
    },

    async search() {
      const query = get().query.trim();
      if (query === '') return;
      const ticket = latestSearch.next();
      set({ searchStatus: 'loading' });
      try {
        const { results } = await transport.call('patients.search', { query, limit });
        // An older, slower answer must not overwrite a newer one.
        if (!latestSearch.isLatest(ticket)) return;
        const sameQuery = get().resultsFor === query;
        set({
          results,
          resultsFor: query,
          searchStatus: 'ready',
          searchError: null,
          activeIndex: sameQuery ? Math.min(get().activeIndex, Math.max(0, results.length - 1)) : 0,
        });
      } catch (error) {
        if (!latestSearch.isLatest(ticket)) return;
        set({ searchStatus: 'error', searchError: toRpcError(error) });
      }
    },

    moveActive(delta) {
      const { results, activeIndex } = get();
      if (results.length === 0) return;
      set({ activeIndex: Math.min(results.length - 1, Math.max(0, activeIndex + delta)) });
    },

    setActive(index) {
      set({ activeIndex: index });
    },

    clearSearch() {
      get().setQuery('');
    },

    async openDetail(id) {
      const ticket = latestDetail.next();
      const current = get().detail;
      set({ detail: current?.id === id ? { ...current, status: 'loading' } : { id, patient: null, appointments: null, status: 'loading', error: null } });
      try {
        const [patient, appointments] = await Promise.all([
          transport.call('patients.get', { id }),
          transport.call('appointments.listForPatient', { patientId: id }),
        ]);
        if (!latestDetail.isLatest(ticket)) return;
        set({ detail: { id, patient, appointments, status: 'ready', error: null } });
      } catch (error) {
        if (!latestDetail.isLatest(ticket)) return;
        set((state) => ({ detail: { ...(state.detail ?? { id, patient: null, appointments: null }), id, status: 'error', error: toRpcError(error) } }));
      }
    },

    async refreshDetail() {
      const detail = get().detail;
      if (detail) await get().openDetail(detail.id);
    },

    async create(fields, confirmedNotDuplicate = false) {
      const patient = await transport.call('patients.create', { fields, confirmedNotDuplicate });
      set({ detail: { id: patient.id, patient, appointments: [], status: 'ready', error: null } });
      return patient;
    },

    async findMergeCandidates(query, survivorId) {
      if (query.trim() === '') return [];
      const { results } = await transport.call('patients.search', { query, limit: 8 });
      return results.filter((row) => row.id !== survivorId);
    },

    previewMerge(survivorId, duplicateId) {
      return transport.call('patients.mergePreview', { survivorId, duplicateId });
    },

    async merge(survivorId, duplicateId) {
      const { outcome } = await transport.call('patients.merge', { survivorId, duplicateId });
      // The duplicate no longer turns up in search.
      set((state) => ({ results: state.results.filter((row) => row.id !== duplicateId) }));
      await get().openDetail(survivorId);
      return outcome;
    },

    async update(id, fields, confirmedNotDuplicate = false) {
      const patient = await transport.call('patients.update', { id, fields, confirmedNotDuplicate });
      set((state) => ({
        detail: state.detail?.id === id ? { ...state.detail, patient } : state.detail,
        results: state.results.map((row) =>
          row.id === id
            ? {
                ...row,
                fullName: patient.fullName,
                preferredName: patient.preferredName,
                dateOfBirth: patient.dateOfBirth,
                phone: patient.phone,
                taxId: patient.taxId,
                email: patient.email,
              }
            : row,
        ),
      }));
      return patient;
    },

    connect() {
      const refresh = () => {
        if (get().query.trim()) void get().search();
        void get().refreshDetail();
      };
      const off = [
        transport.subscribe('patients.changed', ({ patientIds }) => {
          const { detail } = get();
          // A new or renamed patient may now match (or stop matching) what is typed.
          if (get().query.trim()) void get().search();
          if (detail && patientIds.includes(detail.id)) void get().refreshDetail();
        }),
        transport.subscribe('appointments.changed', () => {
          if (get().detail) void get().refreshDetail();
        }),
        transport.onReconnect(refresh),
      ];
      return () => {
        off.forEach((unsubscribe) => unsubscribe());
        if (timer) clearTimeout(timer);
      };
    },
  }));
}

export type PatientsStore = ReturnType<typeof createPatientsStore>;
