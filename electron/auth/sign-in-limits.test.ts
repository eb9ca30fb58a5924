import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import type { Caller } from '../rpc/dispatch';
import { callAs, localCaller } from '../rpc/local-caller';

/**
 * Sign-in and unlock under guessing: attempts sent together, one source against many
 * accounts, and an attacker's failures against the real user at their own desk.
 */

const verified = vi.hoisted(() => ({ count: 0 }));
vi.mock('./password', async (importOriginal) => {
  const original = await importOriginal<typeof import('./password')>();
  return {
    ...original,
    verifyPassword: (password: string, stored: string) => {
      verified.count += 1;
      return original.verifyPassword(password, stored);
    },
  };
});

const NOW = Date.UTC(2025, 2, 3, 9, 0);
let dir: string;
let app: FrontDesk;

/** A caller at another machine: its own source address. */
const from = (source: string): Caller => ({ ...localCaller(app.sessions, `web ${source}`), transport: 'http', source });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-sign-in-limits-'));
  app = await startFrontDesk({ dataDir: dir, now: () => NOW });
  await callAs(app.dispatch, localCaller(app.sessions, 'desk-0'), 'setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  verified.count = 0;
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sign-in attempts sent together', () => {
  it('tries at most five of a hundred, and the right password sent among 99 wrong ones does not sign in', async () => {
    const attacker = from('10.0.0.66');
    const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? 'correct horse' : `guess ${i}`));
    const results = await Promise.all(guesses.map((password) => app.dispatch(attacker, 'auth.signIn', { username: 'boss', password })));
    expect(verified.count).toBeLessThanOrEqual(5);
    expect(results.filter((result) => result.ok)).toEqual([]);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(attacker.auth.current()).toBeNull();
  });

  it('limits one source across accounts: four tries at each of forty accounts stop at twenty', async () => {
    const attacker = from('10.0.0.66');
    const tries = Array.from({ length: 40 }, (_, account) =>
      Array.from({ length: 4 }, (_, i) => ({ username: `user${account}`, password: `guess ${i}` })),
    ).flat();
    const results = await Promise.all(tries.map((input) => app.dispatch(attacker, 'auth.signIn', input)));
    expect(verified.count).toBeLessThanOrEqual(20);
    expect(results.filter((result) => !result.ok && result.error.code === 'RATE_LIMITED')).toHaveLength(tries.length - verified.count);
    // Nor may it go on with a known account; another machine may.
    expect(await app.dispatch(attacker, 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    expect(await app.dispatch(from('10.0.0.5'), 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({ ok: true });
  });
});

describe('an attacker does not lock staff out', () => {
  it('slows the attacker’s source down for the account, not the member of staff at their own desk', async () => {
    const attacker = from('10.0.0.66');
    for (let i = 0; i < 5; i++) await app.dispatch(attacker, 'auth.signIn', { username: 'boss', password: `guess ${i}` });
    expect(await app.dispatch(attacker, 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: 30 } },
    });
    expect(await app.dispatch(localCaller(app.sessions, 'desk-1'), 'auth.signIn', { username: 'Boss', password: 'correct horse' })).toMatchObject({ ok: true });
    expect(await app.dispatch(from('10.0.0.5'), 'auth.signIn', { username: 'boss', password: 'correct horse' })).toMatchObject({ ok: true });
  });

  it('unlocks a session whatever others have failed, and limits guesses at the locked session itself, sent together too', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    await callAs(app.dispatch, desk, 'auth.signIn', { username: 'boss', password: 'correct horse' });
    const attacker = from('10.0.0.66');
    for (let i = 0; i < 8; i++) await app.dispatch(attacker, 'auth.signIn', { username: 'boss', password: `guess ${i}` });
    const session = desk.auth.current()!;
    session.isLocked = true;
    expect(await app.dispatch(desk, 'auth.unlock', { password: 'correct horse' })).toEqual({ ok: true, value: { ok: true } });

    session.isLocked = true;
    verified.count = 0;
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 29 ? 'correct horse' : `guess ${i}`));
    const results = await Promise.all(guesses.map((password) => app.dispatch(desk, 'auth.unlock', { password })));
    expect(verified.count).toBeLessThanOrEqual(5);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(session.isLocked).toBe(true);
  });
});
