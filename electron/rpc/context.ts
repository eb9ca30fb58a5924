import type { Kysely } from 'kysely';
import type { EventName, EventPayload } from '../../shared/contract/contract';
import type { Role } from '../../shared/contract/method';
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

/** Everything a handler may use. `db` is the transaction when the method writes. */
export interface CallContext {
  readonly db: Kysely<Database>;
  readonly session: Session | null;
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
