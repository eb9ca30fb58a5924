import { sql, type Kysely } from 'kysely';

/**
 * What sync needs to keep through a cloud restored from an older backup, a server's
 * Retry-After, and a clash's origin. Frozen in time like every migration.
 *
 * - `sync_state.resync_lost`: the full resync under way began because the cloud lost what
 *   this desk knows (its cursor was ahead of the cloud, or another database's). At its end,
 *   rows the cloud did not send are sent back to it, never deleted here.
 * - `sync_resync_seen.resend`: a row the resync delivered in a state older than this desk's
 *   (the cloud lost the later change): sent back at the end of the resync.
 * - `sync_state.not_before`: no request goes to the cloud before this instant (the cloud's
 *   Retry-After), whatever asks for a round, across a restart too.
 * - `sync_conflicts.clash_origin`: where the appointment in the way was booked ('online',
 *   or a desk's id): "taken online" or "taken at another desk".
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sync_state ADD COLUMN resync_lost INTEGER NOT NULL DEFAULT 0 CHECK (resync_lost IN (0, 1))`.execute(db);
  await sql`ALTER TABLE sync_state ADD COLUMN not_before INTEGER`.execute(db);
  await sql`ALTER TABLE sync_resync_seen ADD COLUMN resend INTEGER NOT NULL DEFAULT 0 CHECK (resend IN (0, 1))`.execute(db);
  await sql`ALTER TABLE sync_conflicts ADD COLUMN clash_origin TEXT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sync_conflicts DROP COLUMN clash_origin`.execute(db);
  await sql`ALTER TABLE sync_resync_seen DROP COLUMN resend`.execute(db);
  await sql`ALTER TABLE sync_state DROP COLUMN not_before`.execute(db);
  await sql`ALTER TABLE sync_state DROP COLUMN resync_lost`.execute(db);
}
