import type { HandlerGroup } from '../rpc/handlers';
import { kioskCheckIn } from './kiosk.service';
import { KioskThrottle } from './kiosk-throttle';
import { announceQueueChange } from '../queue/queue-events';
import { deviceHasPrinter } from '../devices/devices.service';

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

export function kioskHandlers(pacing: KioskPacing = realKioskPacing, throttle = new KioskThrottle()): HandlerGroup<'kiosk.checkIn' | 'kiosk.info'> {
  return {
    'kiosk.checkIn': async (input, ctx) => {
      const startedAt = pacing.clock();
      // Counted before the look-up, per kiosk and per identity tried, so that look-ups sent
      // together each take a slot. A refusal says how long to wait and nothing else: it
      // depends only on the tries, never on whether the details belong to anyone.
      const attempt = throttle.reserveTyped(ctx, input);
      try {
        // A transaction of its own (the method does not write as a whole): the pause below
        // must not hold the database from everyone else.
        const { result, isFailure } = await ctx.transaction(async (tx) => {
          const outcome = await kioskCheckIn(tx.db, await tx.request(), input);
          if (outcome.change) await announceQueueChange(tx, outcome.change);
          return outcome;
        });
        if (isFailure) {
          attempt.fail(ctx.now());
          // The desk's Screens card shows a kiosk that has to wait.
          if (throttle.isWaiting(ctx)) ctx.emit('devices.changed', {});
        } else attempt.succeed();
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
      return {
        clinicName: settings.clinicName,
        locale: settings.locale,
        timeZone: settings.timeZone,
        hasPrinter: await deviceHasPrinter(ctx.db, ctx.device?.id ?? null),
      };
    },
  };
}
