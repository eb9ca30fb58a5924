import BetterSqlite3 from 'better-sqlite3';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { startFrontDesk } from '../app/front-desk';
import { Migrator } from 'kysely';
import { openDatabase } from '../db/database';
import { migrations } from '../db/migrations';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { readBackupState } from './backup-state.repository';
import { BackupService } from './backup.service';
import { DatabaseDamagedError } from './damaged-database';
import { stageRestore } from './restore';

let t: TestDesk;
let p: Practice;
let folder: string;
let dataDir: string;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t);
  folder = mkdtempSync(join(tmpdir(), 'fd-backups-'));
  dataDir = t.dir;
});

afterEach(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

const book = (patient: number, time: string) =>
  t.ok(t.reception, 'appointments.book', {
    patientId: p.patients[patient]!,
    specialtyId: p.general,
    practitionerId: p.ana,
    startsAt: t.at(`2026-06-15T${time}`),
  });

/** Scribbles over the database's pages past the first two, as a failing disk or a torn write would. */
function damage(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    for (let offset = 2 * 4096; offset < size; offset += 4096) writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, offset + 16);
  } finally {
    closeSync(fd);
  }
}

function appointmentsIn(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM appointments').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a damaged database at start', () => {
  it('is detected, names the last good backup, and the restore path brings the desk back on it', async () => {
    await book(0, '10:00');
    await t.ok(t.admin, 'backup.setFolder', { folder });
    const backup = await t.ok(t.admin, 'backup.run', {});
    await book(1, '11:00');
    await t.desk.close();
    const file = join(dataDir, 'front-desk.db');
    damage(file);

    const failed = await startFrontDesk({ dataDir, now: () => t.now }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(DatabaseDamagedError);
    expect(failed).toMatchObject({ file, backupFolder: folder, latestBackup: backup.file });

    // The command-line path (npm run restore): staged in a new folder, swapped in at the next start.
    const staged = await stageRestore({ file: backup.file!, dataDir, now: t.now, staffId: null, workstation: 'cli' });
    expect(existsSync(join(staged.folder, 'front-desk.db'))).toBe(true);
    const desk = await startFrontDesk({ dataDir, now: () => t.now });
    try {
      expect(desk.restored).toMatchObject({ from: backup.file });
      expect(appointmentsIn(file)).toBe(1);
      const audit = desk.database.sqlite.prepare(`SELECT action FROM audit_log WHERE action = 'backup.restored'`).all();
      expect(audit).toHaveLength(1);
      // The damaged database is kept aside, not deleted; the staging folder is gone.
      const aside = readdirSync(dataDir).filter((name) => name.startsWith('before-restore-'));
      expect(aside).toHaveLength(1);
      expect(existsSync(join(dataDir, aside[0]!, 'front-desk.db'))).toBe(true);
      expect(readdirSync(dataDir).some((name) => name.startsWith('restore-'))).toBe(false);
    } finally {
      await desk.close();
    }
  });

  it('that is not a database at all (SQLITE_NOTADB) is detected too', async () => {
    await t.desk.close();
    const file = join(dataDir, 'front-desk.db');
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
    writeFileSync(file, Buffer.alloc(8192, 0x41));
    await expect(startFrontDesk({ dataDir, now: () => t.now })).rejects.toBeInstanceOf(DatabaseDamagedError);
  });
});

describe('a restore', () => {
  it('from Settings stages the backup and audits it; the live database is untouched until the restart', async () => {
    await book(0, '10:00');
    await t.ok(t.admin, 'backup.setFolder', { folder });
    const backup = await t.ok(t.admin, 'backup.run', {});
    await book(1, '11:00');
    expect((await t.fail(t.admin, 'backup.restore', { name: 'front-desk-2020-01-01T00-00-00Z.db' })).code).toBe('NOT_FOUND');
    // Only a backup of the folder, by name: not any file on the machine.
    expect((await t.fail(t.admin, 'backup.restore', { name: '../front-desk.db' })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.reception, 'backup.restore', { name: backup.file!.split('/').at(-1)! })).code).toBe('FORBIDDEN');
    const result = await t.ok(t.admin, 'backup.restore', { name: backup.file!.split('/').at(-1)! });
    expect(result.restartRequired).toBe(true);
    expect(t.count('appointments')).toBe(2);
    expect(existsSync(join(dataDir, 'restore-pending.json'))).toBe(true);
    const audit = t.desk.database.sqlite.prepare(`SELECT action FROM audit_log WHERE action = 'backup.restore'`).all();
    expect(audit).toHaveLength(1);
  });

  it('of a file that is not a good backup is refused and changes nothing', async () => {
    const bogus = join(folder, 'front-desk-2026-06-14T07-00-00Z.db');
    writeFileSync(bogus, 'not a database');
    await t.ok(t.admin, 'backup.setFolder', { folder });
    const error = await t.fail(t.admin, 'backup.restore', { name: 'front-desk-2026-06-14T07-00-00Z.db' });
    expect(error).toMatchObject({ code: 'RESTORE_FILE_INVALID', details: { reason: 'NOT_A_DATABASE' } });
    expect(readdirSync(dataDir).filter((name) => name.startsWith('restore'))).toEqual([]);
    // A backup from a newer Front Desk (a migration this version does not know) is refused the same way.
    const newer = join(folder, 'newer.db');
    const db = new BetterSqlite3(newer);
    db.exec(
      `CREATE TABLE kysely_migration (name TEXT PRIMARY KEY, timestamp TEXT); INSERT INTO kysely_migration VALUES ('0001_initial', ''), ('9999_future', '')`,
    );
    db.close();
    const refused = await stageRestore({ file: newer, dataDir, now: t.now, staffId: null, workstation: 'cli' }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'RESTORE_FILE_INVALID', details: { reason: 'UNKNOWN_MIGRATION' } });
  });
});

