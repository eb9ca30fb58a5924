import { sql, type Kysely } from 'kysely';

/**
 * An admin's deliberate "keep it" for an appointment that time off or shorter working
 * hours left outside its practitioner's time. It holds for the appointment where and when
 * it was kept: a row whose practitioner or times no longer match says nothing (moving the
 * appointment settles it anyway, the booking rules see to that). Deliberately local, not
 * synced: it is the desk's acknowledgement, not part of the appointment. Frozen in time
 * like every migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE schedule_kept (
      appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id) ON DELETE CASCADE,
      practitioner_id INTEGER NOT NULL,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      kept_by INTEGER REFERENCES staff (id) ON DELETE SET NULL,
      kept_at INTEGER NOT NULL
    ) STRICT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE schedule_kept`.execute(db);
}
