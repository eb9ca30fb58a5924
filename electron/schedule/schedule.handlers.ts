import type { HandlerGroup } from '../rpc/handlers';
import { readSettings } from '../settings/settings.repository';
import { findFreeSlots } from './schedule.service';

export function scheduleHandlers(): HandlerGroup<'schedule.freeSlots'> {
  return {
    'schedule.freeSlots': async (input, ctx) => {
      const settings = await readSettings(ctx.db);
      const slots = await findFreeSlots(ctx.db, input, {
        timeZone: settings.timeZone,
        slotStepMinutes: settings.slotStepMinutes,
        now: ctx.now(),
      });
      return { slots };
    },
  };
}
