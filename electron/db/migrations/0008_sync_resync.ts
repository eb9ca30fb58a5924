import { sql, type Kysely } from 'kysely';

/**
 * Which rows a full resync (a pull from no cursor) has delivered so far, written in the
 * transaction of each page and its cursor. A resync that fails partway resumes from the
 * stored snapshot cursor in a later round, and still knows what the earlier pages brought:
 * at its end, exactly the synced rows not delivered are gone from the cloud. Empty when no
 * resync is under way. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE sync_resync_seen (
      entity TEXT NOT NULL,
      uid TEXT NOT NULL,
      PRIMARY KEY (entity, uid)
    ) STRICT, WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sync_resync_seen`.execute(db);
}
