import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type OpenedDatabase } from './database';

/**
 * The database holds patients' data: its folder and its files (the database, its WAL and
 * shared memory) are the app's account's alone, for a new install and for one made before
 * that rule (fixed when the database is opened). Windows has no such modes.
 */
const onWindows = process.platform === 'win32';
const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
let opened: OpenedDatabase | null = null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fd-modes-'));
});

afterEach(async () => {
  await opened?.close();
  opened = null;
  rmSync(root, { recursive: true, force: true });
});

async function openAndWrite(file: string): Promise<void> {
  opened = await openMigratedDatabase(file);
  // A write, so that the WAL and its shared memory exist while the database is open.
  opened.sqlite.prepare(`INSERT INTO rooms (name) VALUES ('Room 1')`).run();
}

describe.skipIf(onWindows)('the database files’ permissions', () => {
  it('creates the data folder for its owner only, and the database, WAL and shared memory readable by its owner only', async () => {
    const dataDir = join(root, 'data');
    const file = join(dataDir, 'front-desk.db');
    await openAndWrite(file);
    expect(existsSync(`${file}-wal`) && existsSync(`${file}-shm`)).toBe(true);
    expect(mode(dataDir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect({ path, mode: mode(path) }).toEqual({ path, mode: 0o600 });
  });

  it('tightens an existing install’s folder and files when it opens them', async () => {
    const dataDir = join(root, 'data');
    const file = join(dataDir, 'front-desk.db');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    // An older version's files, left world-readable (the WAL still there, as after a crash).
    const old = new BetterSqlite3(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    try {
      await openAndWrite(file);
      expect(mode(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) expect({ path, mode: mode(path) }).toEqual({ path, mode: 0o600 });
    } finally {
      old.close();
    }
  });
});
