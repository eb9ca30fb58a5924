import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import type { Caller } from '../rpc/dispatch';
import { callAs, localCaller } from '../rpc/local-caller';

/** Staff accounts, as an admin manages them: the answers, and what the audit log keeps. */

const NOW = Date.UTC(2025, 2, 3, 9, 0);
let dir: string;
let app: FrontDesk;
let admin: Caller;
let adminId: number;

function auditLog(): Array<Record<string, unknown>> {
  return app.database.sqlite
    .prepare(`SELECT at, staff_id, workstation, action, entity, entity_id, detail FROM audit_log WHERE action LIKE 'staff.%' ORDER BY id`)
    .all() as Array<Record<string, unknown>>;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-staff-'));
  app = await startFrontDesk({ dataDir: dir, now: () => NOW });
  admin = localCaller(app.sessions, 'desk-1');
  await callAs(app.dispatch, admin, 'setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  adminId = (await callAs(app.dispatch, admin, 'auth.signIn', { username: 'boss', password: 'correct horse' })).staff.id;
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('staff', () => {
  it('creates, lists and updates accounts, each change on record', async () => {
    const created = await callAs(app.dispatch, admin, 'staff.create', {
      username: 'rita',
      displayName: 'Rita',
      role: 'receptionist',
      password: 'a long password',
      practitionerId: null,
    });
    expect(created).toEqual({
      id: created.id,
      username: 'rita',
      displayName: 'Rita',
      role: 'receptionist',
      practitionerId: null,
      locale: 'en',
      isActive: true,
    });
    expect((await callAs(app.dispatch, admin, 'staff.list', {})).map((staff) => staff.displayName)).toEqual(['Rita', 'The Boss']);

    const updated = await callAs(app.dispatch, admin, 'staff.update', { id: created.id, displayName: 'Rita Reis' });
    expect(updated).toMatchObject({ id: created.id, displayName: 'Rita Reis', role: 'receptionist' });
    expect(auditLog()).toEqual([
      { at: NOW, staff_id: adminId, workstation: 'desk-1', action: 'staff.create', entity: 'staff', entity_id: created.id, detail: '' },
      { at: NOW, staff_id: adminId, workstation: 'desk-1', action: 'staff.update', entity: 'staff', entity_id: created.id, detail: '' },
    ]);
  });

  it('answers an update with nothing to change with the account as it is', async () => {
    const created = await callAs(app.dispatch, admin, 'staff.create', {
      username: 'rita',
      displayName: 'Rita',
      role: 'receptionist',
      password: 'a long password',
    });
    expect(await app.dispatch(admin, 'staff.update', { id: created.id })).toEqual({ ok: true, value: created });
  });

  it('refuses a taken username, an unknown practitioner or member of staff, and an admin demoting themself', async () => {
    expect(await app.dispatch(admin, 'staff.create', { username: 'boss', displayName: 'Again', role: 'admin', password: 'a long password' })).toEqual({
      ok: false,
      error: { code: 'ALREADY_EXISTS', message: 'The username boss is taken.', details: { field: 'username' } },
    });
    const noPractitioner = { ok: false, error: { code: 'NOT_FOUND', message: 'There is no such practitioner.', details: { field: 'practitionerId' } } };
    expect(
      await app.dispatch(admin, 'staff.create', { username: 'doc', displayName: 'Doc', role: 'doctor', password: 'a long password', practitionerId: 999 }),
    ).toEqual(noPractitioner);
    expect(await app.dispatch(admin, 'staff.update', { id: adminId, practitionerId: 999 })).toEqual(noPractitioner);
    expect(await app.dispatch(admin, 'staff.update', { id: 999, displayName: 'Nobody' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no such member of staff.' },
    });
    for (const change of [{ isActive: false }, { role: 'receptionist' as const }]) {
      expect(await app.dispatch(admin, 'staff.update', { id: adminId, ...change })).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'You cannot disable your own account or remove your own admin role.' },
      });
    }
    expect(auditLog()).toEqual([]);
  });

  it('links a doctor to a practitioner', async () => {
    const practitioner = await callAs(app.dispatch, admin, 'practitioners.save', { fullName: 'Ana Almeida', specialtyIds: [], defaultRoomId: null });
    const doctor = await callAs(app.dispatch, admin, 'staff.create', {
      username: 'ana',
      displayName: 'Ana',
      role: 'doctor',
      password: 'a long password',
      practitionerId: practitioner.id,
    });
    expect(doctor.practitionerId).toBe(practitioner.id);
    expect(await callAs(app.dispatch, admin, 'staff.update', { id: doctor.id, practitionerId: null })).toMatchObject({ practitionerId: null });
  });

  it('signs a member of staff out when their account is disabled, their role changes or their password is reset, not for a new name', async () => {
    const rita = await callAs(app.dispatch, admin, 'staff.create', {
      username: 'rita',
      displayName: 'Rita',
      role: 'receptionist',
      password: 'a long password',
    });
    const desk = localCaller(app.sessions, 'desk-2');
    const signIn = () => callAs(app.dispatch, desk, 'auth.signIn', { username: 'rita', password: 'a long password' });
    const isSignedIn = () => desk.auth.current() !== null;

    await signIn();
    await callAs(app.dispatch, admin, 'staff.update', { id: rita.id, displayName: 'Rita Reis' });
    expect(isSignedIn()).toBe(true);
    await callAs(app.dispatch, admin, 'staff.update', { id: rita.id, role: 'doctor' });
    expect(isSignedIn()).toBe(false);

    await signIn();
    await callAs(app.dispatch, admin, 'staff.update', { id: rita.id, password: 'a new long password' });
    expect(isSignedIn()).toBe(false);

    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'rita', password: 'a new long password' });
    await callAs(app.dispatch, admin, 'staff.update', { id: rita.id, isActive: false });
    expect(isSignedIn()).toBe(false);
    expect(await app.dispatch(desk, 'auth.signIn', { username: 'rita', password: 'a new long password' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_DISABLED' },
    });
  });

  it('is for admins only', async () => {
    await callAs(app.dispatch, admin, 'staff.create', { username: 'rita', displayName: 'Rita', role: 'receptionist', password: 'a long password' });
    const desk = localCaller(app.sessions, 'desk-2');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'rita', password: 'a long password' });
    expect(await app.dispatch(desk, 'staff.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
