import type { Kysely } from 'kysely';
import type { EventName, EventPayload } from '../../shared/contract/contract';
import type { DeviceRole, Role } from '../../shared/contract/method';
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
  readonly auth: SessionBinding;
  now(): number;
  /** Queues a push event; it is sent only if the whole operation commits. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** The session of a method that requires one: the dispatcher has already checked it. */
export function requireSession(ctx: CallContext): Session {
  if (!ctx.session) throw new Error('requireSession called on a public method');
  return ctx.session;
}
