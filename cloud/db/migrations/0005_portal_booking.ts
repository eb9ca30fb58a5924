import { sql, type Kysely } from 'kysely';

/**
 * What the patient portal may offer (issue 14): how soon a booking may start (a minimum
 * notice, so the desk is not surprised by a patient booked for in ten minutes) and how far
 * ahead. Per clinic, set by the cloud's admin. Frozen in time like every migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE clinics
    ADD COLUMN portal_min_notice_minutes integer NOT NULL DEFAULT 120 CHECK (portal_min_notice_minutes BETWEEN 0 AND 10080),
    ADD COLUMN portal_horizon_days integer NOT NULL DEFAULT 90 CHECK (portal_horizon_days BETWEEN 1 AND 366)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE clinics DROP COLUMN portal_min_notice_minutes, DROP COLUMN portal_horizon_days`.execute(db);
}
