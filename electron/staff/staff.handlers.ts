import type { SessionStore } from '../auth/session-store';
import type { HandlerGroup } from '../rpc/handlers';
import { allStaff, createStaff, updateStaffAccount } from './staff.service';

type StaffMethods = 'staff.list' | 'staff.create' | 'staff.update';

export function staffHandlers(sessions: SessionStore): HandlerGroup<StaffMethods> {
  return {
    'staff.list': (_input, ctx) => allStaff(ctx.db),
    'staff.create': async (input, ctx) => {
      const created = await createStaff(ctx.db, await ctx.request(), input);
      ctx.emit('staff.changed', {});
      return created;
    },
    'staff.update': async (input, ctx) => {
      const updated = await updateStaffAccount(ctx.db, await ctx.request(), sessions, input);
      ctx.emit('staff.changed', {});
      return updated;
    },
  };
}
