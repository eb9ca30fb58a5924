import { randomBytes } from 'node:crypto';
import type { Role } from '../../shared/contract/method';
import type { Session } from '../rpc/context';

/**
 * Signed-in sessions, in memory: a restart signs everybody out, which is what a desk
 * expects of a locked-down workstation. Tokens are 256 random bits.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(staff: { id: number; username: string; role: Role; practitionerId: number | null }, now: number): Session {
    const session: Session = {
      token: randomBytes(32).toString('base64url'),
      staffId: staff.id,
      username: staff.username,
      role: staff.role,
      practitionerId: staff.practitionerId,
      lastActiveAt: now,
      isLocked: false,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  get(token: string | undefined | null): Session | null {
    if (!token) return null;
    return this.sessions.get(token) ?? null;
  }

  delete(token: string): void {
    this.sessions.delete(token);
  }

  /**
   * Ends every session of a member of staff (disabled account, role changed, password
   * changed), but for the one token `keep` when given (the session that changed its own password).
   */
  deleteForStaff(staffId: number, keep?: string): void {
    for (const [token, session] of this.sessions) if (session.staffId === staffId && token !== keep) this.sessions.delete(token);
  }
}
