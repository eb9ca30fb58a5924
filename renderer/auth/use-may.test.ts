import { describe, expect, it, vi } from 'vitest';
import type { StaffView } from '../../shared/staff/staff.contract';
import { contract, methodNames } from '../../shared/contract/contract';
import { roles, type Role } from '../../shared/contract/method';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { createFakeTransport } from '../test/fake-transport';
import { createSessionStore, type SessionState, type SessionStore } from './session.store';
import { may } from './may';
import { useMay } from './use-may';

// useMay reads the session through the stores' selector hook; here that hook reads a real
// session store directly, so the test can sign in and out without rendering.
const current = vi.hoisted(() => ({ session: null as SessionStore | null }));
vi.mock('../stores/stores', () => ({
  useSession: <T>(selector: (state: SessionState) => T): T => selector(current.session!.getState()),
}));

const staffAs = (role: Role): StaffView => ({ id: 1, username: role, displayName: role, role, practitionerId: null, locale: 'en', isActive: true });
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

describe('may', () => {
  it('follows the contract’s access for every method and every staff role', () => {
    for (const method of methodNames) {
      const access = contract[method].access;
      for (const role of roles) expect(may(role, method), `${role} ${method}`).toBe(access === 'public' || access.includes(role));
    }
  });

  it('lets nobody signed in call anything but public methods', () => {
    for (const method of methodNames) {
      expect(may(null, method), method).toBe(contract[method].access === 'public');
      expect(may(undefined, method), method).toBe(contract[method].access === 'public');
    }
  });

  it('answers for the desk, the admin and the doctor as the screens expect', () => {
    expect(may('receptionist', 'appointments.book')).toBe(true);
    expect(may('doctor', 'appointments.book')).toBe(false);
    expect(may('admin', 'settings.update')).toBe(true);
    expect(may('receptionist', 'settings.update')).toBe(false);
    expect(may('doctor', 'queue.callNext')).toBe(true);
    expect(may('doctor', 'auth.signIn')).toBe(true);
  });
});

describe('useMay', () => {
  it('asks about the signed-in member of staff, and nobody once signed out', async () => {
    let who: Role = 'receptionist';
    const fake = createFakeTransport({
      'auth.signIn': () => ({ staff: staffAs(who) }),
      'auth.signOut': () => ({ ok: true }),
      'auth.status': () => ({
        isSetUp: true,
        isDemo: false,
        clinicName: 'Sol',
        locale: 'en',
        idleLockMinutes: 5,
        demoAccounts: [],
        staff: null,
        isLocked: false,
      }),
      'settings.get': () => settings,
    });
    current.session = createSessionStore(fake.transport);

    expect(useMay('appointments.book')).toBe(false);
    expect(useMay('auth.signIn')).toBe(true);

    await current.session.getState().signIn('rita', 'secret');
    expect(useMay('appointments.book')).toBe(true);
    expect(useMay('staff.list')).toBe(false);

    await current.session.getState().signOut();
    expect(useMay('appointments.book')).toBe(false);

    who = 'admin';
    await current.session.getState().signIn('ana', 'secret');
    expect(useMay('staff.list')).toBe(true);

    await current.session.getState().signOut();
    who = 'doctor';
    await current.session.getState().signIn('rui', 'secret');
    expect(useMay('appointments.book')).toBe(false);
    expect(useMay('queue.callNext')).toBe(true);
  });
});
