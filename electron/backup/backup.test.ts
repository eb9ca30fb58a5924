import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { checkDatabaseFile, listBackups } from './backup-files';
import { readBackupState } from './backup-state.repository';
import { integrityCheckFile } from './backup.repository';

let t: TestDesk;
let p: Practice;
let folder: string;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t);
  folder = mkdtempSync(join(tmpdir(), 'fd-backups-'));
});

afterEach(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

function tables(file: string): { appointments: number; patients: number } {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { appointments: count('appointments'), patients: count('patients') };
  } finally {
    db.close();
  }
}

describe('the backup folder', () => {
  it('must exist, be writable and lie outside the data folder; a refused folder changes nothing', async () => {
    expect((await t.fail(t.admin, 'backup.setFolder', { folder: join(folder, 'nope') })).code).toBe('BACKUP_FOLDER_MISSING');
    expect((await t.fail(t.admin, 'backup.setFolder', { folder: 'relative/path' })).code).toBe('BACKUP_FOLDER_MISSING');
    const inside = join(t.dir, 'backups');
    mkdirSync(inside);
    expect((await t.fail(t.admin, 'backup.setFolder', { folder: inside })).code).toBe('BACKUP_FOLDER_INSIDE_DATA');
    expect((await t.fail(t.admin, 'backup.setFolder', { folder: t.dir })).code).toBe('BACKUP_FOLDER_INSIDE_DATA');
    if (process.getuid?.() !== 0) {
      const locked = join(folder, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect((await t.fail(t.admin, 'backup.setFolder', { folder: locked })).code).toBe('BACKUP_FOLDER_NOT_WRITABLE');
    }
    expect(readBackupState(t.dir).folder).toBeNull();
    expect((await t.fail(t.reception, 'backup.setFolder', { folder })).code).toBe('FORBIDDEN');

    const status = await t.ok(t.admin, 'backup.setFolder', { folder });
    expect(status.folder).toBe(folder);
    expect(status.health).toBe('never');
    const audit = t.desk.database.sqlite.prepare(`SELECT action, detail FROM audit_log WHERE action LIKE 'backup.%'`).all();
    expect(audit).toEqual([{ action: 'backup.setFolder', detail: JSON.stringify({ folder }) }]);
  });
});

describe('a backup', () => {
  it('is an online copy under a final name, checked, with the same migrations, and shown in the status', async () => {
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-06-15T10:00'),
    });
    await t.ok(t.admin, 'backup.setFolder', { folder });
    t.events.length = 0;
    const attempt = await t.ok(t.admin, 'backup.run', {});
    expect(attempt).toMatchObject({ at: t.now, isOk: true, problem: null });
    expect(attempt.file).toBe(join(folder, 'front-desk-2026-06-15T07-00-00Z.db'));
    // Nothing half-written stays, and the copy is one self-contained file (no WAL beside it).
    expect(readdirSync(folder)).toEqual(['front-desk-2026-06-15T07-00-00Z.db']);
    expect(attempt.size).toBeGreaterThan(0);
    // Patients' data: readable by the desk's user alone.
    if (process.platform !== 'win32') expect(statSync(attempt.file!).mode & 0o777).toBe(0o600);
    const check = await checkDatabaseFile(attempt.file!);
    expect(check).toMatchObject({ isOk: true, reason: null });
    const live = t.desk.database.sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>;
    expect(check.migrations).toEqual(live.map((row) => row.name));
    expect(tables(attempt.file!)).toEqual({ appointments: 1, patients: p.patients.length });
    expect(t.events.some((e) => e.event === 'backup.changed')).toBe(true);

    const status = await t.ok(t.reception, 'backup.status', {});
    expect(status).toMatchObject({ folder, lastGoodAt: t.now, health: 'ok', isRunning: false, last: attempt });
    t.now += 2 * DAY_MS + 1;
    expect((await t.ok(t.reception, 'backup.status', {})).health).toBe('stale');
    expect(await t.ok(t.admin, 'backup.list', {})).toEqual([{ name: 'front-desk-2026-06-15T07-00-00Z.db', at: attempt.at, size: attempt.size }]);
  });

  it('that fails is recorded, reported and shown to staff, and leaves no file', async () => {
    await t.ok(t.admin, 'backup.setFolder', { folder });
    rmSync(folder, { recursive: true });
    const error = await t.fail(t.admin, 'backup.run', {});
    expect(error.code).toBe('BACKUP_FOLDER_MISSING');
    const status = await t.ok(t.reception, 'backup.status', {});
    expect(status.last).toMatchObject({ isOk: false, problem: 'BACKUP_FOLDER_MISSING', file: null });
    expect(status.health).toBe('failing');
  });

  it('is refused before a folder is chosen', async () => {
    expect(await t.fail(t.admin, 'backup.run', {})).toMatchObject({ code: 'BACKUP_FAILED', details: { reason: 'NO_FOLDER' } });
  });

  it('that does not pass its check is deleted: a damaged file is never kept as a backup', async () => {
    const bad = join(folder, 'front-desk-2026-06-15T07-00-00Z.db');
    writeFileSync(bad, 'SQLite format 3\0 but not really');
    expect(await checkDatabaseFile(bad)).toMatchObject({ isOk: false, reason: 'NOT_A_DATABASE' });
    const notOurs = join(folder, 'other.db');
    new BetterSqlite3(notOurs).exec('CREATE TABLE x (a)');
    expect(await checkDatabaseFile(notOurs)).toMatchObject({ isOk: false, reason: 'NO_MIGRATIONS' });
  });
});

