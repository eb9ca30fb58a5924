import { VIEW_REPEAT_MS } from '../audit/audit';
import type { HandlerGroup } from '../rpc/handlers';
import type { CallContext } from '../rpc/context';
import { assertMayReadPatient } from '../patients/patient-reach';
import { scheduleEnvOf } from '../schedule/schedule.service';
import { planSeries } from './series-plan.service';
import { bookSeries, cancelSeriesFrom, getSeries, moveSeriesFrom, seriesOfPatient, type SeriesChange } from './series.service';

type SeriesMethods = 'series.plan' | 'series.book' | 'series.get' | 'series.listForPatient' | 'series.cancelFrom' | 'series.moveFrom';

function announce(ctx: CallContext, { seriesId, appointments, days }: SeriesChange) {
  ctx.emit('appointments.changed', { appointmentIds: appointments.map((a) => a.id), days });
  return { seriesId, appointments };
}

export function seriesHandlers(): HandlerGroup<SeriesMethods> {
  return {
    'series.plan': async (input, ctx) => planSeries(ctx.db, input, scheduleEnvOf(await ctx.request())),
    'series.book': async (input, ctx) => announce(ctx, await bookSeries(ctx.db, input, await ctx.request())),
    'series.cancelFrom': async (input, ctx) => announce(ctx, await cancelSeriesFrom(ctx.db, input, await ctx.request())),
    'series.moveFrom': async (input, ctx) => announce(ctx, await moveSeriesFrom(ctx.db, input, await ctx.request())),
    'series.get': async (input, ctx) => {
      const series = await getSeries(ctx.db, input.seriesId, await ctx.request());
      await assertMayReadPatient(ctx.db, ctx.actor, series.patientId);
      ctx.audit({ action: 'patients.read', entity: 'patient', entityId: series.patientId, detail: 'appointments', repeatWithinMs: VIEW_REPEAT_MS });
      return series;
    },
    'series.listForPatient': async (input, ctx) => {
      const list = await seriesOfPatient(ctx.db, input.patientId, await ctx.request());
      await assertMayReadPatient(ctx.db, ctx.actor, input.patientId);
      ctx.audit({ action: 'patients.read', entity: 'patient', entityId: input.patientId, detail: 'appointments', repeatWithinMs: VIEW_REPEAT_MS });
      return list;
    },
  };
}
