import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider, type SqliteDatabase } from 'kysely';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations';
import type { Database } from './schema';

export interface OpenDatabaseOptions {
  /**
   * Path of the compiled better-sqlite3 addon. The Electron app passes the copy built for
   * Electron's ABI (see scripts/native-electron.mjs) so that Node's copy in node_modules,
   * which the tests use, is never rebuilt over.
   */
  nativeBinding?: string | undefined;
  readonly?: boolean;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw connection, for the few places that need it (benchmarks, integrity checks). */
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** Applies the pragmas every connection must have, whoever opens it. */
export function applyPragmas(sqlite: BetterSqlite3.Database): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: a booking acknowledged to the desk survives a power cut, not only a crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
}

/** The files SQLite keeps beside a database: its WAL, the WAL's shared memory, a rollback journal. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Makes the database's folder (0700) and files (0600) its owner's alone: they hold patients'
 * data. Creates the database file so, before SQLite does (SQLite gives the WAL and shared
 * memory the database file's mode), and tightens what an older install left readable.
 */
function makePrivate(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  for (const suffix of SIDE_FILES) {
    try {
      chmodSync(file + suffix, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

export function openSqlite(file: string, options: OpenDatabaseOptions = {}): BetterSqlite3.Database {
  if (file !== ':memory:' && file !== '' && !options.readonly) makePrivate(file);
  const sqlite = new BetterSqlite3(file, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.readonly ? { readonly: true } : {}),
  });
  applyPragmas(sqlite);
  return sqlite;
}

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles on every prepare (for an
 * INSERT into appointments that includes its four overlap triggers): most of a booking's
 * time. Statements are reused by their SQL text instead; a statement still running (an
 * unfinished iteration) is never handed out twice. Past `limit` texts, the oldest is dropped.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, limit = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > limit) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const sqlite = openSqlite(file, options);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}

const staticProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Brings the database to the latest schema; throws (and changes nothing more) on failure. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Opens and migrates: what the app and the browser host do at start. */
export async function openMigratedDatabase(file: string, options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const opened = openDatabase(file, options);
  try {
    await migrateToLatest(opened.db);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}
