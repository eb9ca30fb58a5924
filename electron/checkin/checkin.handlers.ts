import type { HandlerGroup } from '../rpc/handlers';
import { checkInAppointment, checkInWalkIn } from './checkin.service';
import { actorOf, announceQueueChange, queueEnvOf } from '../queue/queue-events';

export function checkinHandlers(): HandlerGroup<'checkin.checkIn' | 'checkin.walkIn'> {
  return {
    'checkin.checkIn': async (input, ctx) => {
      const env = await queueEnvOf(ctx);
      const { result, change } = await checkInAppointment(ctx.db, env, actorOf(ctx), input.appointmentId);
      await announceQueueChange(ctx, env, change);
      return result;
    },

    'checkin.walkIn': async (input, ctx) => {
      const env = await queueEnvOf(ctx);
      const { result, change } = await checkInWalkIn(ctx.db, env, actorOf(ctx), input);
      await announceQueueChange(ctx, env, change);
      return result;
    },
  };
}
