import type { HandlerGroup } from '../rpc/handlers';
import { reportCsv } from './reports-csv';
import { computeReport, queryOf } from './reports.service';

type ReportsMethods = 'reports.get' | 'reports.mine' | 'reports.export';

export function reportsHandlers(): HandlerGroup<ReportsMethods> {
  return {
    'reports.get': async (input, ctx) => {
      const req = await ctx.request();
      return computeReport(ctx.db, queryOf(input, req), req);
    },
    'reports.mine': async (_input, ctx) => {
      const req = await ctx.request();
      return computeReport(ctx.db, queryOf('mine', req), req);
    },
    'reports.export': async (input, ctx) => {
      const req = await ctx.request();
      return reportCsv(await computeReport(ctx.db, queryOf(input.period, req), req), input.locale ?? req.settings.locale);
    },
  };
}
