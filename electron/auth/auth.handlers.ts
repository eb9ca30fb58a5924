import { AppError } from '../../shared/contract/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { seedDemoClinic, DEMO_ACCOUNTS } from '../demo/demo-clinic';
import type { HandlerGroup } from '../rpc/handlers';
import { requireSession } from '../rpc/context';
import { readSettings, writeSettings } from '../settings/settings.repository';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from './password';
import { findStaffById, findStaffByUsername, insertStaff, recordAudit, toStaffView } from '../staff/staff.repository';
import type { SessionStore } from './session-store';
import { SignInThrottle } from './sign-in-throttle';

type AuthMethods =
  | 'auth.status'
  | 'auth.signIn'
  | 'auth.signOut'
  | 'auth.unlock'
  | 'auth.updateMe'
  | 'auth.changePassword'
  | 'setup.startDemo'
  | 'setup.createClinic'
  | 'staff.list'
  | 'staff.create'
  | 'staff.update';

async function assertNotSetUp(db: Kysely<Database>): Promise<void> {
  const settings = await readSettings(db);
  const staff = await db.selectFrom('staff').select('id').limit(1).executeTakeFirst();
  if (settings.setUpAt !== null || staff) throw new AppError('ALREADY_SET_UP', 'This clinic is already set up.');
}

