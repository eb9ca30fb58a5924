import { sql, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
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
