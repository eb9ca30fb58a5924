import { sql, type Kysely } from 'kysely';

/**
 * Free slots read every active appointment of two weeks for many practitioners and rooms.
 * With only (starts_at) indexed, each of those thousands of rows was a second lookup in the
 * table; this index holds every column that query reads, so it never leaves the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX appointments_spans ON appointments (starts_at, ends_at, status, practitioner_id, room_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS appointments_spans`.execute(db);
}
