import type { HandlerGroup } from '../rpc/handlers';
import { auditChoices, exportAudit, listAudit } from './audit.service';

type AuditMethods = 'audit.list' | 'audit.export' | 'audit.choices';

export function auditHandlers(): HandlerGroup<AuditMethods> {
  return {
    'audit.list': async (input, ctx) => listAudit(ctx.db, await ctx.request(), input),
    'audit.export': async (input, ctx) => exportAudit(ctx.db, await ctx.request(), input),
    'audit.choices': (_input, ctx) => auditChoices(ctx.db),
  };
}
