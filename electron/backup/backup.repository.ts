import { sql, type Kysely } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from '../db/schema';

/** The migrations this database has run: a backup of it must have the same. */
export async function ranMigrations(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/**
 * A desk restored from a backup holds an older state than the cloud and than itself before the
 * restore: what it pushed since the backup, and what other desks did, is in the cloud; and the
 * backup may hold changes the cloud never got (an outbox that had not gone yet, a cloud restored
 * too). So its next pull starts a full resync under the "lost state" rule (electron/sync/README.md,
 * "The cloud lost state"): a row the cloud holds at a newer version comes down, a row the cloud
 * lacks or holds in another state at a version this desk passed is sent back (RESENT), and nothing
 * is deleted. Only when sync has been on: a desk that never synced has nothing to reconcile.
 */
export async function markRestoredForSync(db: Kysely<Database>): Promise<boolean> {
  const result = await sql`UPDATE sync_state SET cursor = NULL, resync_lost = 1 WHERE id = 1 AND tracking = 1`.execute(db);
  if (Number(result.numAffectedRows ?? 0) === 0) return false;
  await sql`DELETE FROM sync_resync_seen`.execute(db);
  return true;
}

/** Writes the restore into the restored database's own audit log (the log it replaces is kept aside with it). */
export async function insertRestoreAudit(
  db: Kysely<Database>,
  entry: { at: number; staffId: number | null; workstation: string; detail: string },
): Promise<void> {
  await sql`INSERT INTO audit_log (at, staff_id, workstation, action, entity, detail)
    VALUES (${entry.at}, (SELECT id FROM staff WHERE id = ${entry.staffId}), ${entry.workstation}, 'backup.restored', '', ${entry.detail})`.execute(db);
}

/** The migrations a database file has run, in order; null when it has no migration table (not one of ours). */
export function migrationsIn(sqlite: BetterSqlite3.Database): string[] | null {
  const table = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get();
  if (!table) return null;
  return (sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((row) => row.name);
}

/** A backup copy is one self-contained file: a rollback journal, not a WAL beside it. */
export function leaveWal(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma('journal_mode = DELETE');
}

/** SQLite's fast check (no index-content comparison): what the desk runs at every start. */
export function quickCheck(sqlite: BetterSqlite3.Database): string[] {
  return (sqlite.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check);
}

/** The full check: every page, every index against its table. Weekly, and on every backup copy. */
export function integrityCheck(sqlite: BetterSqlite3.Database): string[] {
  return (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
}

/** Lets SQLite refresh the statistics its planner uses, where they drifted (cheap when nothing did). */
export function optimize(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma('optimize');
}

/**
 * `PRAGMA integrity_check` reads every page: seconds on a ten-year clinic's file. Run on a
 * read-only connection in a worker thread, so the desk keeps answering meanwhile. The worker
 * loads the same driver the desk uses (and the Electron build of its addon); where a worker
 * cannot load it, the check runs here instead, as before.
 */
const CHECK_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
  parentPort.postMessage({ rows: db.pragma('integrity_check').map((row) => row.integrity_check) });
} catch (error) {
  parentPort.postMessage({ error: { code: error && error.code, message: String(error && error.message), isDriver: error && error.code === 'MODULE_NOT_FOUND' } });
} finally {
  if (db) db.close();
}`;

function driverPath(): string | null {
  try {
    const load = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'package.json'));
    return load.resolve('better-sqlite3');
  } catch {
    return null;
  }
}

type WorkerAnswer = { rows: string[] } | { error: { code?: string; message: string; isDriver: boolean } };

export async function integrityCheckFile(file: string, nativeBinding?: string): Promise<string[]> {
  const driver = driverPath();
  const inThread = (): string[] => {
    const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      return integrityCheck(sqlite);
    } finally {
      sqlite.close();
    }
  };
  if (driver === null) return inThread();
  let answer: WorkerAnswer;
  try {
    answer = await new Promise<WorkerAnswer>((resolve, reject) => {
      const worker = new Worker(CHECK_WORKER, { eval: true, workerData: { driver, file, nativeBinding } });
      worker.once('message', (message: WorkerAnswer) => resolve(message));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`integrity worker exited (${code})`)));
    });
  } catch {
    return inThread();
  }
  if ('rows' in answer) return answer.rows;
  if (answer.error.isDriver) return inThread();
  throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
}
