import { VIEW_REPEAT_MS } from '../audit/audit';
import type { HandlerGroup } from '../rpc/handlers';
import type { CallContext } from '../rpc/context';
import { announceQueueOnly } from '../queue/queue-events';
import { assertMayReadPatient } from '../patients/patient-reach';
import {
  appointmentsForPatient,
  bookAppointment,
  bookWalkIn,
  cancelAppointment,
  getAppointment,
  markNoShow,
  rescheduleAppointment,
  type AppointmentChange,
} from './appointments.service';

type AppointmentMethods =
  | 'appointments.get'
  | 'appointments.book'
  | 'appointments.bookWalkIn'
  | 'appointments.reschedule'
  | 'appointments.cancel'
  | 'appointments.markNoShow'
  | 'appointments.listForPatient';

function announce(ctx: CallContext, { appointment, days }: AppointmentChange) {
  ctx.emit('appointments.changed', { appointmentIds: [appointment.id], days });
  return appointment;
}

export function appointmentsHandlers(): HandlerGroup<AppointmentMethods> {
  return {
    'appointments.get': async (input, ctx) => {
      const appointment = await getAppointment(ctx.db, input.id);
      await assertMayReadPatient(ctx.db, ctx.actor, appointment.patientId);
      return appointment;
    },
    'appointments.listForPatient': async (input, ctx) => {
      const appointments = await appointmentsForPatient(ctx.db, input.patientId);
      await assertMayReadPatient(ctx.db, ctx.actor, input.patientId);
      ctx.audit({ action: 'patients.read', entity: 'patient', entityId: input.patientId, detail: 'appointments', repeatWithinMs: VIEW_REPEAT_MS });
      return appointments;
    },
    'appointments.book': async (input, ctx) => announce(ctx, await bookAppointment(ctx.db, input, await ctx.request())),
    'appointments.bookWalkIn': async (input, ctx) => {
      const { practitionerName, ...change } = await bookWalkIn(ctx.db, input, await ctx.request());
      return { ...announce(ctx, change), practitionerName };
    },
    'appointments.reschedule': async (input, ctx) => announce(ctx, await rescheduleAppointment(ctx.db, input, await ctx.request())),
    'appointments.cancel': async (input, ctx) => {
      const before = await getAppointment(ctx.db, input.id);
      const appointment = announce(ctx, await cancelAppointment(ctx.db, input, await ctx.request()));
      // A checked-in patient leaves the queue: the desk's queues and the waiting-room screen must drop the ticket.
      if (before.status === 'checked_in') await announceQueueOnly(ctx, { practitionerIds: [appointment.practitionerId], appointmentIds: [appointment.id] });
      return appointment;
    },
    'appointments.markNoShow': async (input, ctx) => announce(ctx, await markNoShow(ctx.db, input.id, await ctx.request())),
  };
}
