import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';
import type { Joiner } from '../sync/sync.module';
import { createClinic, joinClinic, startDemo } from './setup.service';

type SetupMethods = 'setup.startDemo' | 'setup.createClinic' | 'setup.joinClinic';

/** First run, before anybody can sign in: public, and refused once the clinic is set up. */
export function setupHandlers(joiner: Joiner): HandlerGroup<SetupMethods> {
  let isJoining = false;
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

    'setup.joinClinic': async (input, ctx) => {
      // One join at a time: a second click must not spend a second code.
      if (isJoining) throw new AppError('ALREADY_SET_UP', 'This desk is joining a clinic already.', { reason: 'JOIN_UNDERWAY' });
      isJoining = true;
      try {
        await joinClinic(ctx.db, () => ctx.now(), input, joiner);
      } finally {
        isJoining = false;
      }
      ctx.emit('settings.changed', {});
      ctx.emit('practice.changed', {});
      return { ok: true };
    },
  };
}
