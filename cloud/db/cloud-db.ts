import { createHash } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { cloudMigrations } from './migrations';
import { startAsApp } from './tenancy.repository';

/**
 * The cloud's database: PostgreSQL through Kysely over a `pg` pool. The repositories take
 * any executor (the pool or a transaction) and hold every statement.
 */
export type CloudDb = Kysely<unknown>;
export type Executor = Kysely<unknown> | Transaction<unknown>;

const INT8_OID = 20;

/** int8 as JS numbers: seqs, versions and epoch milliseconds stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A statement starting with this comment is prepared once per connection (see PreparingClient). */
export const PREPARED = '/* prepared */ ';

/**
 * A pg client that keeps the push's two big statements prepared on each connection, named
 * by their text: measured, PostgreSQL spent longer parsing and planning them (a few ms each)
 * than running them. Only marked statements: a name per text, so their number stays small.
 */
/** The marked statements' names by text: a few texts, each hashed once, not on every push. */
const preparedNames = new Map<string, string>();

class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(PREPARED) && Array.isArray(values) && args.length === 2) {
      let name = preparedNames.get(text);
      if (name === undefined) preparedNames.set(text, (name = `fd_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`));
      return (super.query as unknown as (config: pg.QueryConfig) => never)({ name, text, values });
    }
    return (super.query as unknown as (...rest: unknown[]) => never)(...args);
  }
}

/** Each database's pool, for its use figures (Kysely does not hand it out). */
const pools = new WeakMap<CloudDb, pg.Pool>();

/**
 * A pool on the database. `asApp`: its sessions are the app role, held to row-level security
 * (see tenancy.repository.ts); without, the connecting role (migrations).
 */
export function connectCloudDb(databaseUrl: string, maxConnections = 10, options: { asApp?: boolean } = {}): CloudDb {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections, types, Client: PreparingClient });
  // An idle connection the server dropped must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool, onCreateConnection: options.asApp ? startAsApp : undefined }) });
  pools.set(db, pool);
  return db;
}

export interface PoolUse {
  /** Connections open (idle or lent out). */
  total: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
  max: number;
}

/** How the database's pool is used now (for the metrics). */
export function poolUse(db: CloudDb): PoolUse | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
}

/** Brings the schema to the latest migration (safe to run from several processes at once: Kysely locks). */
export async function migrateCloudDb(db: CloudDb): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(cloudMigrations) } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Migrates (on a connection of its own, as the connecting role), then connects a serving pool, as the app role. */
export async function openCloudDb(databaseUrl: string, maxConnections?: number): Promise<CloudDb> {
  const migrating = connectCloudDb(databaseUrl, 1);
  try {
    await migrateCloudDb(migrating);
  } finally {
    await migrating.destroy();
  }
  return connectCloudDb(databaseUrl, maxConnections, { asApp: true });
}
