import type { CallContext } from '../rpc/context';
import { readSettings } from '../settings/settings.repository';
import { displayState } from '../display/display.service';
import type { Actor, QueueChange, QueueEnv } from './queue.service';

/** The clinic's settings and the moment, read once per call. */
export async function queueEnvOf(ctx: CallContext): Promise<QueueEnv> {
  return { now: ctx.now(), settings: await readSettings(ctx.db) };
}

/** The member of staff, or the screen, making the call (the dispatcher has checked that there is one). */
export function actorOf(ctx: CallContext): Actor {
  if (ctx.session) {
    return { staffId: ctx.session.staffId, role: ctx.session.role, practitionerId: ctx.session.practitionerId, workstation: ctx.workstation };
  }
  if (ctx.device) {
    const which = ctx.device.id === null ? `built-in ${ctx.device.role}` : `${ctx.device.role} #${ctx.device.id}`;
    return { staffId: null, role: ctx.device.role, practitionerId: null, workstation: `${ctx.workstation} (${which} "${ctx.device.name}")` };
  }
  throw new Error('actorOf called without a session or a device');
}

/**
 * The events every queue change sends, after the commit: the board's, the queues', and the
 * waiting-room view, computed now from inside the transaction so it shows exactly what
 * was committed.
 */
export async function announceQueueChange(ctx: CallContext, env: QueueEnv, change: QueueChange): Promise<void> {
  ctx.emit('appointments.changed', { appointmentIds: change.appointmentIds, days: change.days });
  await announceQueueOnly(ctx, change);
}

/** The queues' and the display's events, for a change whose board event is sent already (a cancelled check-in). */
export async function announceQueueOnly(ctx: CallContext, change: Pick<QueueChange, 'practitionerIds' | 'appointmentIds'>): Promise<void> {
  ctx.emit('queue.changed', { practitionerIds: change.practitionerIds, appointmentIds: change.appointmentIds });
  ctx.emit('display.changed', await displayState(ctx.db, await readSettings(ctx.db), ctx.now()));
}
