import { sql, type Kysely } from 'kysely';

/**
 * Sync with the clinic's cloud API. Frozen in time like every migration.
 *
 * Rows are named on the wire by a `uid` (a UUID v4 made where the row was born), never by
 * the local integer id: every desk numbers its own rows. Existing rows get one here, new
 * rows from an AFTER INSERT trigger whoever inserts (a pulled row arrives with its own).
 *
 * The outbox is written by triggers, in the same transaction as the change itself: no code
 * path can forget it, and a failed operation writes no entry. Each entry keeps the row as
 * it was right after the change (the wire format's JSON, references by uid), so the push
 * replays the desk's history in order: a slot freed by a move is freed on the server before
 * a booking that took it arrives. Several changes of one row in a row (setting a
 * practitioner's hours deletes and inserts many rows) fold into one entry, but only while
 * that entry is the newest one and has never been sent: a sent entry is never altered, so
 * a retry carries exactly what the first try did.
 *
 * `sync_state.tracking` turns the triggers on: set when sync is enabled the first time and
 * left on while it is paused, so nothing done meanwhile is lost (the demo clinic, never
 * synced, writes no outbox at all). `sync_state.applying` is set by the pull while it writes
 * the server's rows, inside its transaction: those changes are not echoed back.
 */

/** A random UUID v4, in SQL (random() & 3 picks the variant nibble 8, 9, a or b). */
const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;
const bool = (column: string) => `json(CASE WHEN ${column} = 1 THEN 'true' ELSE 'false' END)`;

interface SyncedTable {
  entity: 'specialty' | 'room' | 'practitioner' | 'patient' | 'appointment';
  table: string;
  /** The columns sent to the server: an UPDATE that changes none of them is not a change to sync. */
  columns: string[];
  /** The wire format's `data`, as one JSON object per row (column `data`), with `id` and `uid`. */
  view: string;
}

const synced: SyncedTable[] = [
  {
    entity: 'specialty',
    table: 'specialties',
    columns: ['name_en', 'name_pt', 'duration_minutes', 'price_cents', 'ticket_prefix', 'is_active'],
    view: `SELECT id, uid, json_object(
        'nameEn', name_en, 'namePt', name_pt, 'durationMinutes', duration_minutes, 'priceCents', price_cents,
        'ticketPrefix', ticket_prefix, 'isActive', ${bool('is_active')}) AS data
      FROM specialties`,
  },
  {
    entity: 'room',
    table: 'rooms',
    columns: ['name', 'is_active'],
    view: `SELECT id, uid, json_object('name', name, 'isActive', ${bool('is_active')}) AS data FROM rooms`,
  },
  {
    entity: 'practitioner',
    table: 'practitioners',
    columns: ['full_name', 'default_room_id', 'description_en', 'description_pt', 'is_active'],
    // json() around each subquery: a subquery's result loses its JSON subtype, and would be embedded as a string.
    view: `SELECT p.id, p.uid, json_object(
        'fullName', p.full_name, 'descriptionEn', p.description_en, 'descriptionPt', p.description_pt,
        'defaultRoomUid', (SELECT r.uid FROM rooms r WHERE r.id = p.default_room_id),
        'isActive', ${bool('p.is_active')},
        'specialtyUids', json((SELECT json_group_array(uid) FROM (
            SELECT s.uid FROM practitioner_specialties ps JOIN specialties s ON s.id = ps.specialty_id
            WHERE ps.practitioner_id = p.id ORDER BY s.uid))),
        'workingHours', json((SELECT json_group_array(json_object('weekday', weekday, 'startMinute', start_minute, 'endMinute', end_minute)) FROM (
            SELECT weekday, start_minute, end_minute FROM working_hours WHERE practitioner_id = p.id ORDER BY weekday, start_minute, end_minute))),
        'timeOff', json((SELECT json_group_array(json_object('startsAt', starts_at, 'endsAt', ends_at, 'reason', reason)) FROM (
            SELECT starts_at, ends_at, reason FROM time_off WHERE practitioner_id = p.id ORDER BY starts_at, ends_at, reason)))
      ) AS data
      FROM practitioners p`,
  },
  {
    entity: 'patient',
    table: 'patients',
    columns: ['full_name', 'preferred_name', 'date_of_birth', 'sex', 'phone', 'email', 'tax_id', 'address', 'preferred_language', 'notes'],
    view: `SELECT id, uid, json_object(
        'fullName', full_name, 'preferredName', preferred_name, 'dateOfBirth', date_of_birth, 'sex', sex,
        'phone', phone, 'email', email, 'taxId', tax_id, 'address', address,
        'preferredLanguage', preferred_language, 'notes', notes) AS data
      FROM patients`,
  },
  {
    entity: 'appointment',
    table: 'appointments',
    columns: [
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
    ],
    // An appointment made here carries this desk's id as its origin; a pulled one keeps its own.
    view: `SELECT a.id, a.uid, json_object(
        'patientUid', (SELECT uid FROM patients WHERE id = a.patient_id),
        'practitionerUid', (SELECT uid FROM practitioners WHERE id = a.practitioner_id),
        'roomUid', (SELECT uid FROM rooms WHERE id = a.room_id),
        'specialtyUid', (SELECT uid FROM specialties WHERE id = a.specialty_id),
        'startsAt', a.starts_at, 'endsAt', a.ends_at, 'status', a.status, 'cancelReason', a.cancel_reason,
        'notes', a.notes, 'priceCents', a.price_cents, 'isWalkIn', ${bool('a.is_walk_in')},
        'origin', CASE WHEN a.origin = '' THEN (SELECT client_id FROM sync_state WHERE id = 1) ELSE a.origin END
      ) AS data
      FROM appointments a`,
  },
];

