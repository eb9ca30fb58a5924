import { sql, type Kysely } from 'kysely';

/**
 * Days the whole clinic is closed: national holidays (pre-filled from Portugal's list,
 * `is_national` = 1) and its own (the municipal holiday, a bridge day). A day is the
 * clinic's calendar day, 'YYYY-MM-DD' on its own clock, never an instant: the day stays the
 * day whatever the DST offset, and the booking rules turn it into instants with the time zone.
 * One row per day. Deliberately local, not synced: the cloud has no entity for it yet, so
 * every desk keeps its own list. Frozen in time like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE clinic_holidays (
      id INTEGER PRIMARY KEY,
      day TEXT NOT NULL UNIQUE CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(day) = day),
      name_en TEXT NOT NULL CHECK (length(trim(name_en)) > 0),
      name_pt TEXT NOT NULL CHECK (length(trim(name_pt)) > 0),
      is_national INTEGER NOT NULL DEFAULT 0 CHECK (is_national IN (0, 1)),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE clinic_holidays`.execute(db);
}
