import type { HandlerGroup } from '../rpc/handlers';
import { displayState } from './display.service';

export function displayHandlers(): HandlerGroup<'display.state'> {
  return {
    'display.state': async (_input, ctx) => displayState(ctx.db, await ctx.settings(), ctx.now()),
  };
}
