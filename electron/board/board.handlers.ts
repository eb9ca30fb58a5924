import type { HandlerGroup } from '../rpc/handlers';
import { requireSession } from '../rpc/context';
import { boardDay } from './board.service';

export function boardHandlers(): HandlerGroup<'board.day'> {
  return {
    'board.day': async (input, ctx) => {
      const session = requireSession(ctx);
      // A doctor sees only their own list, whatever the input asks for.
      const practitionerId = session.role === 'doctor' ? session.practitionerId : input.practitionerId;
      const { timeZone } = await ctx.settings();
      return boardDay(ctx.db, { day: input.day, practitionerId }, timeZone);
    },
  };
}