describe('the scheduler', () => {
  it('backs up daily on the injected clock, keeps 14 daily and 12 monthly backups, and checks the database weekly', async () => {
    // No folder: nothing happens but the health check.
    await t.desk.backup.tick();
    expect(readdirSync(folder)).toEqual([]);
    expect(readBackupState(t.dir).lastHealthCheckAt).toBe(t.now);

    await t.ok(t.admin, 'backup.setFolder', { folder });
    const start = t.now;
    // Forty days, the scheduler's turn every six hours.
    for (let hour = 0; hour < 40 * 24; hour += 6) {
      t.now = start + hour * HOUR_MS;
      await t.desk.backup.tick();
    }
    const backups = await listBackups(folder);
    // One a day (the first turn 24 h after the last), from 15 June to 24 July, trimmed to the 14
    // dailies (11 to 24 July: July's newest among them) and June's newest.
    expect(backups.map((b) => new Date(b.at).toISOString().slice(0, 10)).reverse()).toEqual([
      '2026-06-30',
      ...Array.from({ length: 14 }, (_, i) => `2026-07-${String(11 + i).padStart(2, '0')}`),
    ]);
    expect(backups[0]!.at).toBe(start + 39 * DAY_MS);
    const state = readBackupState(t.dir);
    expect(state.lastGoodAt).toBe(start + 39 * DAY_MS);
    // Weekly: the last check within the last week.
    expect(t.now - state.lastHealthCheckAt!).toBeLessThan(7 * DAY_MS);
    expect(state.damagedAt).toBeNull();
  });
});

describe('the integrity check of a file', () => {
  it('runs in a worker thread: the event loop keeps turning while it reads', async () => {
    await t.ok(t.admin, 'backup.setFolder', { folder });
    const attempt = await t.ok(t.admin, 'backup.run', {});
    let turns = 0;
    let isDone = false;
    const spin = async () => {
      while (!isDone) {
        turns += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const spinning = spin();
    const rows = await integrityCheckFile(attempt.file!);
    isDone = true;
    await spinning;
    expect(rows).toEqual(['ok']);
    // A check on this thread would have held the loop from start to end: no turn in between.
    expect(turns).toBeGreaterThan(1);
  });
});
