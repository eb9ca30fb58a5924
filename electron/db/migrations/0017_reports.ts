import { sql, type Kysely } from 'kysely';

/**
 * What the reports read fast. Frozen in time like every migration.
 *
 * A report tells a cancellation made at this desk (it left an `appointments.cancel` entry in
 * the local audit log) from one that arrived by sync. Looking that up per cancelled
 * appointment needs the log by appointment; a partial index of the cancellations alone
 * stays small however long the log grows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX audit_log_appointment_cancels ON audit_log (entity_id) WHERE action = 'appointments.cancel'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_appointment_cancels`.execute(db);
}
