import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { callAs, localCaller } from '../rpc/local-caller';

/** First run: an empty clinic with its admin, or the demo clinic; and never twice. */

const NOW = Date.UTC(2025, 2, 3, 9, 0);
let dir: string;
let app: FrontDesk;
let events: string[];

const clinic = {
  clinicName: 'Test Clinic',
  timeZone: 'Europe/Lisbon',
  locale: 'pt' as const,
  admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
};
const alreadySetUp = { ok: false, error: { code: 'ALREADY_SET_UP', message: 'This clinic is already set up.' } };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-setup-'));
  app = await startFrontDesk({ dataDir: dir, now: () => NOW });
  events = [];
  app.bus.subscribe((event) => events.push(event));
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('setup', () => {
  it('creates the clinic and its first admin, once', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    expect(await callAs(app.dispatch, desk, 'setup.createClinic', clinic)).toEqual({ ok: true });
    expect(events).toEqual(['settings.changed']);
    expect(await callAs(app.dispatch, desk, 'auth.status', {})).toMatchObject({
      isSetUp: true,
      isDemo: false,
      clinicName: 'Test Clinic',
      locale: 'pt',
      staff: null,
    });
    expect(app.database.sqlite.prepare('SELECT username, role, locale, created_at FROM staff').all()).toEqual([
      { username: 'boss', role: 'admin', locale: 'pt', created_at: NOW },
    ]);
    expect(await app.dispatch(desk, 'setup.createClinic', clinic)).toEqual(alreadySetUp);
    expect(await app.dispatch(desk, 'setup.startDemo', {})).toEqual(alreadySetUp);
    expect(app.database.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
  });

  it('refuses a database that already has staff, even without the setting', async () => {
    app.database.sqlite
      .prepare(`INSERT INTO staff (username, display_name, role, password_hash, locale, created_at) VALUES ('x', 'X', 'admin', 'none', 'en', 0)`)
      .run();
    expect(await app.dispatch(localCaller(app.sessions), 'setup.createClinic', clinic)).toEqual(alreadySetUp);
  });

  it('fills the database with the demo clinic', async () => {
    const desk = localCaller(app.sessions, 'desk-1');
    expect(await callAs(app.dispatch, desk, 'setup.startDemo', { locale: 'pt' })).toEqual({ ok: true });
    expect(events).toEqual(['settings.changed', 'practice.changed']);
    const status = await callAs(app.dispatch, desk, 'auth.status', {});
    expect(status).toMatchObject({ isSetUp: true, isDemo: true, locale: 'pt' });
    expect(status.demoAccounts.map((account) => account.username)).toEqual(['admin', 'reception']);
    expect(await app.dispatch(desk, 'setup.createClinic', clinic)).toEqual(alreadySetUp);
  });
});
