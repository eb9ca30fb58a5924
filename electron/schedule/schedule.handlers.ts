import type { HandlerGroup } from '../rpc/handlers';
import { findFreeSlots, scheduleEnvOf } from './schedule.service';

export function scheduleHandlers(): HandlerGroup<'schedule.freeSlots'> {
  return {
    'schedule.freeSlots': async (input, ctx) => {
      const slots = await findFreeSlots(ctx.db, input, scheduleEnvOf({ now: ctx.now(), settings: await ctx.settings() }));
      return { slots };
    },
  };
}
