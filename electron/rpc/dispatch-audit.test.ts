import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { EventBus } from '../events/event-bus';
import { SessionStore } from '../auth/session-store';
import { createDispatcher } from './dispatch';
import type { Handlers } from './handlers';
import { localCaller } from './local-caller';
import type { CallContext } from './context';

/**
 * The dispatcher writes the audit entries a method declares, with the call's actor, time
 * and workstation; it writes them only when the call succeeds, except the failures a
 * method notes as such; and it refuses an action its contract entry does not declare.
 * `patients.create` declares `patients.create`; `auth.signIn` also `auth.signIn.failed`.
 */
const NOW = Date.UTC(2030, 0, 7, 9, 30);

let dir: string;
let database: OpenedDatabase;
let sessions: SessionStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-audit-'));
  database = await openMigratedDatabase(join(dir, 'front-desk.db'));
  sessions = new SessionStore();
  // The audit log's staff ids refer to real accounts.
  const addStaff = database.sqlite.prepare("INSERT INTO staff (id, username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, 'admin', 'x', 0)");
  addStaff.run(7, 'rita', 'Rita');
  addStaff.run(12, 'joao', 'João');
});

afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

type Partial = Record<string, (input: never, ctx: CallContext) => unknown>;

function dispatcherWith(handlers: Partial) {
  return createDispatcher({ db: database.db, handlers: handlers as unknown as Handlers, bus: new EventBus(), now: () => NOW, idleLockMinutes: () => Infinity });
}

function signedIn(workstation = 'desk-3') {
  const caller = localCaller(sessions, workstation);
  caller.auth.signIn({ id: 7, username: 'rita', role: 'admin', practitionerId: null });
  return caller;
}

const auditRows = () => database.sqlite.prepare('SELECT at, staff_id, workstation, action, entity, entity_id, detail FROM audit_log ORDER BY id').all();
const roomCount = () => (database.sqlite.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;

describe('declared audits', () => {
  it('drops the note when the output fails the contract: the write and the note roll back together', async () => {
    const dispatch = dispatcherWith({
      'rooms.save': async (input: { name: string }, ctx) => {
        await ctx.db.insertInto('rooms').values({ name: input.name }).execute();
        ctx.audit({ action: 'rooms.save', entity: 'room', entityId: 1 });
        return null;
      },
    });
    expect((await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' })).ok).toBe(false);
    expect(roomCount()).toBe(0);
    expect(auditRows()).toEqual([]);
  });

  it('keeps the note with the write when the call commits, and drops both when it fails', async () => {
    let shouldFail = false;
    const dispatch = dispatcherWith({
      'rooms.save': async (input: { name: string }, ctx) => {
        await ctx.db.insertInto('rooms').values({ name: input.name }).execute();
        ctx.audit({ action: 'rooms.save', entity: 'room', entityId: 1 });
        if (shouldFail) throw new AppError('ALREADY_EXISTS', 'taken');
        return { id: 1, name: input.name, isActive: true };
      },
    });
    expect(await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' })).toMatchObject({ ok: true });
    shouldFail = true;
    expect((await dispatch(signedIn(), 'rooms.save', { name: 'Room 2' })).ok).toBe(false);
    expect(roomCount()).toBe(1);
    expect(auditRows()).toEqual([{ at: NOW, staff_id: 7, workstation: 'desk-3', action: 'rooms.save', entity: 'room', entity_id: 1, detail: '' }]);
  });

  it('refuses an action the contract entry does not declare, and writes nothing', async () => {
    const dispatch = dispatcherWith({
      'rooms.save': async (input: { name: string }, ctx) => {
        await ctx.db.insertInto('rooms').values({ name: input.name }).execute();
        ctx.audit({ action: 'rooms.delete', entity: 'room', entityId: 1 });
        return { id: 1, name: input.name, isActive: true };
      },
    });
    const result = await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(roomCount()).toBe(0);
    expect(auditRows()).toEqual([]);
  });

  it('writes a noted failure although the call fails, under the staff id the note names', async () => {
    const dispatch = dispatcherWith({
      'auth.signIn': (input: { username: string }, ctx) => {
        ctx.audit({ action: 'auth.signIn' });
        ctx.auditFailure({ action: 'auth.signIn.failed', staffId: 12, detail: input.username });
        throw new AppError('INVALID_CREDENTIALS', 'no');
      },
    });
    const result = await dispatch(localCaller(sessions, 'kiosk-hall'), 'auth.signIn', { username: 'rita', password: 'wrong' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    expect(auditRows()).toEqual([
      { at: NOW, staff_id: 12, workstation: 'kiosk-hall', action: 'auth.signIn.failed', entity: '', entity_id: null, detail: 'rita' },
    ]);
  });

  it('gives every handler one request context: the actor, the settings read once, the moment', async () => {
    let seen: unknown;
    const dispatch = dispatcherWith({
      'rooms.list': async (_input, ctx) => {
        const first = await ctx.request();
        const again = await ctx.request();
        seen = { actor: first.actor, now: first.now, sameSettings: first.settings === again.settings, zone: first.settings.timeZone };
        return [];
      },
    });
    const listed = await dispatch(signedIn('desk-9'), 'rooms.list', {});
    expect(listed).toMatchObject({ ok: true });
    expect(seen).toEqual({
      actor: { staffId: 7, role: 'admin', practitionerId: null, workstation: 'desk-9' },
      now: NOW,
      sameSettings: true,
      zone: expect.any(String),
    });
  });
});
