import BetterSqlite3 from 'better-sqlite3';
import { constants, promises as fs, realpathSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { backupTimeOf, type BackupStamp } from '../../shared/backup/retention';
import { migrations } from '../db/migrations';
import { integrityCheckFile, leaveWal, migrationsIn } from './backup.repository';

/**
 * The backup's file-system work: the folder's checks, SQLite's online backup into a temporary
 * name, the check of the copy, the atomic rename, the listing. No clock of its own (callers
 * pass the moment) and no state: the service decides when, the state repository remembers.
 */

export interface BackupCheck {
  readonly isOk: boolean;
  /** INTEGRITY (integrity_check said something else than ok), NOT_A_DATABASE, NO_MIGRATIONS, UNKNOWN_MIGRATION, SCHEMA_MISMATCH. */
  readonly reason: string | null;
  readonly migrations: readonly string[];
}

/** The real path of a folder, or the path resolved when it cannot be read (so a check still compares like with like). */
function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The folder must exist, be a folder this process can write in (checked by writing a file,
 * since a network share's permission bits say little), and lie outside the data folder: a
 * backup on the disk it protects against is lost with it.
 */
export async function checkFolder(folder: string, dataDir: string): Promise<string> {
  if (!isAbsolute(folder)) throw new AppError('BACKUP_FOLDER_MISSING', 'Give the backup folder as a full path.', { folder, field: 'folder' });
  const real = realOrResolved(folder);
  let isFolder: boolean;
  try {
    isFolder = (await fs.stat(real)).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new AppError('BACKUP_FOLDER_MISSING', `There is no folder ${folder}.`, { folder, field: 'folder' });
  const data = realOrResolved(dataDir);
  if (isInside(real, data)) {
    throw new AppError('BACKUP_FOLDER_INSIDE_DATA', 'The backup folder must not be inside the data folder.', { folder, field: 'folder' });
  }
  const probe = join(real, `.front-desk-write-test-${process.pid}`);
  try {
    await fs.access(real, constants.W_OK);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe, { force: true });
  } catch {
    throw new AppError('BACKUP_FOLDER_NOT_WRITABLE', `Front Desk cannot write in ${folder}.`, { folder, field: 'folder' });
  }
  return real;
}

export interface BackupFileInfo extends BackupStamp {
  readonly size: number;
}

/** Our backups in a folder (by their names), newest first. Other files are left alone. */
export async function listBackups(folder: string): Promise<BackupFileInfo[]> {
  const names = await fs.readdir(folder);
  const found: BackupFileInfo[] = [];
  for (const name of names) {
    const at = backupTimeOf(name);
    if (at === null) continue;
    try {
      found.push({ name, at, size: (await fs.stat(join(folder, name))).size });
    } catch {
      // Deleted meanwhile (another desk's retention on a shared folder).
    }
  }
  return found.sort((a, b) => b.at - a.at);
}

/**
 * Opens a database file read-only and checks it: `PRAGMA integrity_check` must answer `ok`, and
 * every migration it ran must be one this version knows. `expected`: the migrations the copy
 * must have exactly (a fresh backup of the live database); omitted, fewer is fine (a restore
 * runs the rest).
 */
export async function checkDatabaseFile(file: string, nativeBinding?: string, expected?: readonly string[]): Promise<BackupCheck> {
  let sqlite: BetterSqlite3.Database | null = null;
  try {
    const rows = await integrityCheckFile(file, nativeBinding);
    if (rows.length !== 1 || rows[0] !== 'ok') return { isOk: false, reason: 'INTEGRITY', migrations: [] };
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const ran = migrationsIn(sqlite);
    if (ran === null || ran.length === 0) return { isOk: false, reason: 'NO_MIGRATIONS', migrations: [] };
    if (ran.some((name) => !(name in migrations))) return { isOk: false, reason: 'UNKNOWN_MIGRATION', migrations: ran };
    if (expected && ran.join() !== [...expected].sort().join()) return { isOk: false, reason: 'SCHEMA_MISMATCH', migrations: ran };
    return { isOk: true, reason: null, migrations: ran };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    return { isOk: false, reason: code === 'SQLITE_CORRUPT' ? 'INTEGRITY' : 'NOT_A_DATABASE', migrations: [] };
  } finally {
    sqlite?.close();
  }
}

/**
 * Copies the live database into `target` with SQLite's online backup API: page by page, a
 * step at a time between the event loop's turns, so bookings go on meanwhile (a change made
 * through the same connection is carried into the copy; one made by another connection
 * restarts it). Never a file copy: a copy of a live WAL database can be torn.
 *
 * Written to `target.partial` first, turned into a single self-contained file (rollback
 * journal, not WAL), checked, then renamed: a backup under its final name is always whole.
 * A copy that fails its check is deleted and reported.
 */
export async function writeBackup(
  source: BetterSqlite3.Database,
  target: string,
  options: { nativeBinding?: string | undefined; expectedMigrations: readonly string[] },
): Promise<{ size: number; check: BackupCheck }> {
  const partial = `${target}.partial`;
  await fs.rm(partial, { force: true });
  try {
    // Patients' data: the copy is its owner's alone, like the live database (SQLite writes into the file made here).
    await fs.writeFile(partial, '', { mode: 0o600 });
    // 64 pages (256 KiB) a step: small enough that a booking waits at most a moment for the next turn.
    await source.backup(partial, { progress: () => 64 });
    const copy = new BetterSqlite3(partial, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    try {
      leaveWal(copy);
    } finally {
      copy.close();
    }
    const check = await checkDatabaseFile(partial, options.nativeBinding, options.expectedMigrations);
    if (!check.isOk) {
      await removeDatabaseFiles(partial);
      return { size: 0, check };
    }
    await fs.chmod(partial, 0o600);
    await fs.rename(partial, target);
    return { size: (await fs.stat(target)).size, check };
  } catch (error) {
    await removeDatabaseFiles(partial);
    throw error;
  }
}

/** A database file and the files SQLite may keep beside it. */
export async function removeDatabaseFiles(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) await fs.rm(file + suffix, { force: true });
}

/** Moves a database file and its side files (WAL, shared memory, journal) into a folder. */
export async function moveDatabaseFiles(file: string, toFolder: string, name: string): Promise<void> {
  await fs.mkdir(toFolder, { recursive: true, mode: 0o700 });
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      await fs.rename(file + suffix, join(toFolder, name + suffix));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
