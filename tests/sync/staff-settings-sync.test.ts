import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLINIC_SETTINGS_UID } from '../../shared/sync/cloud-api';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { EventName } from '../../shared/contract/events';
import { replay } from '../../cloud/cloud-client';
import { DESK_TOKEN, PORTAL_TOKEN, rawRequest, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import type { Session, SessionBinding } from '../../electron/rpc/context';
import type { Caller } from '../../electron/rpc/dispatch';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * Staff accounts and the clinic-wide settings travel between desks like the other rows: a
 * change of staff or settings at one desk reaches the others, and a desk that joins gets
 * them. What belongs to one desk (its host names, its second screen, its sessions) stays.
 */

const PASSWORD = 'correct horse battery';

/** A person at a desk's window, signing in through auth.signIn (a real session in the desk's store, on the test clock). */
function personAt(t: SyncDesk, clock: Clock, workstation: string) {
  let token: string | null = null;
  const auth: SessionBinding = {
    current: () => t.desk.sessions.get(token),
    signIn: (staff) => {
      const session: Session = t.desk.sessions.create(staff, clock.now);
      token = session.token;
      return session;
    },
    signOut: () => {
      if (token) t.desk.sessions.delete(token);
      token = null;
    },
  };
  const caller: Caller = { transport: 'ipc', workstation, auth, isBackground: false };
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) => {
    const result = await t.desk.dispatch(caller, method, input);
    return result.ok ? { ok: true as const, value: result.value as MethodOutput<M> } : { ok: false as const, error: result.error };
  };
  return { caller, call, session: () => auth.current() };
}

