import type { HandlerGroup } from '../rpc/handlers';
import { requireSession } from '../rpc/context';
import { toStaffView } from '../staff/staff.repository';
import { authStatus, changePassword, checkSignIn, signInLimits, unlock, updateMe, upgradePasswordHash } from './auth.service';
import type { SessionStore } from './session-store';

type AuthMethods = 'auth.status' | 'auth.signIn' | 'auth.signOut' | 'auth.unlock' | 'auth.updateMe' | 'auth.changePassword';

export function authHandlers(sessions: Pick<SessionStore, 'deleteForStaff'>, limits = signInLimits()): HandlerGroup<AuthMethods> {
  return {
    'auth.status': async (_input, ctx) => authStatus(ctx.db, await ctx.settings(), ctx.session),

    'auth.signIn': async (input, ctx) => {
      const row = await checkSignIn(ctx.db, limits, input, ctx.source, ctx.now(), ctx);
      await upgradePasswordHash(ctx.db, row, input.password);
      ctx.auth.signIn({ id: row.id, username: row.username, role: row.role, practitionerId: row.practitioner_id });
      return { staff: toStaffView(row) };
    },

    'auth.signOut': (_input, ctx) => {
      ctx.auth.signOut();
      return { ok: true };
    },

    'auth.unlock': async (input, ctx) => {
      await unlock(ctx.db, limits, requireSession(ctx), ctx.auth, input.password, ctx.now());
      return { ok: true };
    },

    'auth.updateMe': async (input, ctx) => {
      const me = await updateMe(ctx.db, requireSession(ctx).staffId, input);
      ctx.emit('staff.changed', {});
      return me;
    },

    'auth.changePassword': async (input, ctx) => {
      await changePassword(ctx.db, await ctx.request(), sessions, requireSession(ctx), input);
      ctx.emit('staff.changed', {});
      return { ok: true };
    },
  };
}