describe('a backup from an older version', () => {
  it('is brought to this version on the copy, before it is swapped in', async () => {
    const old = join(folder, 'older.db');
    const opened = openDatabase(old);
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => migrations } });
    const names = Object.keys(migrations);
    // Two migrations behind: what a desk that had not been updated for a while would have backed up.
    const { error } = await migrator.migrateTo(names.at(-3)!);
    expect(error).toBeUndefined();
    opened.sqlite.pragma('journal_mode = DELETE');
    await opened.close();

    const staged = await stageRestore({ file: old, dataDir, now: t.now, staffId: null, workstation: 'cli' });
    const copy = new BetterSqlite3(join(staged.folder, 'front-desk.db'), { readonly: true });
    try {
      const ran = (copy.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((row) => row.name);
      expect(ran).toEqual(names);
    } finally {
      copy.close();
    }
    // The backup itself is left as it was.
    const original = new BetterSqlite3(old, { readonly: true });
    expect((original.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n).toBe(names.length - 2);
    original.close();
  });
});

describe('the weekly health check', () => {
  it('finds a damaged file and tells staff (the board’s banner)', async () => {
    await t.desk.close();
    const file = join(dataDir, 'front-desk.db');
    // One table's page, not the schema's: the file still opens, and only a check finds it.
    const probe = new BetterSqlite3(file, { readonly: true });
    const { rootpage } = probe.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'patients'`).get() as { rootpage: number };
    probe.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(64, 0x5a), 0, 64, (rootpage - 1) * 4096);
    closeSync(fd);
    const opened = openDatabase(file);
    try {
      const service = new BackupService({ dataDir, db: opened.db, sqlite: opened.sqlite, timeZone: () => 'Europe/Lisbon', changed: () => undefined });
      expect(await service.healthCheck(t.now)).toBe(false);
      expect(readBackupState(dataDir).damagedAt).toBe(t.now);
      expect(service.status(t.now)).toMatchObject({ health: 'failing', damagedAt: t.now });
    } finally {
      await opened.close();
    }
  });
});
