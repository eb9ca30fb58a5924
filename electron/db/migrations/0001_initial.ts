import { sql, type Kysely } from 'kysely';

/**
 * Frozen in time: this migration never imports app types, so later code changes
 * cannot change what it does to a database that already ran it.
 *
 * Instants are integers (ms since the Unix epoch, UTC); calendar days are 'YYYY-MM-DD'.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE specialties (
      id INTEGER PRIMARY KEY,
      name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
      name_pt TEXT NOT NULL CHECK (length(name_pt) BETWEEN 1 AND 80),
      duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
      price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
      ticket_prefix TEXT NOT NULL CHECK (length(ticket_prefix) BETWEEN 1 AND 2),
      is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE rooms (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 40),
      is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE practitioners (
      id INTEGER PRIMARY KEY,
      full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 120),
      default_room_id INTEGER REFERENCES rooms (id),
      description_en TEXT NOT NULL DEFAULT '',
      description_pt TEXT NOT NULL DEFAULT '',
      color TEXT NOT NULL DEFAULT '#3b82f6',
      is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE practitioner_specialties (
      practitioner_id INTEGER NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
      specialty_id INTEGER NOT NULL REFERENCES specialties (id),
      PRIMARY KEY (practitioner_id, specialty_id)
    ) STRICT, WITHOUT ROWID`.execute(db);

  await sql`
    CREATE TABLE working_hours (
      id INTEGER PRIMARY KEY,
      practitioner_id INTEGER NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
      weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
      start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
      end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
      CHECK (start_minute < end_minute)
    ) STRICT`.execute(db);
  await sql`CREATE INDEX working_hours_by_practitioner ON working_hours (practitioner_id, weekday)`.execute(db);

  await sql`
    CREATE TABLE time_off (
      id INTEGER PRIMARY KEY,
      practitioner_id INTEGER NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      reason TEXT NOT NULL DEFAULT '',
      CHECK (starts_at < ends_at)
    ) STRICT`.execute(db);
  await sql`CREATE INDEX time_off_by_practitioner ON time_off (practitioner_id, starts_at)`.execute(db);

  await sql`
    CREATE TABLE staff (
      id INTEGER PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'receptionist', 'doctor')),
      password_hash TEXT NOT NULL,
      practitioner_id INTEGER REFERENCES practitioners (id),
      locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'pt')),
      is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
      created_at INTEGER NOT NULL
    ) STRICT`.execute(db);

  await sql`
    CREATE TABLE patients (
      id INTEGER PRIMARY KEY,
      full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 120),
      preferred_name TEXT NOT NULL DEFAULT '',
      date_of_birth TEXT NOT NULL,
      sex TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
      phone TEXT NOT NULL DEFAULT '',
      email TEXT NOT NULL DEFAULT '',
      tax_id TEXT NOT NULL DEFAULT '',
      address TEXT NOT NULL DEFAULT '',
      preferred_language TEXT NOT NULL DEFAULT 'pt' CHECK (preferred_language IN ('en', 'pt')),
      notes TEXT NOT NULL DEFAULT '',
      -- Derived by the service for search and duplicate checks: folded name, digits only.
      name_key TEXT NOT NULL DEFAULT '',
      phone_digits TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT`.execute(db);
  await sql`CREATE INDEX patients_by_name_and_birth ON patients (name_key, date_of_birth)`.execute(db);
  await sql`CREATE INDEX patients_by_phone ON patients (phone_digits) WHERE phone_digits <> ''`.execute(db);

  await sql`
    CREATE TABLE appointments (
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
      -- At most 12 hours: the overlap triggers look back only that far, which keeps them on the index.
      CHECK (ends_at > starts_at AND ends_at - starts_at <= 43200000)
    ) STRICT`.execute(db);
  await sql`CREATE INDEX appointments_by_practitioner ON appointments (practitioner_id, starts_at)`.execute(db);
  await sql`CREATE INDEX appointments_by_room ON appointments (room_id, starts_at) WHERE room_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX appointments_by_start ON appointments (starts_at)`.execute(db);
  await sql`CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at)`.execute(db);

  // The invariant that matters most: no practitioner and no room ever holds two overlapping
  // active appointments. Enforced here so that no code path, race or future sync can break it.
  // The message is the error code the service maps to SLOT_TAKEN.
  for (const event of ['INSERT', 'UPDATE']) {
    const guard = event === 'INSERT' ? '' : 'AND other.id <> NEW.id';
    await sql
      .raw(
        `CREATE TRIGGER appointments_no_practitioner_overlap_${event.toLowerCase()}
         BEFORE ${event} ON appointments
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
         BEFORE ${event} ON appointments
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

  await sql`
    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      staff_id INTEGER REFERENCES staff (id),
      workstation TEXT NOT NULL DEFAULT '',
      action TEXT NOT NULL,
      entity TEXT NOT NULL DEFAULT '',
      entity_id INTEGER,
      detail TEXT NOT NULL DEFAULT ''
    ) STRICT`.execute(db);
  await sql`CREATE INDEX audit_log_by_time ON audit_log (at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'appointments',
    'patients',
    'staff',
    'time_off',
    'working_hours',
    'practitioner_specialties',
    'practitioners',
    'rooms',
    'specialties',
    'settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
