import { sql, type Kysely } from 'kysely';

/**
 * Secrets the main process needs (AWS keys entered by an admin, the cloud API's token),
 * stored only as the operating system's encryption made them (Electron's safeStorage):
 * the database file alone never reveals them. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE secrets (
      name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
      sealed BLOB NOT NULL CHECK (length(sealed) <= 16384),
      updated_at INTEGER NOT NULL
    ) STRICT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE secrets`.execute(db);
}
