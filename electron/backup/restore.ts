import { promises as fs, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/contract/errors';
import { openMigratedDatabase } from '../db/database';
import { checkDatabaseFile, moveDatabaseFiles, removeDatabaseFiles } from './backup-files';
import { insertRestoreAudit, markRestoredForSync, quickCheck } from './backup.repository';

/**
 * Restoring a backup, in two steps so that the live database is never touched until the copy
 * is known good:
 *
 * 1. `stageRestore` (while the desk runs, or from the command line): the backup is copied into
 *    a new folder inside the data folder, checked (integrity_check, migrations this version
 *    knows), brought to this version's schema there, marked for sync's "lost state" resync,
 *    checked again, and a marker file names it.
 * 2. `applyPendingRestore` (at the next start, before the database is opened): the current
 *    database and its side files are moved aside into `before-restore-<time>/`, never deleted,
 *    and the staged copy takes its place.
 */

export const DATABASE_FILE = 'front-desk.db';
const MARKER = 'restore-pending.json';
const markerSchema = z.object({ folder: z.string(), from: z.string(), stagedAt: z.number() });

function stamp(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replaceAll(':', '-');
}

export interface StageRestoreOptions {
  /** The backup file to restore (its path). */
  readonly file: string;
  readonly dataDir: string;
  readonly now: number;
  readonly nativeBinding?: string | undefined;
  /** Who asked, for the restored database's audit log. */
  readonly staffId: number | null;
  readonly workstation: string;
}

export interface StagedRestore {
  /** The new folder the copy was prepared in. */
  readonly folder: string;
  /** Where the database it replaces will be kept. */
  readonly asideFolder: string;
  /** Whether sync will pull everything again and send back what the cloud lacks. */
  readonly isSyncResent: boolean;
}

function invalid(reason: string, message: string): AppError {
  return new AppError('RESTORE_FILE_INVALID', message, { reason });
}

export async function stageRestore(options: StageRestoreOptions): Promise<StagedRestore> {
  if (!existsSync(options.file)) throw invalid('MISSING', `There is no file ${options.file}.`);
  const before = await checkDatabaseFile(options.file, options.nativeBinding);
  if (!before.isOk) throw invalid(before.reason ?? 'INVALID', `${options.file} cannot be restored (${before.reason}).`);

  const name = `restore-${stamp(options.now)}`;
  const folder = join(options.dataDir, name);
  await fs.rm(folder, { recursive: true, force: true });
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  const staged = join(folder, DATABASE_FILE);
  let isSyncResent: boolean;
  try {
    // A file copy is right here: the backup is a closed, checked, self-contained file, not a live database.
    await fs.copyFile(options.file, staged);
    await fs.chmod(staged, 0o600);
    const opened = await openMigratedDatabase(staged, { nativeBinding: options.nativeBinding });
    try {
      isSyncResent = await markRestoredForSync(opened.db);
      await insertRestoreAudit(opened.db, {
        at: options.now,
        staffId: options.staffId,
        workstation: options.workstation,
        detail: JSON.stringify({ from: options.file, syncResent: isSyncResent }),
      });
      const check = quickCheck(opened.sqlite);
      if (check.length !== 1 || check[0] !== 'ok') throw invalid('INTEGRITY', 'The restored copy did not pass its check.');
      // Fold the WAL into the file: the staged folder then holds one file to move.
      opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      await opened.close();
    }
    const after = await checkDatabaseFile(staged, options.nativeBinding);
    if (!after.isOk) throw invalid(after.reason ?? 'INVALID', `The restored copy did not pass its check (${after.reason}).`);
  } catch (error) {
    await fs.rm(folder, { recursive: true, force: true });
    if (error instanceof AppError) throw error;
    throw invalid('MIGRATION', `The backup could not be brought to this version: ${error instanceof Error ? error.message : String(error)}`);
  }
  const marker = join(options.dataDir, MARKER);
  await fs.writeFile(`${marker}.tmp`, JSON.stringify({ folder: name, from: options.file, stagedAt: options.now }), { mode: 0o600 });
  await fs.rename(`${marker}.tmp`, marker);
  return { folder, asideFolder: join(options.dataDir, `before-restore-${stamp(options.now)}`), isSyncResent };
}

export interface AppliedRestore {
  readonly from: string;
  /** Where the replaced database now is. */
  readonly asideFolder: string;
}

/**
 * Swaps a staged restore in, if one is waiting. Runs before the database is opened. A marker
 * whose folder has gone (removed by hand) is dropped and nothing changes.
 */
export async function applyPendingRestore(dataDir: string, now: number): Promise<AppliedRestore | null> {
  const markerFile = join(dataDir, MARKER);
  let marker: z.infer<typeof markerSchema>;
  try {
    marker = markerSchema.parse(JSON.parse(readFileSync(markerFile, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    await fs.rm(markerFile, { force: true });
    return null;
  }
  const staged = join(dataDir, marker.folder, DATABASE_FILE);
  if (marker.folder.includes('/') || marker.folder.includes('\\') || !existsSync(staged)) {
    await fs.rm(markerFile, { force: true });
    return null;
  }
  const live = join(dataDir, DATABASE_FILE);
  const asideFolder = join(dataDir, `before-restore-${stamp(now)}`);
  await moveDatabaseFiles(live, asideFolder, DATABASE_FILE);
  await removeDatabaseFiles(live);
  await fs.rename(staged, live);
  await fs.rm(join(dataDir, marker.folder), { recursive: true, force: true });
  await fs.rm(markerFile, { force: true });
  return { from: marker.from, asideFolder };
}
