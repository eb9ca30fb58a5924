import type { HandlerGroup } from '../rpc/handlers';
import { checkInAppointment, checkInWalkIn } from './checkin.service';
import { announceQueueChange } from '../queue/queue-events';

export function checkinHandlers(): HandlerGroup<'checkin.checkIn' | 'checkin.walkIn'> {
  return {
    'checkin.checkIn': async (input, ctx) => {
      const { result, change } = await checkInAppointment(ctx.db, await ctx.request(), input.appointmentId);
      await announceQueueChange(ctx, change);
      return result;
    },

    'checkin.walkIn': async (input, ctx) => {
      const { result, change } = await checkInWalkIn(ctx.db, await ctx.request(), input);
      await announceQueueChange(ctx, change);
      return result;
    },
  };
}
