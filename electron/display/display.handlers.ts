import type { HandlerGroup } from '../rpc/handlers';
import { readSettings } from '../settings/settings.repository';
import { displayState } from './display.service';

export function displayHandlers(): HandlerGroup<'display.state'> {
  return {
    'display.state': async (_input, ctx) => displayState(ctx.db, await readSettings(ctx.db), ctx.now()),
  };
}
