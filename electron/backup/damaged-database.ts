import { statSync } from 'node:fs';
import { openMigratedDatabase, type OpenDatabaseOptions, type OpenedDatabase } from '../db/database';
import { listBackups } from './backup-files';
import { readBackupState } from './backup-state.repository';
import { quickCheck } from './backup.repository';

/**
 * The database file is damaged: SQLite refused it (SQLITE_CORRUPT, SQLITE_NOTADB) or its quick
 * check found faults. The desk does not start on it; the host offers a restore instead, from the
 * backup folder recorded beside the database (its settings are in the damaged file).
 */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    /** The backup folder, and the newest backup in it, if any. */
    readonly backupFolder: string | null,
    readonly latestBackup: string | null,
  ) {
    super(`The database ${file} is damaged (${detail}). ` + (latestBackup ? `The last backup is ${latestBackup}.` : 'No backup was found to restore.'));
    this.name = 'DatabaseDamagedError';
  }
}

const DAMAGED_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

export function isDamagedError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DAMAGED_CODES.has(code)) return true;
  // A migration that failed on a damaged file wraps SQLite's message.
  return error instanceof Error && /database disk image is malformed|file is not a database/i.test(error.message);
}

const fileSize = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

async function damaged(dataDir: string, file: string, detail: string): Promise<DatabaseDamagedError> {
  const { folder } = readBackupState(dataDir);
  let latest: string | null = null;
  if (folder !== null) {
    try {
      const newest = (await listBackups(folder))[0];
      latest = newest ? `${folder}/${newest.name}` : null;
    } catch {
      latest = null;
    }
  }
  return new DatabaseDamagedError(file, detail, folder, latest);
}

/**
 * Up to this size the quick check runs before the desk opens (a fraction of a second). It
 * reads every page, so on a clinic's years of data it would hold the start for seconds: a
 * larger file is opened on SQLite's own checks (a damaged header or schema is refused
 * above), and the background health check (integrity_check, off the main thread) looks at
 * every page.
 */
export const START_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** Opens and migrates the desk's database, then runs SQLite's quick check on a file of a size that allows it: a damaged file throws DatabaseDamagedError. */
export async function openCheckedDatabase(dataDir: string, file: string, options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  let opened: OpenedDatabase;
  try {
    opened = await openMigratedDatabase(file, options);
  } catch (error) {
    if (isDamagedError(error)) throw await damaged(dataDir, file, error instanceof Error ? error.message : String(error));
    throw error;
  }
  if (fileSize(file) > START_CHECK_MAX_BYTES) return opened;
  let result: string[];
  try {
    result = quickCheck(opened.sqlite);
  } catch (error) {
    result = [error instanceof Error ? error.message : String(error)];
  }
  if (result.length !== 1 || result[0] !== 'ok') {
    await opened.close().catch(() => undefined);
    throw await damaged(dataDir, file, result.slice(0, 3).join('; '));
  }
  return opened;
}
