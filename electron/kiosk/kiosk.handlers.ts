import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter, limitKey } from '../security/attempt-limiter';
import { kioskCheckIn } from './kiosk.service';
import { announceQueueChange } from '../queue/queue-events';

/** Failed look-ups a kiosk may make before it has to wait: enough for typing slips, too few to guess with. */
export const KIOSK_ATTEMPTS = 5;
export const KIOSK_WINDOW_MS = 5 * 60_000;

/**
 * The least time an answer without a ticket takes: longer than any look-up, so that a
 * stranger, a patient with nothing today and one booked later all answer after the same time.
 */
export const KIOSK_ANSWER_MS = 400;

/** How the kiosk's answers are paced; injectable so that tests need not wait. */
export interface KioskPacing {
  /** Every answer without a ticket takes at least this long, from the start of the call. */
  minimumMs: number;
  /** A monotonic clock in milliseconds (not the clinic's clock, which tests move at will). */
  clock(): number;
  sleep(ms: number): Promise<void>;
}

export const realKioskPacing: KioskPacing = {
  minimumMs: KIOSK_ANSWER_MS,
  clock: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function kioskHandlers(
  pacing: KioskPacing = realKioskPacing,
  limiter = new AttemptLimiter({ kind: 'window', limit: KIOSK_ATTEMPTS, windowMs: KIOSK_WINDOW_MS }),
): HandlerGroup<'kiosk.checkIn' | 'kiosk.info'> {
  return {
    'kiosk.checkIn': async (input, ctx) => {
      const startedAt = pacing.clock();
      // Counted before the look-up, so that look-ups sent together each take a slot.
      const attempt = limiter.reserve(limitKey(ctx), ctx.now(), 'Too many tries at this kiosk.');
      try {
        // A transaction of its own (the method does not write as a whole): the pause below
        // must not hold the database from everyone else.
        const { result, isFailure } = await ctx.transaction(async (tx) => {
          const outcome = await kioskCheckIn(tx.db, await tx.request(), input);
          if (outcome.change) await announceQueueChange(tx, outcome.change);
          return outcome;
        });
        if (isFailure) attempt.fail(ctx.now());
        else attempt.succeed();
        if (result.outcome === 'seeDesk') {
          const left = pacing.minimumMs - (pacing.clock() - startedAt);
          if (left > 0) await pacing.sleep(left);
        }
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
