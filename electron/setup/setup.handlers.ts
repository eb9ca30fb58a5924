import type { HandlerGroup } from '../rpc/handlers';
import { createClinic, startDemo } from './setup.service';

type SetupMethods = 'setup.startDemo' | 'setup.createClinic';

/** First run, before anybody can sign in: public, and refused once the clinic is set up. */
export function setupHandlers(): HandlerGroup<SetupMethods> {
  return {
    'setup.startDemo': async (input, ctx) => {
      await startDemo(ctx.db, ctx.now(), input);
      ctx.emit('settings.changed', {});
      ctx.emit('practice.changed', {});
      return { ok: true };
    },

    'setup.createClinic': async (input, ctx) => {
      await createClinic(ctx.db, ctx.now(), input);
      ctx.emit('settings.changed', {});
      return { ok: true };
    },
  };
}
