import type { HandlerGroup } from '../rpc/handlers';
import { findFreeSlots, scheduleEnvOf } from './schedule.service';
import { keepAppointment, unsettledAppointments } from './schedule-problems.service';

export function scheduleHandlers(): HandlerGroup<'schedule.freeSlots' | 'schedule.unsettled' | 'schedule.keep'> {
  return {
    'schedule.freeSlots': async (input, ctx) => {
      const slots = await findFreeSlots(ctx.db, input, scheduleEnvOf({ now: ctx.now(), settings: await ctx.settings() }));
      return { slots };
    },
    'schedule.unsettled': async (input, ctx) => {
      const env = scheduleEnvOf({ now: ctx.now(), settings: await ctx.settings() });
      return { appointments: await unsettledAppointments(ctx.db, env, input.practitionerId) };
    },
    'schedule.keep': async (input, ctx) => {
      const kept = await keepAppointment(ctx.db, await ctx.request(), input.appointmentId);
      // The board drops the flag: it listens for changed appointments.
      ctx.emit('appointments.changed', { appointmentIds: [kept.id], days: [kept.day] });
      return { ok: true };
    },
  };
}
