import { MINUTE_MS } from '../../shared/time/units';
import type { Session } from './context';

/**
 * Locks a session that has seen no person's call for the clinic's idle time, and says
 * whether it is locked. The dispatcher asks on every call; the event channels ask before
 * they send, and the browser host on a timer, so a locked session hears nothing.
 */
export function lockIfIdle(session: Session, now: number, idleLockMinutes: number): boolean {
  if (!session.isLocked && now - session.lastActiveAt > idleLockMinutes * MINUTE_MS) session.isLocked = true;
  return session.isLocked;
}
