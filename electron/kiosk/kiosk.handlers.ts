import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter, limitKey } from '../rpc/attempt-limiter';
import { kioskCheckIn } from './kiosk.service';
import { announceQueueChange } from '../queue/queue-events';

/** Failed look-ups a kiosk may make before it has to wait: enough for typing slips, too few to guess with. */
export const KIOSK_ATTEMPTS = 5;
export const KIOSK_WINDOW_MS = 5 * 60_000;

export function kioskHandlers(limiter = new AttemptLimiter(KIOSK_ATTEMPTS, KIOSK_WINDOW_MS)): HandlerGroup<'kiosk.checkIn' | 'kiosk.info'> {
  return {
    'kiosk.checkIn': async (input, ctx) => {
      const key = limitKey(ctx);
      limiter.check(key, ctx.now(), 'Too many tries at this kiosk.');
      const { result, change, isFailure } = await kioskCheckIn(ctx.db, await ctx.request(), input);
      if (isFailure) limiter.fail(key, ctx.now());
      if (change) await announceQueueChange(ctx, change);
      return result;
    },

    'kiosk.info': async (_input, ctx) => {
      const settings = await ctx.settings();
      return { clinicName: settings.clinicName, locale: settings.locale, timeZone: settings.timeZone };
    },
  };
}