/**
 * The statements that record an upsert of row `rowId` of `entity`: fold it into the newest
 * entry when that is the same row's and unsent, otherwise append. Guarded by IS_TRACKING.
 */
function recordUpsert(entity: SyncedTable, rowId: string): string {
  const newestIsThisRow = `
    seq = (SELECT max(seq) FROM sync_outbox) AND entity = '${entity.entity}' AND op = 'upsert' AND attempts = 0
    AND uid = (SELECT uid FROM ${entity.table} WHERE id = ${rowId})`;
  return `
    UPDATE sync_outbox SET data = (SELECT data FROM sync_data_${entity.entity} WHERE id = ${rowId}), created_at = ${NOW_MS}
      WHERE ${IS_TRACKING} AND ${newestIsThisRow};
    INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${UUID}, '${entity.entity}', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_${entity.entity} v
      WHERE v.id = ${rowId} AND v.uid IS NOT NULL AND ${IS_TRACKING}
        AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;
}

async function createSyncTriggers(db: Kysely<any>, entity: SyncedTable): Promise<void> {
  const { table } = entity;
  await sql
    .raw(
      `CREATE TRIGGER ${table}_sync_after_insert AFTER INSERT ON ${table} BEGIN
         UPDATE ${table} SET uid = ${UUID} WHERE NEW.uid IS NULL AND id = NEW.id;
         ${recordUpsert(entity, 'NEW.id')}
       END`,
    )
    .execute(db);
  const changed = entity.columns.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE TRIGGER ${table}_sync_after_update AFTER UPDATE OF ${entity.columns.join(', ')} ON ${table}
       WHEN ${changed}
       BEGIN ${recordUpsert(entity, 'NEW.id')} END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_sync_after_delete AFTER DELETE ON ${table} WHEN OLD.uid IS NOT NULL AND ${IS_TRACKING} BEGIN
         INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
           VALUES (${UUID}, '${entity.entity}', OLD.uid, 'delete', NULL, ${NOW_MS});
       END`,
    )
    .execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE sync_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      -- This desk's id on the server: its pushes, and the origin of the appointments it books.
      client_id TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
      tracking INTEGER NOT NULL DEFAULT 0 CHECK (tracking IN (0, 1)),
      applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
      cloud_url TEXT NOT NULL DEFAULT '',
      pull_interval_seconds INTEGER NOT NULL DEFAULT 15 CHECK (pull_interval_seconds BETWEEN 5 AND 3600),
      -- The server's opaque cursor; NULL: pull everything (first sync, or after 410 CURSOR_EXPIRED).
      cursor TEXT,
      last_synced_at INTEGER
    ) STRICT`.execute(db);
  await sql.raw(`INSERT INTO sync_state (id, client_id) VALUES (1, ${UUID})`).execute(db);

  await sql`
    CREATE TABLE sync_outbox (
      seq INTEGER PRIMARY KEY,
      -- The server's idempotency key: made once, kept across retries and restarts.
      mutation_id TEXT NOT NULL UNIQUE,
      entity TEXT NOT NULL,
      uid TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
      -- The row right after the change, as the wire format's JSON; NULL for a delete.
      data TEXT,
      created_at INTEGER NOT NULL,
      -- Set before each send: an entry that was ever sent is never folded into again.
      attempts INTEGER NOT NULL DEFAULT 0,
      -- The server version the change is based on, fixed at the first send (NULL: a row new to
      -- the server): not at the change, because a second change of a row made before the first
      -- was acknowledged is based on the version the first one gets; and never after, because a
      -- retry must be the same request the server may already have applied.
      base_version INTEGER,
      last_attempt_at INTEGER,
      CHECK ((op = 'delete') = (data IS NULL))
    ) STRICT`.execute(db);
  await sql`CREATE INDEX sync_outbox_by_row ON sync_outbox (entity, uid)`.execute(db);

  // The server version each synced row was last seen at (pushed and acknowledged, or pulled).
  await sql`
    CREATE TABLE sync_versions (
      entity TEXT NOT NULL,
      uid TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      PRIMARY KEY (entity, uid)
    ) STRICT, WITHOUT ROWID`.execute(db);

  // Appointments the server refused because they overlap one it holds: shown until staff move or cancel them.
  await sql`
    CREATE TABLE sync_conflicts (
      appointment_uid TEXT PRIMARY KEY,
      clash_kind TEXT NOT NULL CHECK (clash_kind IN ('practitioner', 'room')),
      clash_uid TEXT NOT NULL,
      clash_starts_at INTEGER NOT NULL,
      clash_ends_at INTEGER NOT NULL,
      refused_at INTEGER NOT NULL
    ) STRICT`.execute(db);

  // Changes the server rejected for good, or server rows this desk could not take: staff look.
  await sql`
    CREATE TABLE sync_problems (
      id INTEGER PRIMARY KEY,
      entity TEXT NOT NULL,
      uid TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
      reason TEXT NOT NULL,
      message TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT`.execute(db);

  // Server rows pulled but not applicable yet (a reference not here yet, a local appointment
  // in the way): tried again after every push and every page.
  await sql`
    CREATE TABLE sync_parked (
      entity TEXT NOT NULL,
      uid TEXT NOT NULL,
      version INTEGER NOT NULL,
      deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
      data TEXT,
      reason TEXT NOT NULL,
      parked_at INTEGER NOT NULL,
      PRIMARY KEY (entity, uid)
    ) STRICT, WITHOUT ROWID`.execute(db);

  // Where an appointment was booked: '' here (sent as this desk's id), or another desk's id, or 'online'.
  await sql`ALTER TABLE appointments ADD COLUMN origin TEXT NOT NULL DEFAULT ''`.execute(db);

  for (const entity of synced) {
    await sql.raw(`ALTER TABLE ${entity.table} ADD COLUMN uid TEXT`).execute(db);
    await sql.raw(`UPDATE ${entity.table} SET uid = ${UUID}`).execute(db);
    await sql.raw(`CREATE UNIQUE INDEX ${entity.table}_by_uid ON ${entity.table} (uid)`).execute(db);
    await sql.raw(`CREATE VIEW sync_data_${entity.entity} AS ${entity.view}`).execute(db);
    await createSyncTriggers(db, entity);
  }

  // A practitioner's specialties, hours and time off are part of the practitioner on the wire.
  for (const child of ['practitioner_specialties', 'working_hours', 'time_off']) {
    const practitioner = synced.find((entity) => entity.entity === 'practitioner')!;
    for (const [event, row] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'NEW'],
      ['DELETE', 'OLD'],
    ] as const) {
      await sql
        .raw(
          `CREATE TRIGGER ${child}_sync_after_${event.toLowerCase()} AFTER ${event} ON ${child} WHEN ${IS_TRACKING}
           BEGIN ${recordUpsert(practitioner, `${row}.practitioner_id`)} END`,
        )
        .execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const child of ['practitioner_specialties', 'working_hours', 'time_off']) {
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS ${child}_sync_after_${event}`).execute(db);
  }
  // Every view and trigger first: they read the columns dropped below.
  for (const entity of synced) {
    for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS ${entity.table}_sync_after_${event}`).execute(db);
    await sql.raw(`DROP VIEW IF EXISTS sync_data_${entity.entity}`).execute(db);
  }
  for (const entity of synced) {
    await sql.raw(`DROP INDEX IF EXISTS ${entity.table}_by_uid`).execute(db);
    await sql.raw(`ALTER TABLE ${entity.table} DROP COLUMN uid`).execute(db);
  }
  await sql`ALTER TABLE appointments DROP COLUMN origin`.execute(db);
  for (const table of ['sync_parked', 'sync_problems', 'sync_conflicts', 'sync_versions', 'sync_outbox', 'sync_state']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
