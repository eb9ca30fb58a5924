import { describe, expect, it } from 'vitest';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { createFakeTransport, fail } from '../test/fake-transport';
import { RpcError } from '../transport/rpc-error';
import { createSessionStore, uiLocaleOf, withAuthGuard, type AuthStatus } from './session.store';

const staff: StaffView = { id: 1, username: 'rita', displayName: 'Rita', role: 'receptionist', practitionerId: null, locale: 'pt', isActive: true };
const settings: ClinicSettings = {
  clinicName: 'Sol',
  clinicAddress: '',
  clinicPhone: '',
  timeZone: 'Europe/Lisbon',
  locale: 'en',
  currency: 'EUR',
  idleLockMinutes: 5,
  slotStepMinutes: 15,
  isDemo: false,
  graceMinutes: 10,
  noShowAfterMinutes: 30,
  kioskEarlyMinutes: 60,
  kioskLateMinutes: 30,
  displayPrivacy: 'firstNameLastInitial',
  announcementLanguage: 'clinic',
  displayOnSecondScreen: true,
  hostNames: [],
};
const status = (over: Partial<AuthStatus> = {}): AuthStatus => ({
  isSetUp: true,
  isDemo: false,
  clinicName: 'Sol',
  locale: 'en',
  idleLockMinutes: 5,
  demoAccounts: [],
  staff: null,
  isLocked: false,
  ...over,
});

describe('session store', () => {
  it('starts on first run, sign-in or signed in, from auth.status', async () => {
    for (const [answer, phase] of [
      [status({ isSetUp: false }), 'firstRun'],
      [status(), 'signedOut'],
      [status({ staff }), 'signedIn'],
    ] as const) {
      const fake = createFakeTransport({ 'auth.status': () => answer, 'settings.get': () => settings });
      const store = createSessionStore(fake.transport);
      await store.getState().load();
      expect(store.getState().phase).toBe(phase);
    }
  });

  it('signs in, loads the clinic settings, reopens the push channel and follows the user’s language', async () => {
    const fake = createFakeTransport({ 'auth.signIn': () => ({ staff }), 'settings.get': () => settings });
    const store = createSessionStore(fake.transport);
    await store.getState().signIn('rita', 'secret');
    expect(store.getState().phase).toBe('signedIn');
    expect(store.getState().settings?.timeZone).toBe('Europe/Lisbon');
    expect(fake.restarts).toBe(1);
    expect(uiLocaleOf(store.getState())).toBe('pt');
  });

  it('a locked session (from any call) shows the lock; an expired one goes back to sign-in', async () => {
    const fake = createFakeTransport({
      'auth.signIn': () => ({ staff }),
      'settings.get': () => settings,
      'board.day': () => fail('UNAUTHENTICATED', { locked: true }),
      'patients.get': () => fail('UNAUTHENTICATED'),
      'auth.status': () => status(),
    });
    const store = createSessionStore(fake.transport);
    const guarded = withAuthGuard(fake.transport, store);
    await store.getState().signIn('rita', 'secret');

    await expect(guarded.call('board.day', { day: '2030-01-01' })).rejects.toBeInstanceOf(RpcError);
    expect(store.getState().isLocked).toBe(true);
    expect(store.getState().phase).toBe('signedIn');

    await expect(guarded.call('patients.get', { id: 1 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.getState().phase).toBe('signedOut');
    expect(store.getState().staff).toBeNull();
  });

  it('unlocks with the password, and stays locked on a wrong one', async () => {
    let isRight = false;
    const fake = createFakeTransport({
      'auth.signIn': () => ({ staff }),
      'settings.get': () => settings,
      'auth.unlock': () => (isRight ? { ok: true as const } : fail('INVALID_CREDENTIALS')),
    });
    const store = createSessionStore(fake.transport);
    await store.getState().signIn('rita', 'secret');
    store.getState().lock();
    await expect(store.getState().unlock('nope')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(store.getState().isLocked).toBe(true);
    isRight = true;
    await store.getState().unlock('secret');
    expect(store.getState().isLocked).toBe(false);
  });

  it('reloaded while locked, shows the lock first and loads the clinic only once unlocked', async () => {
    let settingsCalls = 0;
    const fake = createFakeTransport({
      'auth.status': () => status({ staff, isLocked: true }),
      'settings.get': () => {
        settingsCalls += 1;
        return settings;
      },
      'auth.unlock': () => ({ ok: true as const }),
    });
    const store = createSessionStore(fake.transport);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ phase: 'signedIn', isLocked: true, settings: null });
    expect(settingsCalls).toBe(0);
    await store.getState().unlock('secret');
    expect(store.getState()).toMatchObject({ isLocked: false, settings });
    expect(settingsCalls).toBe(1);
  });

  it('a heartbeat that finds no session locks the screen', async () => {
    const fake = createFakeTransport({ 'auth.signIn': () => ({ staff }), 'settings.get': () => settings, 'auth.status': () => status({ staff: null }) });
    const store = createSessionStore(fake.transport);
    await store.getState().signIn('rita', 'secret');
    await store.getState().heartbeat();
    expect(store.getState().isLocked).toBe(true);
  });
});
