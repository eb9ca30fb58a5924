import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter, limitKey } from '../security/attempt-limiter';
import { kioskCheckIn } from './kiosk.service';
import { announceQueueChange } from '../queue/queue-events';

/** Failed look-ups a kiosk may make before it has to wait: enough for typing slips, too few to guess with. */
export const KIOSK_ATTEMPTS = 5;
export const KIOSK_WINDOW_MS = 5 * 60_000;

export function kioskHandlers(
  limiter = new AttemptLimiter({ kind: 'window', limit: KIOSK_ATTEMPTS, windowMs: KIOSK_WINDOW_MS }),
): HandlerGroup<'kiosk.checkIn' | 'kiosk.info'> {
  return {
    'kiosk.checkIn': async (input, ctx) => {
      // Counted before the look-up, so that look-ups sent together each take a slot.
      const attempt = limiter.reserve(limitKey(ctx), ctx.now(), 'Too many tries at this kiosk.');
      try {
        const { result, change, isFailure } = await kioskCheckIn(ctx.db, await ctx.request(), input);
        if (isFailure) attempt.fail(ctx.now());
        else attempt.succeed();
        if (change) await announceQueueChange(ctx, change);
        return result;
      } finally {
        attempt.release();
      }
    },

    'kiosk.info': async (_input, ctx) => {
      const settings = await ctx.settings();
      return { clinicName: settings.clinicName, locale: settings.locale, timeZone: settings.timeZone };
    },
  };
}
