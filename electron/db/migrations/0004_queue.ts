import { sql, type Kysely } from 'kysely';

/**
 * Check-in, the queue, the waiting-room display and paired devices. Frozen in time like
 * every migration.
 *
 * SQLite cannot change a CHECK constraint, and `appointments.status` gains `left_unseen`,
 * so the table is rebuilt (the documented 12-step way): a new table with the new columns,
 * every row copied, the old table dropped, the new one renamed, then its indexes and
 * triggers created again. Nothing references `appointments` before this migration, so the
 * drop cannot trip a foreign key.
 *
 * What the queue keeps on an appointment: when the patient checked in, their ticket (one
 * per clinic day, never reused: `ticket_counters` keeps the last number per day and
 * prefix), each call (when, to which room, and a counter so a recall is a new call), when
 * the consultation started and finished (the history wait estimates learn from), and a
 * short code for the kiosk.
 *
 * The overlap triggers are those of 0001, with one change: the UPDATE ones fire only when
 * a column they judge changes, so stamping a call or a ticket does not run two range
 * queries. `left_unseen` keeps its slot like `done` (the history stays whole); only
 * `cancelled` and `no_show` free one.
 */

/** Kiosk codes: no 0/O, 1/I/L, so a patient reading one aloud or typing it cannot mix them up. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_CHARACTER = `substr('${CODE_ALPHABET}', 1 + abs(random() % ${CODE_ALPHABET.length}), 1)`;
const RANDOM_CODE = Array.from({ length: 6 }, () => CODE_CHARACTER).join(' || ');
/** Tries per new row before giving up (the code then stays NULL: that appointment has no kiosk code). */
const CODE_TRIES = 4;

const OLD_COLUMNS = [
  'id',
  'patient_id',
  'practitioner_id',
  'room_id',
  'specialty_id',
  'starts_at',
  'ends_at',
  'status',
  'status_changed_at',
  'is_walk_in',
  'cancel_reason',
  'notes',
  'price_cents',
  'created_by',
  'created_at',
  'updated_at',
].join(', ');

async function createOverlapTriggers(db: Kysely<any>, judged: string | null): Promise<void> {
  for (const event of ['INSERT', 'UPDATE']) {
    const guard = event === 'INSERT' ? '' : 'AND other.id <> NEW.id';
    const on = event === 'UPDATE' && judged ? `UPDATE OF ${judged}` : event;
    await sql
      .raw(
        `CREATE TRIGGER appointments_no_practitioner_overlap_${event.toLowerCase()}
         BEFORE ${on} ON appointments
         WHEN NEW.status NOT IN ('cancelled', 'no_show')
         BEGIN
           SELECT RAISE(ABORT, 'SLOT_TAKEN:practitioner')
           WHERE EXISTS (
             SELECT 1 FROM appointments AS other
             WHERE other.practitioner_id = NEW.practitioner_id
               AND other.starts_at > NEW.starts_at - 43200000
               AND other.starts_at < NEW.ends_at
               AND other.ends_at > NEW.starts_at
               AND other.status NOT IN ('cancelled', 'no_show')
               ${guard}
           );
         END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER appointments_no_room_overlap_${event.toLowerCase()}
         BEFORE ${on} ON appointments
         WHEN NEW.room_id IS NOT NULL AND NEW.status NOT IN ('cancelled', 'no_show')
         BEGIN
           SELECT RAISE(ABORT, 'SLOT_TAKEN:room')
           WHERE EXISTS (
             SELECT 1 FROM appointments AS other
             WHERE other.room_id = NEW.room_id
               AND other.starts_at > NEW.starts_at - 43200000
               AND other.starts_at < NEW.ends_at
               AND other.ends_at > NEW.starts_at
               AND other.status NOT IN ('cancelled', 'no_show')
               ${guard}
           );
         END`,
      )
      .execute(db);
  }
}

