import type { CallContext } from '../rpc/context';
import { displayState } from '../display/display.service';
import type { QueueChange } from './queue.service';

/**
 * The events every queue change sends, after the commit: the board's, the queues', and the
 * waiting-room view, computed now from inside the transaction so it shows exactly what
 * was committed.
 */
export async function announceQueueChange(ctx: CallContext, change: QueueChange): Promise<void> {
  ctx.emit('appointments.changed', { appointmentIds: change.appointmentIds, days: change.days });
  await announceQueueOnly(ctx, change);
}

/** The queues' and the display's events, for a change whose board event is sent already (a cancelled check-in). */
export async function announceQueueOnly(ctx: CallContext, change: Pick<QueueChange, 'practitionerIds' | 'appointmentIds'>): Promise<void> {
  ctx.emit('queue.changed', { practitionerIds: change.practitionerIds, appointmentIds: change.appointmentIds });
  ctx.emit('display.changed', await displayState(ctx.db, await ctx.settings(), ctx.now()));
}
