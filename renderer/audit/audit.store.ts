import { createStore } from 'zustand/vanilla';
import type { AuditCursor, AuditEntry, AuditFilters } from '../../shared/audit/audit.contract';
import type { Locale } from '../../shared/contract/common';
import type { MethodOutput } from '../../shared/contract/contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export type AuditChoices = MethodOutput<'audit.choices'>;

/**
 * One reading of the audit log (the Audit log screen, or a patient's "who has seen this"),
 * made by the component that shows it: nothing of it outlives the screen.
 */
export interface AuditState {
  filters: AuditFilters;
  entries: AuditEntry[];
  next: AuditCursor | null;
  status: LoadStatus;
  isLoadingMore: boolean;
  error: RpcError | null;
  choices: AuditChoices | null;
  isExporting: boolean;

  /** Shows the first page for these filters (recorded as an opening of the log). */
  load(filters: AuditFilters): Promise<void>;
  loadMore(): Promise<void>;
  loadChoices(): Promise<void>;
  /** The filtered log as one CSV file, fetched a chunk at a time. */
  exportCsv(locale: Locale): Promise<{ blob: Blob; rows: number }>;
  /** Patients to pick for the patient filter (search writes nothing to the log). */
  searchPatients(query: string): Promise<Array<{ id: number; fullName: string; dateOfBirth: string }>>;
}

/** Entries asked for at a time: a screenful or two. */
export const AUDIT_PAGE_SIZE = 50;

export function createAuditStore(transport: Transport) {
  const latest = createLatest();
  return createStore<AuditState>()((set, get) => ({
    filters: {},
    entries: [],
    next: null,
    status: 'idle',
    isLoadingMore: false,
    error: null,
    choices: null,
    isExporting: false,

    async load(filters) {
      const ticket = latest.next();
      set({ filters, status: 'loading', error: null });
      try {
        const page = await transport.call('audit.list', { filters, limit: AUDIT_PAGE_SIZE });
        if (!latest.isLatest(ticket)) return;
        set({ entries: page.entries, next: page.next, status: 'ready' });
      } catch (error) {
        if (latest.isLatest(ticket)) set({ status: 'error', error: toRpcError(error), entries: [], next: null });
      }
    },

    async loadMore() {
      const { next, filters, isLoadingMore } = get();
      if (!next || isLoadingMore) return;
      const ticket = latest.next();
      set({ isLoadingMore: true });
      try {
        const page = await transport.call('audit.list', { filters, after: next, limit: AUDIT_PAGE_SIZE });
        if (!latest.isLatest(ticket)) return;
        set((state) => ({ entries: [...state.entries, ...page.entries], next: page.next, isLoadingMore: false }));
      } catch (error) {
        if (latest.isLatest(ticket)) set({ isLoadingMore: false, error: toRpcError(error) });
      }
    },

    async loadChoices() {
      try {
        set({ choices: await transport.call('audit.choices', {}) });
      } catch (error) {
        set({ error: toRpcError(error) });
      }
    },

    async exportCsv(locale) {
      const { filters } = get();
      set({ isExporting: true });
      try {
        const parts: string[] = [];
        let rows = 0;
        let after: AuditCursor | undefined;
        do {
          const chunk = await transport.call('audit.export', { filters, locale, ...(after ? { after } : {}) });
          parts.push(chunk.csv);
          rows += chunk.rows;
          after = chunk.next ?? undefined;
        } while (after);
        return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows };
      } finally {
        set({ isExporting: false });
      }
    },

    async searchPatients(query) {
      if (query.trim().length < 2) return [];
      const { results } = await transport.call('patients.search', { query, limit: 8 });
      return results.map((row) => ({ id: row.id, fullName: row.fullName, dateOfBirth: row.dateOfBirth }));
    },
  }));
}

export type AuditStore = ReturnType<typeof createAuditStore>;