async function createBaseIndexes(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX appointments_by_practitioner ON appointments (practitioner_id, starts_at)`.execute(db);
  await sql`CREATE INDEX appointments_by_room ON appointments (room_id, starts_at) WHERE room_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX appointments_by_start ON appointments (starts_at)`.execute(db);
  await sql`CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at)`.execute(db);
  // From 0003.
  await sql`CREATE INDEX appointments_spans ON appointments (starts_at, ends_at, status, practitioner_id, room_id)`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE appointments_new (
      id INTEGER PRIMARY KEY,
      patient_id INTEGER NOT NULL REFERENCES patients (id),
      practitioner_id INTEGER NOT NULL REFERENCES practitioners (id),
      room_id INTEGER REFERENCES rooms (id),
      specialty_id INTEGER NOT NULL REFERENCES specialties (id),
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'booked'
        CHECK (status IN ('booked', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'left_unseen', 'cancelled')),
      status_changed_at INTEGER NOT NULL,
      is_walk_in INTEGER NOT NULL DEFAULT 0 CHECK (is_walk_in IN (0, 1)),
      cancel_reason TEXT NOT NULL DEFAULT '',
      notes TEXT NOT NULL DEFAULT '',
      price_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
      created_by INTEGER REFERENCES staff (id),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      -- Kiosk check-in by code; filled by a trigger on insert, whoever inserts.
      code TEXT CHECK (code IS NULL OR length(code) = 6),
      checked_in_at INTEGER,
      -- The clinic day the ticket belongs to ('YYYY-MM-DD') and the ticket (M-007).
      ticket_day TEXT,
      ticket TEXT,
      called_at INTEGER,
      -- Where the patient was last called to: the live room, apart from the booked room_id,
      -- so a call never runs into the booking triggers.
      called_room_id INTEGER REFERENCES rooms (id),
      -- Bumped by every call and recall: the display announces each one.
      call_count INTEGER NOT NULL DEFAULT 0 CHECK (call_count >= 0),
      started_at INTEGER,
      finished_at INTEGER,
      CHECK (ends_at > starts_at AND ends_at - starts_at <= 43200000),
      CHECK ((ticket IS NULL) = (ticket_day IS NULL))
    ) STRICT`.execute(db);
  await sql.raw(`INSERT INTO appointments_new (${OLD_COLUMNS}) SELECT ${OLD_COLUMNS} FROM appointments`).execute(db);
  await sql`DROP TABLE appointments`.execute(db);
  await sql`ALTER TABLE appointments_new RENAME TO appointments`.execute(db);

  await createBaseIndexes(db);
  await sql`CREATE UNIQUE INDEX appointments_by_code ON appointments (code)`.execute(db);
  await sql`CREATE UNIQUE INDEX appointments_by_ticket ON appointments (ticket_day, ticket)`.execute(db);
  // The no-show sweep looks only at appointments nobody has checked in yet.
  await sql`CREATE INDEX appointments_booked_by_start ON appointments (starts_at) WHERE status = 'booked'`.execute(db);
  await sql`CREATE INDEX appointments_by_call ON appointments (called_at) WHERE called_at IS NOT NULL`.execute(db);

  await createOverlapTriggers(db, 'practitioner_id, room_id, starts_at, ends_at, status');

  // Random codes, unique by the index: on a clash UPDATE OR IGNORE leaves the row alone and
  // the next try draws again. Four clashes in a row at a million appointments: ~1e-12.
  const tries = Array.from({ length: CODE_TRIES }, () => `UPDATE OR IGNORE appointments SET code = ${RANDOM_CODE} WHERE id = NEW.id AND code IS NULL;`).join(
    '\n',
  );
  await sql.raw(`CREATE TRIGGER appointments_code_after_insert AFTER INSERT ON appointments WHEN NEW.code IS NULL BEGIN ${tries} END`).execute(db);
  for (let pass = 0; pass < 50; pass++) {
    await sql.raw(`UPDATE OR IGNORE appointments SET code = ${RANDOM_CODE} WHERE code IS NULL`).execute(db);
    const left = await sql<{ n: number }>`SELECT count(*) AS n FROM appointments WHERE code IS NULL`.execute(db);
    if (left.rows[0]?.n === 0) break;
  }

  await sql`
    CREATE TABLE ticket_counters (
      day TEXT NOT NULL,
      prefix TEXT NOT NULL,
      last INTEGER NOT NULL CHECK (last >= 0),
      PRIMARY KEY (day, prefix)
    ) STRICT, WITHOUT ROWID`.execute(db);

  await sql`
    CREATE TABLE queue_moves (
      id INTEGER PRIMARY KEY,
      appointment_id INTEGER NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
      at INTEGER NOT NULL,
      direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
      -- JSON array of the appointment ids passed, nearest first.
      past TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
      staff_id INTEGER REFERENCES staff (id)
    ) STRICT`.execute(db);
  await sql`CREATE INDEX queue_moves_by_appointment ON queue_moves (appointment_id, at)`.execute(db);

  await sql`
    CREATE TABLE devices (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      role TEXT NOT NULL CHECK (role IN ('display', 'kiosk')),
      -- SHA-256 (hex) of the device's 256-bit token: the token itself is never stored.
      token_hash TEXT NOT NULL UNIQUE,
      created_by INTEGER REFERENCES staff (id),
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER,
      revoked_at INTEGER
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE pairing_codes (
      id INTEGER PRIMARY KEY,
      -- SHA-256 (hex) of the six digits.
      code_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('display', 'kiosk')),
      name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
      created_by INTEGER REFERENCES staff (id),
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      used_at INTEGER,
      device_id INTEGER REFERENCES devices (id)
    ) STRICT`.execute(db);
  await sql`CREATE INDEX pairing_codes_by_hash ON pairing_codes (code_hash, expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['pairing_codes', 'devices', 'queue_moves', 'ticket_counters']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`
    CREATE TABLE appointments_old (
      id INTEGER PRIMARY KEY,
      patient_id INTEGER NOT NULL REFERENCES patients (id),
      practitioner_id INTEGER NOT NULL REFERENCES practitioners (id),
      room_id INTEGER REFERENCES rooms (id),
      specialty_id INTEGER NOT NULL REFERENCES specialties (id),
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'booked'
        CHECK (status IN ('booked', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'cancelled')),
      status_changed_at INTEGER NOT NULL,
      is_walk_in INTEGER NOT NULL DEFAULT 0 CHECK (is_walk_in IN (0, 1)),
      cancel_reason TEXT NOT NULL DEFAULT '',
      notes TEXT NOT NULL DEFAULT '',
      price_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
      created_by INTEGER REFERENCES staff (id),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK (ends_at > starts_at AND ends_at - starts_at <= 43200000)
    ) STRICT`.execute(db);
  // The old schema has no `left_unseen`: a visit that did not happen is the nearest it knows (the reason stays in cancel_reason).
  const columns = OLD_COLUMNS.replace('status,', `CASE status WHEN 'left_unseen' THEN 'cancelled' ELSE status END,`);
  await sql.raw(`INSERT INTO appointments_old (${OLD_COLUMNS}) SELECT ${columns} FROM appointments`).execute(db);
  await sql`DROP TABLE appointments`.execute(db);
  await sql`ALTER TABLE appointments_old RENAME TO appointments`.execute(db);
  await createBaseIndexes(db);
  await createOverlapTriggers(db, null);
}
