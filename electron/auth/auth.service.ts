import type { Kysely } from 'kysely';
import type { MethodOutput, ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { Database, StaffRow } from '../db/schema';
import { DEMO_ACCOUNTS } from '../demo/demo-clinic';
import type { CallContext, RequestContext, Session, SessionBinding } from '../rpc/context';
import { findStaffById, findStaffByUsername, toStaffView, updatePasswordHash, updateStaff } from '../staff/staff.repository';
import { hashPassword, needsRehash, UNMATCHABLE_HASH, verifyPassword } from './password';
import type { SessionStore } from './session-store';
import { AttemptLimiter, reserveAll } from '../security/attempt-limiter';

const DISABLED = 'This account is disabled. Ask an administrator.';

/** The password guesses a source may make, per account and across them. */
export interface SignInLimits {
  /**
   * Per account at one source (and per locked session, for unlocking): after 5 failures in
   * a row each further try waits twice as long as the last (30 s, 60 s, … up to 15 min); the
   * right password forgives. Keyed by source too, so that nobody elsewhere can lock a member
   * of staff out at their own desk.
   */
  readonly account: AttemptLimiter;
  /** Per source across accounts: 20 failures in 10 minutes. */
  readonly source: AttemptLimiter;
}

export function signInLimits(): SignInLimits {
  return {
    account: new AttemptLimiter({ kind: 'backoff', free: 5, baseMs: 30_000, maxMs: 15 * 60_000 }, { forgiveOnSuccess: true }),
    source: new AttemptLimiter({ kind: 'window', limit: 20, windowMs: 10 * 60_000 }),
  };
}

/** What the sign-in screen needs, also before anybody has signed in. */
export async function authStatus(
  db: Kysely<Database>,
  settings: ClinicSettings & { setUpAt: number | null },
  session: Session | null,
): Promise<MethodOutput<'auth.status'>> {
  const staffRow = session ? await findStaffById(db, session.staffId) : undefined;
  return {
    isSetUp: settings.setUpAt !== null,
    isDemo: settings.isDemo,
    clinicName: settings.clinicName,
    locale: settings.locale,
    idleLockMinutes: settings.idleLockMinutes,
    demoAccounts: settings.isDemo ? DEMO_ACCOUNTS.map(({ username, password, role }) => ({ username, password, role })) : [],
    staff: staffRow ? toStaffView(staffRow) : null,
    isLocked: session?.isLocked ?? false,
  };
}

/**
 * The account a username and password open. The attempt is counted before the password is
 * hashed, per account and source and per source (guesses sent together each take a slot); a
 * wrong pair is recorded as a failure (filed under the account tried, if there is one:
 * nobody is signed in). Only an existing account's name is recorded: what was typed for an
 * unknown one may be a password typed in the wrong box.
 */
export async function checkSignIn(
  db: Kysely<Database>,
  limits: SignInLimits,
  input: ParsedInput<'auth.signIn'>,
  source: string,
  now: number,
  notes: Pick<CallContext, 'audit' | 'auditFailure'>,
): Promise<StaffRow> {
  const attempt = reserveAll(
    [
      [limits.account, `account:${input.username.toLowerCase()}@${source}`],
      [limits.source, source],
    ],
    now,
  );
  try {
    const row = await findStaffByUsername(db, input.username);
    // Always hash, so an unknown username takes as long as a wrong password.
    const matches = await verifyPassword(input.password, row?.password_hash ?? UNMATCHABLE_HASH);
    if (!row || !matches) {
      notes.auditFailure({ action: 'auth.signIn.failed', staffId: row?.id ?? null, detail: row?.username ?? '' });
      throw new AppError('INVALID_CREDENTIALS', 'That username and password do not match.');
    }
    attempt.succeed();
    if (row.is_active !== 1) throw new AppError('ACCOUNT_DISABLED', DISABLED);
    notes.audit({ action: 'auth.signIn', staffId: row.id });
    return row;
  } finally {
    // Anything but the right password counts (once settled, this does nothing).
    attempt.fail(now);
  }
}

/**
 * Unlocks a session after the idle lock; an account disabled meanwhile is signed out
 * instead. Guesses are limited per session (counted before the hash), so failures elsewhere
 * never keep its owner from unlocking.
 */
export async function unlock(
  db: Kysely<Database>,
  limits: SignInLimits,
  session: Session,
  auth: Pick<SessionBinding, 'signOut'>,
  password: string,
  now: number,
): Promise<void> {
  const attempt = limits.account.reserve(`session:${session.token}`, now);
  try {
    const row = await findStaffById(db, session.staffId);
    if (!row || row.is_active !== 1) {
      attempt.release();
      auth.signOut();
      throw new AppError('ACCOUNT_DISABLED', DISABLED);
    }
    if (!(await verifyPassword(password, row.password_hash))) throw new AppError('INVALID_CREDENTIALS', 'That password is not right.');
    attempt.succeed();
    session.isLocked = false;
    session.lastActiveAt = now;
  } finally {
    attempt.fail(now);
  }
}

export async function updateMe(db: Kysely<Database>, staffId: number, input: ParsedInput<'auth.updateMe'>): Promise<StaffView> {
  const row = await updateStaff(db, staffId, {
    ...(input.locale ? { locale: input.locale } : {}),
    ...(input.displayName ? { displayName: input.displayName } : {}),
  });
  return toStaffView(row);
}

/**
 * Changes one's own password and ends one's other sessions (a password changed because it
 * leaked must not leave the thief signed in); the session that changed it stays.
 */
export async function changePassword(
  db: Kysely<Database>,
  req: RequestContext,
  sessions: Pick<SessionStore, 'deleteForStaff'>,
  session: Session,
  input: ParsedInput<'auth.changePassword'>,
): Promise<void> {
  const row = await findStaffById(db, session.staffId);
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
    throw new AppError('INVALID_CREDENTIALS', 'Your current password is not right.');
  }
  await updatePasswordHash(db, row.id, await hashPassword(input.newPassword));
  sessions.deleteForStaff(row.id, session.token);
  req.audit({ action: 'auth.changePassword', staffId: row.id });
}

/**
 * After a successful sign-in, re-hashes a password stored at an older, lower cost (the
 * password is known to be right only then), so every account reaches today's cost.
 */
export async function upgradePasswordHash(db: Kysely<Database>, row: StaffRow, password: string): Promise<void> {
  if (needsRehash(row.password_hash)) await updatePasswordHash(db, row.id, await hashPassword(password));
}
