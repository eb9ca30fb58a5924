import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { SessionStore } from '../auth/session-store';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { EventBus } from '../events/event-bus';
import type { CallContext } from './context';
import { createDispatcher } from './dispatch';
import type { Handlers } from './handlers';
import { localCaller } from './local-caller';

/**
 * A handler's events are queued, and the dispatcher publishes them only once the call has
 * succeeded (committed, and its output checked): a screen must never hear of a change that
 * was rolled back.
 */
let dir: string;
let database: OpenedDatabase;
let sessions: SessionStore;
let bus: EventBus;
let sent: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-events-'));
  database = await openMigratedDatabase(join(dir, 'front-desk.db'));
  sessions = new SessionStore();
  bus = new EventBus();
  sent = [];
  bus.subscribe((event) => sent.push(event));
});

afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

type Partial = Record<string, (input: never, ctx: CallContext) => unknown>;

function dispatcherWith(handlers: Partial) {
  return createDispatcher({ db: database.db, handlers: handlers as unknown as Handlers, bus, now: () => 0, idleLockMinutes: () => Infinity });
}

function signedIn() {
  const caller = localCaller(sessions, 'desk-1');
  caller.auth.signIn({ id: 7, username: 'rita', role: 'admin', practitionerId: null });
  return caller;
}

const roomCount = () => (database.sqlite.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;

describe('events of a failed call', () => {
  it('sends nothing when a writing handler emits an event and then fails, and rolls its write back', async () => {
    const dispatch = dispatcherWith({
      'rooms.save': async (input: { name: string }, ctx) => {
        await ctx.db.insertInto('rooms').values({ name: input.name }).execute();
        ctx.emit('practice.changed', {});
        throw new AppError('ALREADY_EXISTS', 'taken');
      },
    });
    expect(await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' })).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(roomCount()).toBe(0);
    expect(sent).toEqual([]);
  });

  it('sends nothing when a reading handler emits an event and then fails with an unexpected error', async () => {
    const dispatch = dispatcherWith({
      'rooms.list': (_input, ctx) => {
        ctx.emit('practice.changed', {});
        throw new Error('boom');
      },
    });
    expect(await dispatch(signedIn(), 'rooms.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(sent).toEqual([]);
  });

  it('sends nothing when the handler emits and then answers with an output the contract refuses', async () => {
    const dispatch = dispatcherWith({
      'rooms.save': (_input, ctx) => {
        ctx.emit('practice.changed', {});
        return null;
      },
    });
    expect(await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(sent).toEqual([]);
  });

  it('sends the events of a call that succeeds, once, after it commits', async () => {
    const dispatch = dispatcherWith({
      'rooms.save': async (input: { name: string }, ctx) => {
        ctx.emit('practice.changed', {});
        // Not yet sent while the handler runs.
        expect(sent).toEqual([]);
        const { id } = await ctx.db.insertInto('rooms').values({ name: input.name }).returning('id').executeTakeFirstOrThrow();
        return { id, name: input.name, isActive: true };
      },
    });
    expect(await dispatch(signedIn(), 'rooms.save', { name: 'Room 1' })).toMatchObject({ ok: true });
    expect(sent).toEqual(['practice.changed']);
  });
});
