import type { Kysely } from 'kysely';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import type { Database } from '../db/schema';
import type { HandlerGroup } from '../rpc/handlers';
import { requireSession, type CallContext } from '../rpc/context';
import { actorOf, announceQueueChange, queueEnvOf } from './queue-events';
import { callNext, finish, leftUnseen, listQueue, move, recall, sendToRoom, start, type Actor, type QueueEnv, type QueueOutcome } from './queue.service';

type QueueMethods =
  | 'queue.list'
  | 'queue.callNext'
  | 'queue.recall'
  | 'queue.start'
  | 'queue.finish'
  | 'queue.sendToRoom'
  | 'queue.move'
  | 'queue.leftUnseen';

export function queueHandlers(): HandlerGroup<QueueMethods> {
  /** Runs one action on a queue entry and sends its events. */
  const acting =
    <I>(act: (input: I, db: Kysely<Database>, env: QueueEnv, actor: Actor) => Promise<QueueOutcome>) =>
    async (input: I, ctx: CallContext): Promise<QueueEntryView> => {
      const env = await queueEnvOf(ctx);
      const { view, change } = await act(input, ctx.db, env, actorOf(ctx));
      await announceQueueChange(ctx, env, change);
      return view;
    };

  return {
    'queue.list': async (input, ctx) => {
      const session = requireSession(ctx);
      const env = await queueEnvOf(ctx);
      // A doctor sees their own queue, whatever the input asks for (none, if not linked to a practitioner).
      if (session.role === 'doctor' && session.practitionerId === null) return { entries: [] };
      const practitionerId = session.role === 'doctor' ? session.practitionerId! : input.practitionerId;
      return { entries: await listQueue(ctx.db, env, { day: input.day, practitionerId }) };
    },

    'queue.callNext': async (input, ctx) => {
      const env = await queueEnvOf(ctx);
      const outcome = await callNext(ctx.db, env, actorOf(ctx), input.practitionerId, input.roomId);
      if (!outcome) return { called: null };
      await announceQueueChange(ctx, env, outcome.change);
      return { called: outcome.view };
    },

    'queue.recall': acting((input: { appointmentId: number }, db, env, actor) => recall(db, env, actor, input.appointmentId)),
    'queue.start': acting((input: { appointmentId: number }, db, env, actor) => start(db, env, actor, input.appointmentId)),
    'queue.finish': acting((input: { appointmentId: number }, db, env, actor) => finish(db, env, actor, input.appointmentId)),
    'queue.sendToRoom': acting((input: { appointmentId: number; roomId: number }, db, env, actor) =>
      sendToRoom(db, env, actor, input.appointmentId, input.roomId),
    ),
    'queue.leftUnseen': acting((input: { appointmentId: number; reason: string }, db, env, actor) =>
      leftUnseen(db, env, actor, input.appointmentId, input.reason),
    ),

    'queue.move': async (input, ctx) => {
      const env = await queueEnvOf(ctx);
      const { entries, change } = await move(ctx.db, env, actorOf(ctx), input);
      await announceQueueChange(ctx, env, change);
      return { entries };
    },
  };
}
