import type { HandlerGroup } from '../rpc/handlers';
import { reportCsv } from './reports-csv';
import { computeReport } from './reports.service';

type ReportsMethods = 'reports.get' | 'reports.export';

export function reportsHandlers(): HandlerGroup<ReportsMethods> {
  return {
    'reports.get': async (input, ctx) => computeReport(ctx.db, input, await ctx.request()),
    'reports.export': async (input, ctx) => {
      const req = await ctx.request();
      return reportCsv(await computeReport(ctx.db, input.query, req), input.locale ?? req.settings.locale);
    },
  };
}