describe('staff accounts and clinic settings between desks', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 1);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await cloud.close();
  });

  const staffRow = (t: SyncDesk, username: string) =>
    t.desk.database.sqlite.prepare('SELECT id, uid, display_name, role, practitioner_id, is_active FROM staff WHERE username = ?').get(username) as
      { id: number; uid: string; display_name: string; role: string; practitioner_id: number | null; is_active: number } | undefined;

  it('a joining desk gets the accounts and the settings; a disabled account ends its sessions on the other desk; per-desk settings stay', async () => {
    // A: a doctor's account, the clinic renamed, another time zone and privacy; and its own host name and screen.
    const doctor = await a.ok(a.admin, 'staff.create', {
      username: 'dr.ana',
      displayName: 'Dr. Ana Almeida',
      role: 'doctor',
      password: PASSWORD,
      practitionerId: practice.ana,
    });
    await a.ok(a.admin, 'settings.update', {
      clinicName: 'Clínica Central',
      clinicAddress: 'Rua Augusta 1, 1100-048 Lisboa',
      clinicPhone: '+351 210 000 000',
      timeZone: 'Atlantic/Azores',
      displayPrivacy: 'ticketOnly',
      hostNames: ['recepcao-a.local'],
      displayOnSecondScreen: false,
    });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });
    // A local change of an account is announced (the worker pushes soon after it, as after any change).
    const eventsAtA: EventName[] = [];
    a.desk.bus.subscribe((event) => eventsAtA.push(event));
    await a.ok(a.admin, 'staff.update', { id: doctor.id, displayName: 'Dra. Ana Almeida' });
    expect(eventsAtA).toEqual(['staff.changed']);
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });

    // B: set up as a clinic of its own ("Clinic b", Lisbon), with its own host names, then joined.
    await b.ok(b.admin, 'settings.update', { hostNames: ['recepcao-b.local'], displayOnSecondScreen: true });
    const eventsAtB: EventName[] = [];
    b.desk.bus.subscribe((event) => eventsAtB.push(event));
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    // Its own settings went up as new and met the clinic's: the clinic's are kept, and that is no problem.
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0, conflicts: 0 });

    expect(await b.ok(b.admin, 'settings.get', {})).toMatchObject({
      clinicName: 'Clínica Central',
      clinicAddress: 'Rua Augusta 1, 1100-048 Lisboa',
      clinicPhone: '+351 210 000 000',
      timeZone: 'Atlantic/Azores',
      displayPrivacy: 'ticketOnly',
      hostNames: ['recepcao-b.local'],
      displayOnSecondScreen: true,
    });
    expect(eventsAtB).toContain('settings.changed');
    // The waiting-room view is rebuilt for the new privacy mode, as after settings.update here.
    await expect.poll(() => eventsAtB).toContain('display.changed');
    // The cache the dispatcher reads (refreshed on the event) follows.
    await expect.poll(() => b.desk.settings.get().clinicName).toBe('Clínica Central');
    expect(b.desk.settings.get().timeZone).toBe('Atlantic/Azores');
    // The cloud's row carries no per-desk setting.
    const clinicRow = [...replay((await cloud.desk.pullAll()).changes).values()].find((row) => row.entity === 'clinic')!;
    expect(clinicRow.uid).toBe(CLINIC_SETTINGS_UID);
    expect(Object.keys(clinicRow.data!)).not.toContain('hostNames');
    expect(Object.keys(clinicRow.data!)).not.toContain('displayOnSecondScreen');

    // The admin's list of accounts follows.
    expect(eventsAtB).toContain('staff.changed');

    // At B the doctor signs in with the same password, linked to the same practitioner.
    const atB = personAt(b, clock, 'b-front');
    const signedInAtB = await atB.call('auth.signIn', { username: 'dr.ana', password: PASSWORD });
    expect(signedInAtB).toMatchObject({ ok: true, value: { staff: { username: 'dr.ana', role: 'doctor', isActive: true } } });
    expect(staffRow(b, 'dr.ana')).toMatchObject({
      uid: a.uidOf('staff', doctor.id),
      practitioner_id: b.localId('practitioners', a.uidOf('practitioners', practice.ana)),
    });

    // A's own sessions of the doctor; B's admin disables the account.
    const atA = personAt(a, clock, 'a-front');
    expect((await atA.call('auth.signIn', { username: 'dr.ana', password: PASSWORD })).ok).toBe(true);
    expect(atA.session()).not.toBeNull();
    await b.ok(b.admin, 'staff.update', { id: staffRow(b, 'dr.ana')!.id, isActive: false });
    expect(atB.session(), 'ended at B at once, as ever').toBeNull();
    expect(await b.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });

    expect(staffRow(a, 'dr.ana')).toMatchObject({ is_active: 0 });
    expect(atA.session(), 'the pull ended the session at A').toBeNull();
    expect(await atA.call('auth.status', {})).toMatchObject({ ok: true, value: { staff: null } });
    expect(await atA.call('auth.signIn', { username: 'dr.ana', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_DISABLED' } });

    // A's own settings stayed its own; B's likewise.
    expect(await a.ok(a.admin, 'settings.get', {})).toMatchObject({
      clinicName: 'Clínica Central',
      hostNames: ['recepcao-a.local'],
      displayOnSecondScreen: false,
    });
    expect(await b.ok(b.admin, 'settings.get', {})).toMatchObject({ hostNames: ['recepcao-b.local'], displayOnSecondScreen: true });
  });

  it('a settings change at one desk reaches the other, and a password changed elsewhere signs the account out here', async () => {
    const rita = await a.ok(a.admin, 'staff.create', { username: 'rita', displayName: 'Rita', role: 'receptionist', password: PASSWORD });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    const atB = personAt(b, clock, 'b-front');
    expect((await atB.call('auth.signIn', { username: 'rita', password: PASSWORD })).ok).toBe(true);

    await a.ok(a.admin, 'settings.update', { graceMinutes: 5, announcementLanguage: 'patient' });
    await a.ok(a.admin, 'staff.update', { id: rita.id, password: 'a brand new password' });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await b.sync()).toMatchObject({ pending: 0, problems: 0 });

    expect(await b.ok(b.admin, 'settings.get', {})).toMatchObject({ graceMinutes: 5, announcementLanguage: 'patient' });
    expect(atB.session()).toBeNull();
    expect(await atB.call('auth.signIn', { username: 'rita', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    expect((await atB.call('auth.signIn', { username: 'rita', password: 'a brand new password' })).ok).toBe(true);
  });

  it('a username the clinic already has is refused by the cloud, and the clinic’s account waits at the desk that has the name', async () => {
    await a.ok(a.admin, 'staff.create', { username: 'maria', displayName: 'Maria at A', role: 'receptionist', password: PASSWORD });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    await b.ok(b.admin, 'staff.create', { username: 'MARIA', displayName: 'Maria at B', role: 'receptionist', password: PASSWORD });
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0 });

    const issues = await b.ok(b.admin, 'sync.issues', {});
    expect(issues.problems.map((problem) => [problem.entity, problem.reason]).sort()).toEqual([
      ['staff', 'INVALID'],
      ['staff', 'LOCAL_CONSTRAINT'],
    ]);
    expect(b.desk.database.sqlite.prepare(`SELECT entity, reason FROM sync_parked`).all()).toEqual([{ entity: 'staff', reason: 'LOCAL_CONSTRAINT' }]);
    expect(staffRow(b, 'maria')).toMatchObject({ display_name: 'Maria at B' });
    // A never hears of B's: the cloud holds one "maria".
    expect(await a.sync()).toMatchObject({ problems: 0 });
    expect(a.desk.database.sqlite.prepare(`SELECT count(*) FROM staff WHERE username = 'maria'`).pluck().get()).toBe(1);
  });

  it('a cloud that lost an account and the settings (restored from a backup) locks nobody out, and gets them back with the next change', async () => {
    const rita = await a.ok(a.admin, 'staff.create', { username: 'rita', displayName: 'Rita', role: 'receptionist', password: PASSWORD });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    const ritaUid = a.uidOf('staff', rita.id);
    await cloud.server.query(`DELETE FROM rows WHERE clinic_id = $1 AND entity IN ('staff', 'clinic')`, [cloud.server.clinicId]);
    // A full resync: what it does not deliver is gone from the cloud.
    a.desk.database.sqlite.prepare('UPDATE sync_state SET cursor = NULL').run();
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });
    expect(staffRow(a, 'rita')).toMatchObject({ uid: ritaUid, is_active: 1 });
    expect(await a.ok(a.admin, 'settings.get', {})).toMatchObject({ clinicName: 'Clinic a' });
    expect((await personAt(a, clock, 'a-front').call('auth.signIn', { username: 'rita', password: PASSWORD })).ok).toBe(true);

    await a.ok(a.admin, 'staff.update', { id: rita.id, displayName: 'Rita Reis' });
    await a.ok(a.admin, 'settings.update', { clinicName: 'Clínica Reposta' });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    const rows = replay((await cloud.desk.pullAll()).changes);
    expect([...rows.values()].find((row) => row.uid === ritaUid)?.data).toMatchObject({ displayName: 'Rita Reis' });
    expect([...rows.values()].find((row) => row.uid === CLINIC_SETTINGS_UID)?.data).toMatchObject({ clinicName: 'Clínica Reposta' });
  });

  it('the portal never reads staff accounts (password hashes) or the clinic settings, and cannot write them', async () => {
    await a.ok(a.admin, 'staff.create', { username: 'dr.ana', displayName: 'Dr. Ana', role: 'doctor', password: PASSWORD, practitionerId: practice.ana });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    const deskView = (await cloud.desk.pullAll()).changes.map((change) => change.entity);
    expect(deskView).toContain('staff');
    expect(deskView).toContain('clinic');

    const portalView = await cloud.portal.pullAll();
    expect(new Set(portalView.changes.map((change) => change.entity))).toEqual(new Set(['specialty', 'room', 'practitioner']));
    // Every page of it, as sent: no hash anywhere.
    const raw = await rawRequest(cloud.server.url, '/v1/changes?limit=1000', { token: PORTAL_TOKEN });
    expect(raw.status).toBe(200);
    expect(raw.text).not.toMatch(/scrypt|passwordHash|username/);

    const staffUid = a.uidOf('staff', staffRow(a, 'dr.ana')!.id);
    const { results } = await cloud.portal.push('portal', [
      {
        mutationId: randomUUID(),
        entity: 'staff',
        uid: randomUUID(),
        op: 'upsert',
        baseVersion: null,
        data: { username: 'intruder', displayName: 'X', role: 'admin', passwordHash: 'scrypt$x', practitionerUid: null, locale: 'en', isDisabled: false },
      },
      { mutationId: randomUUID(), entity: 'staff', uid: staffUid, op: 'upsert', baseVersion: 1, data: {} },
      { mutationId: randomUUID(), entity: 'clinic', uid: CLINIC_SETTINGS_UID, op: 'upsert', baseVersion: null, data: {} },
    ]);
    expect(results.map((result) => (result.status === 'rejected' ? result.reason : result.status))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });
});
