import type { Kysely } from 'kysely';
import type { EventName, EventPayload } from '../../shared/contract/contract';
import type { DeviceRole, Role } from '../../shared/contract/method';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import type { Actor, AuditNote } from '../audit/audit';
import type { Database } from '../db/schema';

/** A signed-in member of staff, bound to one IPC window or one browser cookie. */
export interface Session {
  readonly token: string;
  readonly staffId: number;
  readonly username: string;
  readonly role: Role;
  readonly practitionerId: number | null;
  lastActiveAt: number;
  /** Set after the clinic's idle-lock time without activity; only `auth.unlock` clears it. */
  isLocked: boolean;
}

export interface SessionBinding {
  current(): Session | null;
  /** Binds a new session to this caller (sets the cookie, or remembers the window). */
  signIn(staff: { id: number; username: string; role: Role; practitionerId: number | null }): Session;
  signOut(): void;
}

/**
 * A paired screen (a waiting-room display, a kiosk), or one of the app's own display and
 * kiosk windows, which are trusted without pairing and have no id.
 */
export interface DeviceIdentity {
  readonly id: number | null;
  readonly role: DeviceRole;
  readonly name: string;
}

export interface DeviceBinding {
  /** The device this caller speaks for (a paired token, or a built-in window's role), or null. */
  current(): DeviceIdentity | null;
  /**
   * Binds a freshly paired device's token to this caller (the browser host sets an
   * HttpOnly cookie). Throws an AppError where a transport cannot hold one.
   */
  pair(token: string): void;
}

/** Everything a handler may use. `db` is the transaction when the method writes. */
export interface CallContext {
  readonly db: Kysely<Database>;
  readonly session: Session | null;
  /**
   * The device calling, when the method runs as a paired screen (no staff session then).
   * Also set for public methods, so `devices.whoAmI` can answer.
   */
  readonly device: DeviceIdentity | null;
  /** How this caller holds a device token; null for callers that cannot (tests, benchmarks). */
  readonly deviceBinding: DeviceBinding | null;
  readonly transport: 'ipc' | 'http';
  /** Which machine or window called: recorded in the audit log. */
  readonly workstation: string;
  /** Where the call comes from (a network address, or `app`): whose failed attempts count together. */
  readonly source: string;
  readonly auth: SessionBinding;
  now(): number;
  /** Queues a push event; it is sent only if the whole operation commits. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** The member of staff or the screen calling; an anonymous actor on a public method called by neither. */
  readonly actor: Actor;
  /** The clinic's settings, read once for the call (inside its transaction when it writes). */
  settings(): Promise<ClinicSettings & { setUpAt: number | null }>;
  /** Who, when and the settings in one value, for the services. */
  request(): Promise<RequestContext>;
  /**
   * Notes an audit entry the method declared (`audits` in its contract entry). The
   * dispatcher writes it with the call's actor, time and workstation, inside the method's
   * transaction: a call that fails leaves no entry of success.
   */
  audit(note: AuditNote): void;
  /**
   * For a method that does not write as a whole because part of it is slow and remote (a
   * call to AWS): runs `work` in a transaction of its own, with a context whose audit
   * notes are written inside that transaction.
   */
  transaction<T>(work: (ctx: CallContext) => Promise<T>): Promise<T>;
  /** Notes a declared failure that must stay on record (a failed sign-in, a failed face match): written although the call fails. */
  auditFailure(note: AuditNote): void;
}

/**
 * One call's who, when and clinic settings, built once by the dispatcher and handed to the
 * services, so that no feature assembles its own "actor" or "env".
 */
export interface RequestContext {
  /** The call's moment: one instant for everything the call decides. */
  readonly now: number;
  readonly settings: ClinicSettings;
  readonly actor: Actor;
  audit(note: AuditNote): void;
}

/** The session of a method that requires one: the dispatcher has already checked it. */
export function requireSession(ctx: CallContext): Session {
  if (!ctx.session) throw new Error('requireSession called on a public method');
  return ctx.session;
}
