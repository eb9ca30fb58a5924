import { sql, type Kysely } from 'kysely';

/**
 * A series of appointments (a course of ten physiotherapy sessions): the appointments that
 * share a `series_id` (a UUID made when the series is booked), numbered by `series_index`
 * (1, 2, …, in the order planned). No table of its own: the repeat rule matters only while
 * planning, and afterwards each session is an ordinary appointment that may be moved or
 * cancelled on its own. Both columns are NULL for an appointment outside a series, and set
 * together. Frozen in time like every migration.
 *
 * The series travels with the appointment: the `sync_data_appointment` view of 0007 gains
 * `seriesId` and `seriesIndex` (only when set, so a desk's rows stay what an older cloud
 * accepts), and the outbox triggers of 0010 are recreated to fire on them too.
 */

// Frozen copies of 0007's and 0010's helpers.
const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;
const HOLDS_SLOT = (row: string) => `NOT (${row}.is_walk_in = 1 AND ${row}.called_at IS NULL AND ${row}.status IN ('checked_in', 'left_unseen'))`;
const BASE_COLUMNS = [
  'patient_id',
  'practitioner_id',
  'room_id',
  'specialty_id',
  'starts_at',
  'ends_at',
  'status',
  'cancel_reason',
  'notes',
  'price_cents',
  'is_walk_in',
  'origin',
];

function appointmentView(withSeries: boolean): string {
  const base = `json_object(
        'patientUid', (SELECT uid FROM patients WHERE id = a.patient_id),
        'practitionerUid', (SELECT uid FROM practitioners WHERE id = a.practitioner_id),
        'roomUid', (SELECT uid FROM rooms WHERE id = a.room_id),
        'specialtyUid', (SELECT uid FROM specialties WHERE id = a.specialty_id),
        'startsAt', a.starts_at, 'endsAt', a.ends_at, 'status', a.status, 'cancelReason', a.cancel_reason,
        'notes', a.notes, 'priceCents', a.price_cents, 'isWalkIn', json(CASE WHEN a.is_walk_in = 1 THEN 'true' ELSE 'false' END),
        'origin', CASE WHEN a.origin = '' THEN (SELECT client_id FROM sync_state WHERE id = 1) ELSE a.origin END
      )`;
  const data = withSeries
    ? `CASE WHEN a.series_id IS NULL THEN ${base}
        ELSE json_set(${base}, '$.seriesId', a.series_id, '$.seriesIndex', a.series_index) END`
    : base;
  return `SELECT a.id, a.uid, ${data} AS data FROM appointments a`;
}

function recordAppointmentUpsert(rowId: string, guard: string): string {
  const newestIsThisRow = `
    seq = (SELECT max(seq) FROM sync_outbox) AND entity = 'appointment' AND op = 'upsert' AND attempts = 0
    AND uid = (SELECT uid FROM appointments WHERE id = ${rowId})`;
  return `
    UPDATE sync_outbox SET data = (SELECT data FROM sync_data_appointment WHERE id = ${rowId}), created_at = ${NOW_MS}
      WHERE ${IS_TRACKING} ${guard} AND ${newestIsThisRow};
    INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${UUID}, 'appointment', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_appointment v
      WHERE v.id = ${rowId} AND v.uid IS NOT NULL AND ${IS_TRACKING} ${guard}
        AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;
}

async function recreate(db: Kysely<any>, withSeries: boolean): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS appointments_sync_after_insert`.execute(db);
  await sql`DROP TRIGGER IF EXISTS appointments_sync_after_update`.execute(db);
  await sql`DROP VIEW IF EXISTS sync_data_appointment`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_appointment AS ${appointmentView(withSeries)}`).execute(db);
  const columns = withSeries ? [...BASE_COLUMNS, 'series_id', 'series_index'] : BASE_COLUMNS;
  const guard = `AND ${HOLDS_SLOT('NEW')}`;
  await sql
    .raw(
      `CREATE TRIGGER appointments_sync_after_insert AFTER INSERT ON appointments BEGIN
         UPDATE appointments SET uid = ${UUID} WHERE NEW.uid IS NULL AND id = NEW.id;
         ${recordAppointmentUpsert('NEW.id', guard)}
       END`,
    )
    .execute(db);
  const changed = columns.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE TRIGGER appointments_sync_after_update AFTER UPDATE OF ${columns.join(', ')} ON appointments
       WHEN ${changed}
       BEGIN ${recordAppointmentUpsert('NEW.id', guard)} END`,
    )
    .execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE appointments ADD COLUMN series_id TEXT CHECK (series_id IS NULL OR length(series_id) = 36)`.execute(db);
  await sql`ALTER TABLE appointments ADD COLUMN series_index INTEGER CHECK (series_index IS NULL OR series_index BETWEEN 1 AND 1000)`.execute(db);
  // Set together or not at all (ALTER TABLE cannot add a table CHECK): a trigger per write.
  for (const event of ['INSERT', 'UPDATE']) {
    await sql
      .raw(
        `CREATE TRIGGER appointments_series_whole_${event.toLowerCase()} BEFORE ${event} ON appointments
         WHEN (NEW.series_id IS NULL) <> (NEW.series_index IS NULL)
         BEGIN SELECT RAISE(ABORT, 'series_id and series_index are set together'); END`,
      )
      .execute(db);
  }
  await sql`CREATE UNIQUE INDEX appointments_by_series ON appointments (series_id, series_index) WHERE series_id IS NOT NULL`.execute(db);
  await recreate(db, true);
}

export async function down(db: Kysely<any>): Promise<void> {
  await recreate(db, false);
  await sql`DROP INDEX appointments_by_series`.execute(db);
  await sql`DROP TRIGGER appointments_series_whole_insert`.execute(db);
  await sql`DROP TRIGGER appointments_series_whole_update`.execute(db);
  await sql`ALTER TABLE appointments DROP COLUMN series_index`.execute(db);
  await sql`ALTER TABLE appointments DROP COLUMN series_id`.execute(db);
}
