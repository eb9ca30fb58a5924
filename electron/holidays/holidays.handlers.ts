import type { HandlerGroup } from '../rpc/handlers';
import type { CallContext } from '../rpc/context';
import { addHoliday, changeHoliday, holidaysOfYear, prefillNational, removeHoliday, type HolidayEnv } from './holidays.service';

type HolidayMethods = 'holidays.list' | 'holidays.prefillNational' | 'holidays.add' | 'holidays.update' | 'holidays.remove';

async function envOf(ctx: CallContext): Promise<HolidayEnv> {
  return { timeZone: (await ctx.settings()).timeZone, now: ctx.now() };
}

/** A holiday changes when the clinic can be booked: open screens refetch their free times. */
function changed(ctx: CallContext, action: string, entityId: number | null, detail?: Record<string, unknown>): void {
  ctx.audit({ action, entity: 'clinic_holiday', ...(entityId === null ? {} : { entityId }), ...(detail ? { detail } : {}) });
  ctx.emit('practice.changed', {});
}

export function holidaysHandlers(): HandlerGroup<HolidayMethods> {
  return {
    'holidays.list': (input, ctx) => holidaysOfYear(ctx.db, input.year),
    'holidays.prefillNational': async (input, ctx) => {
      const result = await prefillNational(ctx.db, await envOf(ctx), input.year);
      changed(ctx, 'holidays.prefillNational', null, { year: input.year, days: result.added.map((h) => h.day) });
      return result;
    },
    'holidays.add': async (input, ctx) => {
      const result = await addHoliday(ctx.db, await envOf(ctx), input);
      changed(ctx, 'holidays.add', result.holiday.id, { day: result.holiday.day });
      return result;
    },
    'holidays.update': async (input, ctx) => {
      const result = await changeHoliday(ctx.db, await envOf(ctx), input);
      changed(ctx, 'holidays.update', result.holiday.id, { day: result.holiday.day });
      return result;
    },
    'holidays.remove': async (input, ctx) => {
      const removed = await removeHoliday(ctx.db, input.id, ctx.now());
      changed(ctx, 'holidays.remove', removed.id, { day: removed.day });
      return { ok: true };
    },
  };
}
