import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { callAs, localCaller } from '../rpc/local-caller';
import { hashPassword } from './password';

/** Sign-in, unlock and one's own account: the answers, and what the audit log keeps of them. */

const NOW = Date.UTC(2025, 2, 3, 9, 0);
let dir: string;
let app: FrontDesk;

function auditLog(): Array<Record<string, unknown>> {
  return app.database.sqlite.prepare('SELECT at, staff_id, workstation, action, entity, entity_id, detail FROM audit_log ORDER BY id').all() as Array<
    Record<string, unknown>
  >;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-auth-'));
  app = await startFrontDesk({ dataDir: dir, now: () => NOW });
  const setup = localCaller(app.sessions, 'desk-0');
  await callAs(app.dispatch, setup, 'setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auth.signIn', () => {
  it('signs in and records who, when and where', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    const { staff } = await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    expect(staff).toMatchObject({ username: 'boss', role: 'admin', isActive: true });
    expect(auditLog()).toEqual([{ at: NOW, staff_id: staff.id, workstation: 'desk-1', action: 'auth.signIn', entity: '', entity_id: null, detail: '' }]);
    expect(await callAs(app.dispatch, desk, 'auth.status', {})).toMatchObject({ isSetUp: true, staff: { id: staff.id }, isLocked: false });
  });

  it('records a failed sign-in under the account tried, or under nobody and without the name typed for an unknown username', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    const wrong = await app.dispatch(desk, 'auth.signIn', { username: 'BOSS', password: 'wrong password' });
    // A password typed in the username box must not end up in the audit log.
    const unknown = await app.dispatch(desk, 'auth.signIn', { username: 'correct horse', password: 'whatever' });
    for (const result of [wrong, unknown]) {
      expect(result).toEqual({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: 'That username and password do not match.' } });
    }
    const bossId = app.database.sqlite.prepare(`SELECT id FROM staff WHERE username = 'boss'`).pluck().get();
    expect(auditLog()).toEqual([
      { at: NOW, staff_id: bossId, workstation: 'desk-1', action: 'auth.signIn.failed', entity: '', entity_id: null, detail: 'boss' },
      { at: NOW, staff_id: null, workstation: 'desk-1', action: 'auth.signIn.failed', entity: '', entity_id: null, detail: '' },
    ]);
    expect(await callAs(app.dispatch, desk, 'auth.status', {})).toMatchObject({ staff: null });
  });

  it('slows a username down after five failures', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    for (let i = 0; i < 5; i++) await app.dispatch(desk, 'auth.signIn', { username: 'boss', password: 'wrong password' });
    expect(await app.dispatch(desk, 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 30 } },
    });
    expect(auditLog()).toHaveLength(5);
  });

  it('re-hashes a password stored at an older, lower cost at the next successful sign-in only', async () => {
    const oldHash = await hashPassword('correct horse', { N: 2 ** 15, r: 8, p: 1 });
    app.database.sqlite.prepare(`UPDATE staff SET password_hash = ? WHERE username = 'boss'`).run(oldHash);
    const storedHash = () => app.database.sqlite.prepare(`SELECT password_hash FROM staff WHERE username = 'boss'`).pluck().get() as string;
    expect(await app.dispatch(localCaller(app.sessions), 'auth.signIn', { username: 'boss', password: 'wrong password' })).toMatchObject({ ok: false });
    expect(storedHash()).toBe(oldHash);
    await callAs(app.dispatch, localCaller(app.sessions), 'auth.signIn', { username: 'boss', password: 'correct horse' });
    expect(storedHash()).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await app.dispatch(localCaller(app.sessions), 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({ ok: true });
  });

  it('refuses a disabled account without recording a failure', async () => {
    app.database.sqlite.prepare(`UPDATE staff SET is_active = 0 WHERE username = 'boss'`).run();
    expect(await app.dispatch(localCaller(app.sessions), 'auth.signIn', { username: 'boss', password: 'correct horse' })).toEqual({
      ok: false,
      error: { code: 'ACCOUNT_DISABLED', message: 'This account is disabled. Ask an administrator.' },
    });
    expect(auditLog()).toEqual([]);
  });
});

describe('auth.unlock, auth.updateMe, auth.changePassword', () => {
  it('unlocks with the right password only', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    const session = desk.auth.current()!;
    session.isLocked = true;
    expect(await app.dispatch(desk, 'auth.unlock', { password: 'nope' })).toEqual({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', message: 'That password is not right.' },
    });
    expect(session.isLocked).toBe(true);
    expect(await app.dispatch(desk, 'auth.unlock', { password: 'correct horse' })).toEqual({ ok: true, value: { ok: true } });
    expect(session.isLocked).toBe(false);
    expect(auditLog().map((row) => row.action)).toEqual(['auth.signIn']);
  });

  it('updates one’s own name and language, without an audit entry', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    expect(await callAs(app.dispatch, desk, 'auth.updateMe', { locale: 'pt', displayName: 'A Chefe' })).toMatchObject({ locale: 'pt', displayName: 'A Chefe' });
    expect(auditLog().map((row) => row.action)).toEqual(['auth.signIn']);
  });

  it('answers an update with nothing to change with the account as it is', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    const before = await callAs(app.dispatch, desk, 'auth.status', {});
    expect(await app.dispatch(desk, 'auth.updateMe', {})).toEqual({ ok: true, value: before.staff });
  });

  it('changes the password when the current one is right, and records it', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    const { staff } = await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    expect(await app.dispatch(desk, 'auth.changePassword', { currentPassword: 'wrong one', newPassword: 'battery staple' })).toEqual({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', message: 'Your current password is not right.' },
    });
    expect(await app.dispatch(desk, 'auth.changePassword', { currentPassword: 'correct horse', newPassword: 'battery staple' })).toEqual({
      ok: true,
      value: { ok: true },
    });
    expect(auditLog().slice(1)).toEqual([
      { at: NOW, staff_id: staff.id, workstation: 'desk-1', action: 'auth.changePassword', entity: '', entity_id: null, detail: '' },
    ]);
    const again = localCaller(app.sessions, 'desk-2');
    expect(await app.dispatch(again, 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({ ok: false });
    expect(await app.dispatch(again, 'auth.signIn', { username: 'boss', password: 'battery staple' })).toMatchObject({ ok: true });
  });

  it('ends one’s other sessions when the password changes, and keeps the one that changed it', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    const laptop = localCaller(app.sessions, 'desk-2');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    await callAs(app.dispatch, laptop, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    await callAs(app.dispatch, desk, 'auth.changePassword', { currentPassword: 'correct horse', newPassword: 'battery staple' });
    expect(await callAs(app.dispatch, laptop, 'auth.status', {})).toMatchObject({ staff: null });
    expect(await app.dispatch(laptop, 'staff.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await callAs(app.dispatch, desk, 'auth.status', {})).toMatchObject({ staff: { username: 'boss' } });
    expect(await app.dispatch(desk, 'staff.list', {})).toMatchObject({ ok: true });
  });
});
