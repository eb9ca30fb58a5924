import type { SessionStore } from '../auth/session-store';
import type { Session, SessionBinding } from '../rpc/context';

/**
 * Which session each window is signed in with: webContents id → session token. The token
 * never leaves main, so a page cannot present somebody else's session; the desk window and
 * (later) a kiosk window on the same machine sign in and out independently.
 */
export class WindowSessions {
  private readonly tokens = new Map<number, string>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The SessionBinding the dispatcher uses for calls from this window. */
  binding(windowId: number): SessionBinding {
    return {
      current: () => this.current(windowId),
      signIn: (staff) => {
        // A new sign-in replaces the window's previous session instead of leaving it alive.
        this.signOut(windowId);
        const session = this.sessions.create(staff, this.now());
        this.tokens.set(windowId, session.token);
        return session;
      },
      signOut: () => this.signOut(windowId),
    };
  }

  /** The window's session, or null. A session the store has dropped (account disabled) unbinds here too. */
  current(windowId: number): Session | null {
    const token = this.tokens.get(windowId);
    if (token === undefined) return null;
    const session = this.sessions.get(token);
    if (!session) this.tokens.delete(windowId);
    return session;
  }

  signOut(windowId: number): void {
    const token = this.tokens.get(windowId);
    if (token === undefined) return;
    this.tokens.delete(windowId);
    this.sessions.delete(token);
  }

  signOutAll(): void {
    for (const windowId of [...this.tokens.keys()]) this.signOut(windowId);
  }
}
