import type { Kysely } from 'kysely';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import type { Database } from '../db/schema';
import type { HandlerGroup } from '../rpc/handlers';
import { requireSession, type CallContext } from '../rpc/context';
import { announceQueueChange } from './queue-events';
import { listQueue } from './queue-view.service';
import { callNext, finish, leftUnseen, listRooms, move, recall, sendToRoom, start, type QueueOutcome } from './queue.service';
import type { RequestContext } from '../rpc/context';

type QueueMethods =
  'queue.list' | 'queue.rooms' | 'queue.callNext' | 'queue.recall' | 'queue.start' | 'queue.finish' | 'queue.sendToRoom' | 'queue.move' | 'queue.leftUnseen';

export function queueHandlers(): HandlerGroup<QueueMethods> {
  /** Runs one action on a queue entry and sends its events. */
  const acting =
    <I>(act: (input: I, db: Kysely<Database>, req: RequestContext) => Promise<QueueOutcome>) =>
    async (input: I, ctx: CallContext): Promise<QueueEntryView> => {
      const { view, change } = await act(input, ctx.db, await ctx.request());
      await announceQueueChange(ctx, change);
      return view;
    };

  return {
    'queue.list': async (input, ctx) => {
      const session = requireSession(ctx);
      const req = await ctx.request();
      // A doctor sees their own queue, whatever the input asks for (none, if not linked to a practitioner).
      if (session.role === 'doctor' && session.practitionerId === null) return { entries: [] };
      const practitionerId = session.role === 'doctor' ? session.practitionerId! : input.practitionerId;
      return { entries: await listQueue(ctx.db, req, { day: input.day, practitionerId }) };
    },

    'queue.rooms': async (_input, ctx) => ({ rooms: await listRooms(ctx.db, await ctx.request()) }),

    'queue.callNext': async (input, ctx) => {
      const outcome = await callNext(ctx.db, await ctx.request(), input.practitionerId, input.roomId);
      if (!outcome) return { called: null };
      await announceQueueChange(ctx, outcome.change);
      return { called: outcome.view };
    },

    'queue.recall': acting((input: { appointmentId: number }, db, req) => recall(db, req, input.appointmentId)),
    'queue.start': acting((input: { appointmentId: number }, db, req) => start(db, req, input.appointmentId)),
    'queue.finish': acting((input: { appointmentId: number }, db, req) => finish(db, req, input.appointmentId)),
    'queue.sendToRoom': acting((input: { appointmentId: number; roomId: number }, db, req) => sendToRoom(db, req, input.appointmentId, input.roomId)),
    'queue.leftUnseen': acting((input: { appointmentId: number; reason: string }, db, req) => leftUnseen(db, req, input.appointmentId, input.reason)),

    'queue.move': async (input, ctx) => {
      const { entries, change } = await move(ctx.db, await ctx.request(), input);
      await announceQueueChange(ctx, change);
      return { entries };
    },
  };
}
