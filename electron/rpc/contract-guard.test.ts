import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, methodNames, type MethodName } from '../../shared/contract/contract';
import { roles, type Role } from '../../shared/contract/method';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { callAs, localCaller } from './local-caller';
import type { Caller } from './dispatch';

let dir: string;
let app: FrontDesk;
const callers = {} as Record<Role | 'anonymous', Caller>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-guard-'));
  app = await startFrontDesk({ dataDir: dir });
  callers.anonymous = localCaller(app.sessions);
  callers.admin = localCaller(app.sessions);
  await callAs(app.dispatch, callers.admin, 'setup.createClinic', {
    clinicName: 'Guard Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'Boss', password: 'long password' },
  });
  await callAs(app.dispatch, callers.admin, 'auth.signIn', { username: 'boss', password: 'long password' });
  for (const role of ['receptionist', 'doctor'] as const) {
    await callAs(app.dispatch, callers.admin, 'staff.create', { username: role, displayName: role, role, password: 'long password' });
    callers[role] = localCaller(app.sessions);
    await callAs(app.dispatch, callers[role], 'auth.signIn', { username: role, password: 'long password' });
  }
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function totalChanges(): number {
  return (app.database.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

const hostileInputs: unknown[] = [
  null,
  42,
  'patients',
  [],
  [{}],
  { id: '1; DROP TABLE patients; --' },
  { id: -1 },
  { id: 1.5 },
  { id: Number.MAX_SAFE_INTEGER + 10 },
  { query: '<script>alert(1)</script>'.repeat(20) },
  { unknownField: true, constructor: { prototype: { isAdmin: true } } },
  JSON.parse('{"__proto__": {"isAdmin": true}}'),
];

const nonPublic = methodNames.filter((name) => contract[name].access !== 'public');

describe('every contract method', () => {
  it.each(nonPublic)('%s refuses an anonymous caller', async (method) => {
    const result = await app.dispatch(callers.anonymous, method, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('UNAUTHENTICATED');
  });

  it.each(nonPublic)('%s refuses every role it does not list', async (method) => {
    const access = contract[method].access as readonly Role[];
    for (const role of roles.filter((r) => !access.includes(r))) {
      const before = totalChanges();
      const result = await app.dispatch(callers[role], method, {});
      expect(result.ok, `${role} calling ${method}`).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
      expect(totalChanges()).toBe(before);
    }
  });

  it.each(methodNames)('%s answers malformed and hostile input with VALIDATION and writes nothing', async (method: MethodName) => {
    const access = contract[method].access;
    const staffRole = access === 'public' ? undefined : (access as readonly string[]).find((role): role is Role => (roles as readonly string[]).includes(role));
    if (access !== 'public' && !staffRole) return; // device-only methods: covered by the device tests
    const caller = staffRole ? callers[staffRole] : callers.anonymous;
    for (const input of hostileInputs) {
      if (contract[method].input.safeParse(input).success) continue; // e.g. {} for list methods
      const before = totalChanges();
      const result = await app.dispatch(caller, method, input);
      expect(result.ok, `${method} with ${JSON.stringify(input)}`).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('VALIDATION');
        expect(result.error.message.length).toBeGreaterThan(10);
      }
      expect(totalChanges()).toBe(before);
    }
  });

  it('refuses an unknown method with a clear error', async () => {
    for (const name of ['patients.drop', '__proto__', 'constructor', 'toString', '', 'a'.repeat(10_000)]) {
      const result = await app.dispatch(callers.admin, name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('locks a session after the idle time, and only unlock or sign-out work then', async () => {
    const caller = localCaller(app.sessions);
    await callAs(app.dispatch, caller, 'auth.signIn', { username: 'receptionist', password: 'long password' });
    const session = caller.auth.current()!;
    session.lastActiveAt -= 11 * 60_000;
    const locked = await app.dispatch(caller, 'settings.get', {});
    expect(locked.ok).toBe(false);
    if (!locked.ok) expect(locked.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { locked: true } });
    const wrong = await app.dispatch(caller, 'auth.unlock', { password: 'not it' });
    expect(wrong.ok).toBe(false);
    await callAs(app.dispatch, caller, 'auth.unlock', { password: 'long password' });
    expect((await app.dispatch(caller, 'settings.get', {})).ok).toBe(true);
  });
});
