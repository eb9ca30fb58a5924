import { describe, expect, it } from 'vitest';
import { SessionStore } from '../auth/session-store';
import { WindowSessions } from './window-sessions';

const desk = { id: 1, username: 'carla', role: 'receptionist' as const, practitionerId: null };
const admin = { id: 2, username: 'marta', role: 'admin' as const, practitionerId: null };

describe('WindowSessions', () => {
  it('binds a session to one window only', () => {
    const store = new SessionStore();
    const windows = new WindowSessions(store, () => 1_000);
    const session = windows.binding(1).signIn(desk);
    expect(windows.binding(1).current()).toBe(session);
    expect(windows.binding(2).current()).toBeNull();
    expect(store.get(session.token)).toBe(session);
    expect(session.lastActiveAt).toBe(1_000);
  });

  it("signing in again replaces the window's previous session", () => {
    const store = new SessionStore();
    const windows = new WindowSessions(store);
    const first = windows.binding(1).signIn(desk);
    const second = windows.binding(1).signIn(admin);
    expect(store.get(first.token)).toBeNull();
    expect(windows.current(1)).toBe(second);
  });

  it('sign-out drops the session from the store, and leaves other windows signed in', () => {
    const store = new SessionStore();
    const windows = new WindowSessions(store);
    const one = windows.binding(1).signIn(desk);
    const two = windows.binding(2).signIn(admin);
    windows.binding(1).signOut();
    expect(windows.current(1)).toBeNull();
    expect(store.get(one.token)).toBeNull();
    expect(windows.current(2)).toBe(two);
  });

  it('forgets a session the store ended (account disabled elsewhere)', () => {
    const store = new SessionStore();
    const windows = new WindowSessions(store);
    windows.binding(1).signIn(desk);
    store.deleteForStaff(desk.id);
    expect(windows.current(1)).toBeNull();
  });

  it("signOutAll ends every window's session", () => {
    const store = new SessionStore();
    const windows = new WindowSessions(store);
    const one = windows.binding(1).signIn(desk);
    const two = windows.binding(2).signIn(admin);
    windows.signOutAll();
    expect(store.get(one.token)).toBeNull();
    expect(store.get(two.token)).toBeNull();
  });
});
