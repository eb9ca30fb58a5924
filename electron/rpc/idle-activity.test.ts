import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import type { Caller } from './dispatch';
import { callAs, localCaller } from './local-caller';

/** Only a person's calls keep a session awake: background polls must not hold off the idle lock (issue 11, Medium 4). */

const MINUTE = 60_000;
let dir: string;
let app: FrontDesk;
let clock: number;
let person: Caller;
let background: Caller;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-idle-'));
  clock = Date.now();
  app = await startFrontDesk({ dataDir: dir, now: () => clock });
  const setup = localCaller(app.sessions, 'desk-0');
  await callAs(app.dispatch, setup, 'setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  person = { ...localCaller(app.sessions, 'desk-1'), isBackground: false };
  // The same browser or window, calling on its own (a poll, a refresh after a push event).
  background = { ...person, isBackground: true };
  await callAs(app.dispatch, person, 'auth.signIn', { username: 'boss', password: 'correct horse' });
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('idle lock and background calls', () => {
  it('locks after the idle time although polls kept coming every minute', async () => {
    for (let minute = 1; minute <= 11; minute++) {
      clock += MINUTE;
      const poll = await app.dispatch(background, 'settings.get', {});
      if (minute <= 10) expect(poll.ok).toBe(true);
      else expect(poll).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', details: { locked: true } } });
    }
    expect(await app.dispatch(person, 'settings.get', {})).toMatchObject({ ok: false, error: { details: { locked: true } } });
    // A reload asks for the status in the background: it must show the lock screen.
    expect(await callAs(app.dispatch, background, 'auth.status', {})).toMatchObject({ staff: { username: 'boss' }, isLocked: true });
  });

  it("extends the session on a person's call", async () => {
    clock += 9 * MINUTE;
    await callAs(app.dispatch, person, 'settings.get', {});
    clock += 9 * MINUTE;
    expect((await app.dispatch(person, 'settings.get', {})).ok).toBe(true);
    expect(await callAs(app.dispatch, background, 'auth.status', {})).toMatchObject({ isLocked: false });
  });

  it('does not count a call that does not say whose it is (fails closed)', async () => {
    const unmarked: Caller = { ...person };
    delete unmarked.isBackground;
    clock += 9 * MINUTE;
    expect((await app.dispatch(unmarked, 'settings.get', {})).ok).toBe(true);
    clock += 2 * MINUTE;
    expect(await app.dispatch(unmarked, 'settings.get', {})).toMatchObject({ ok: false, error: { details: { locked: true } } });
  });

  it('answers only status, unlock and sign-out while locked, and a background status check does not unlock', async () => {
    clock += 11 * MINUTE;
    for (const [method, input] of [
      ['settings.get', {}],
      ['queue.list', {}],
      ['patients.search', { query: 'ana' }],
      ['auth.updateMe', { locale: 'en' }],
    ] as const) {
      expect(await app.dispatch(person, method, input)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', details: { locked: true } } });
    }
    expect(await callAs(app.dispatch, background, 'auth.status', {})).toMatchObject({ isLocked: true });
    await callAs(app.dispatch, person, 'auth.unlock', { password: 'correct horse' });
    expect((await app.dispatch(background, 'settings.get', {})).ok).toBe(true);
    clock += 11 * MINUTE;
    await callAs(app.dispatch, background, 'auth.signOut', {});
    expect(await callAs(app.dispatch, background, 'auth.status', {})).toMatchObject({ staff: null });
  });

  it('tells whether a session is locked now, for the event channels', async () => {
    const session = person.auth.current()!;
    expect(app.isLocked(session)).toBe(false);
    clock += 11 * MINUTE;
    expect(app.isLocked(session)).toBe(true);
  });
});
