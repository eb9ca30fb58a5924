import { createStore } from 'zustand/vanilla';
import type { Locale } from '../../shared/contract/common';
import type { Report, ReportPeriod } from '../../shared/reports/reports.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

/** One Reports screen's figures, made by the view that shows them: nothing outlives the screen. */
export interface ReportsState {
  /** A range of days (admins), or `'mine'`: today's own bookings. */
  period: ReportPeriod | null;
  report: Report | null;
  status: LoadStatus;
  error: RpcError | null;
  isExporting: boolean;
  load(period: ReportPeriod): Promise<void>;
  /** The report on screen as a CSV file (computed again by the desk, in the given language). */
  exportCsv(locale: Locale): Promise<{ blob: Blob; rows: number }>;
}

export function createReportsStore(transport: Transport) {
  const latest = createLatest();
  return createStore<ReportsState>()((set, get) => ({
    period: null,
    report: null,
    status: 'idle',
    error: null,
    isExporting: false,

    async load(period) {
      const ticket = latest.next();
      set({ period, status: 'loading', error: null });
      try {
        const report = period === 'mine' ? await transport.call('reports.mine', {}) : await transport.call('reports.get', period);
        if (latest.isLatest(ticket)) set({ report, status: 'ready' });
      } catch (error) {
        if (latest.isLatest(ticket)) set({ status: 'error', error: toRpcError(error), report: null });
      }
    },

    async exportCsv(locale) {
      const period = get().period;
      if (!period) throw new Error('no report to export');
      set({ isExporting: true });
      try {
        const { csv, rows } = await transport.call('reports.export', { period, locale });
        return { blob: new Blob([csv], { type: 'text/csv;charset=utf-8' }), rows };
      } finally {
        set({ isExporting: false });
      }
    },
  }));
}