export function authHandlers(sessions: SessionStore, throttle = new SignInThrottle()): HandlerGroup<AuthMethods> {
  return {
    'auth.status': async (_input, ctx) => {
      const settings = await readSettings(ctx.db);
      const staffRow = ctx.session ? await findStaffById(ctx.db, ctx.session.staffId) : undefined;
      return {
        isSetUp: settings.setUpAt !== null,
        isDemo: settings.isDemo,
        clinicName: settings.clinicName,
        locale: settings.locale,
        idleLockMinutes: settings.idleLockMinutes,
        demoAccounts: settings.isDemo ? DEMO_ACCOUNTS.map(({ username, password, role }) => ({ username, password, role })) : [],
        staff: staffRow ? toStaffView(staffRow) : null,
        isLocked: ctx.session?.isLocked ?? false,
      };
    },

    'auth.signIn': async (input, ctx) => {
      const key = input.username.toLowerCase();
      throttle.check(key, ctx.now());
      const row = await findStaffByUsername(ctx.db, input.username);
      // Always hash, so an unknown username takes as long as a wrong password.
      const matches = await verifyPassword(input.password, row?.password_hash ?? UNMATCHABLE_HASH);
      if (!row || !matches) {
        throttle.fail(key, ctx.now());
        await recordAudit(ctx.db, { at: ctx.now(), staffId: row?.id ?? null, workstation: ctx.workstation, action: 'auth.signIn.failed', detail: input.username });
        throw new AppError('INVALID_CREDENTIALS', 'That username and password do not match.');
      }
      if (row.is_active !== 1) throw new AppError('ACCOUNT_DISABLED', 'This account is disabled. Ask an administrator.');
      throttle.succeed(key);
      ctx.auth.signIn({ id: row.id, username: row.username, role: row.role, practitionerId: row.practitioner_id });
      await recordAudit(ctx.db, { at: ctx.now(), staffId: row.id, workstation: ctx.workstation, action: 'auth.signIn' });
      return { staff: toStaffView(row) };
    },

    'auth.signOut': (_input, ctx) => {
      ctx.auth.signOut();
      return { ok: true };
    },

    'auth.unlock': async (input, ctx) => {
      const session = requireSession(ctx);
      const key = session.username.toLowerCase();
      throttle.check(key, ctx.now());
      const row = await findStaffById(ctx.db, session.staffId);
      if (!row || row.is_active !== 1) {
        ctx.auth.signOut();
        throw new AppError('ACCOUNT_DISABLED', 'This account is disabled. Ask an administrator.');
      }
      if (!(await verifyPassword(input.password, row.password_hash))) {
        throttle.fail(key, ctx.now());
        throw new AppError('INVALID_CREDENTIALS', 'That password is not right.');
      }
      throttle.succeed(key);
      session.isLocked = false;
      session.lastActiveAt = ctx.now();
      return { ok: true };
    },

    'auth.updateMe': async (input, ctx) => {
      const session = requireSession(ctx);
      const row = await ctx.db
        .updateTable('staff')
        .set({
          ...(input.locale ? { locale: input.locale } : {}),
          ...(input.displayName ? { display_name: input.displayName } : {}),
        })
        .where('id', '=', session.staffId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toStaffView(row);
    },

    'auth.changePassword': async (input, ctx) => {
      const session = requireSession(ctx);
      const row = await findStaffById(ctx.db, session.staffId);
      if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
        throw new AppError('INVALID_CREDENTIALS', 'Your current password is not right.');
      }
      await ctx.db.updateTable('staff').set({ password_hash: await hashPassword(input.newPassword) }).where('id', '=', row.id).execute();
      await recordAudit(ctx.db, { at: ctx.now(), staffId: row.id, workstation: ctx.workstation, action: 'auth.changePassword' });
      return { ok: true };
    },

    'setup.startDemo': async (input, ctx) => {
      await assertNotSetUp(ctx.db);
      await seedDemoClinic(ctx.db, { now: ctx.now(), locale: input.locale ?? 'en' });
      ctx.emit('settings.changed', {});
      ctx.emit('practice.changed', {});
      return { ok: true };
    },

    'setup.createClinic': async (input, ctx) => {
      await assertNotSetUp(ctx.db);
      await writeSettings(ctx.db, {
        clinicName: input.clinicName,
        timeZone: input.timeZone,
        locale: input.locale,
        currency: input.currency,
        isDemo: false,
        setUpAt: ctx.now(),
      });
      await insertStaff(ctx.db, {
        username: input.admin.username,
        displayName: input.admin.displayName,
        role: 'admin',
        passwordHash: await hashPassword(input.admin.password),
        practitionerId: null,
        locale: input.locale,
        now: ctx.now(),
      });
      ctx.emit('settings.changed', {});
      return { ok: true };
    },

    'staff.list': async (_input, ctx) => {
      const rows = await ctx.db.selectFrom('staff').selectAll().orderBy('display_name').execute();
      return rows.map(toStaffView);
    },

    'staff.create': async (input, ctx) => {
      if (await findStaffByUsername(ctx.db, input.username)) {
        throw new AppError('ALREADY_EXISTS', `The username ${input.username} is taken.`, { field: 'username' });
      }
      if (input.practitionerId !== null) await assertPractitionerExists(ctx.db, input.practitionerId);
      const row = await insertStaff(ctx.db, {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        practitionerId: input.practitionerId,
        locale: input.locale,
        now: ctx.now(),
      });
      await recordAudit(ctx.db, { at: ctx.now(), staffId: requireSession(ctx).staffId, workstation: ctx.workstation, action: 'staff.create', entity: 'staff', entityId: row.id });
      return toStaffView(row);
    },

    'staff.update': async (input, ctx) => {
      const session = requireSession(ctx);
      const existing = await findStaffById(ctx.db, input.id);
      if (!existing) throw new AppError('NOT_FOUND', 'There is no such member of staff.');
      if (input.id === session.staffId && (input.isActive === false || (input.role && input.role !== 'admin'))) {
        throw new AppError('FORBIDDEN', 'You cannot disable your own account or remove your own admin role.');
      }
      if (input.practitionerId) await assertPractitionerExists(ctx.db, input.practitionerId);
      const row = await ctx.db
        .updateTable('staff')
        .set({
          ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.practitionerId !== undefined ? { practitioner_id: input.practitionerId } : {}),
          ...(input.isActive !== undefined ? { is_active: input.isActive ? 1 : 0 } : {}),
          ...(input.password !== undefined ? { password_hash: await hashPassword(input.password) } : {}),
        })
        .where('id', '=', input.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.isActive === false || input.role !== undefined || input.password !== undefined) sessions.deleteForStaff(input.id);
      await recordAudit(ctx.db, { at: ctx.now(), staffId: session.staffId, workstation: ctx.workstation, action: 'staff.update', entity: 'staff', entityId: row.id });
      return toStaffView(row);
    },
  };
}

async function assertPractitionerExists(db: Kysely<Database>, practitionerId: number): Promise<void> {
  const found = await db.selectFrom('practitioners').select('id').where('id', '=', practitionerId).executeTakeFirst();
  if (!found) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
}
