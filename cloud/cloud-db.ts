import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { activeAppointmentStatuses, syncEntity } from '../shared/sync/cloud-api';
import { HOUR_MS } from '../shared/time/units';

/**
 * The reference cloud server's own database (not Front Desk's). One table holds every
 * synced row at its latest version; its `seq` column is the change sequence, so "changes
 * after a cursor" is one index range scan and a pull always sees each row's latest state.
 */
export type CloudDb = BetterSqlite3.Database;

/** The longest appointment the overlap triggers can see (they look back only this far, to stay on the index). */
export const MAX_APPOINTMENT_MS = 12 * HOUR_MS;

/** 2: the `rows` CHECK admits the staff and clinic entities; `clinic.purged_version` (new rows start above purged versions). */
const SCHEMA_VERSION = 2;

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');
const ACTIVE = quoted(activeAppointmentStatuses);

function overlapTrigger(kind: 'practitioner' | 'room', event: 'INSERT' | 'UPDATE'): string {
  const column = `${kind}_uid`;
  return `
    CREATE TRIGGER spans_no_${kind}_overlap_${event.toLowerCase()}
    BEFORE ${event} ON appointment_spans
    WHEN NEW.status IN (${ACTIVE}) ${kind === 'room' ? 'AND NEW.room_uid IS NOT NULL' : ''}
    BEGIN
      SELECT RAISE(ABORT, 'OVERLAP:${kind}')
      WHERE EXISTS (
        SELECT 1 FROM appointment_spans AS other
        WHERE other.${column} = NEW.${column}
          AND other.uid <> NEW.uid
          AND other.starts_at > NEW.starts_at - ${MAX_APPOINTMENT_MS}
          AND other.starts_at < NEW.ends_at
          AND other.ends_at > NEW.starts_at
          AND other.status IN (${ACTIVE})
      );
    END;`;
}

const rowsTable = (name: string) => `
  CREATE TABLE ${name} (
    entity TEXT NOT NULL CHECK (entity IN (${quoted(syncEntity.options)})),
    uid TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    data TEXT CHECK ((deleted = 1) = (data IS NULL)),
    seq INTEGER NOT NULL UNIQUE,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (entity, uid)
  ) STRICT;`;

/** Version 1 to 2: SQLite cannot change a CHECK in place, so `rows` is copied into a new table. */
const upgradeTo2 = `
  ${rowsTable('rows_v2')}
  INSERT INTO rows_v2 SELECT entity, uid, version, deleted, data, seq, updated_by, updated_at FROM rows;
  DROP TABLE rows;
  ALTER TABLE rows_v2 RENAME TO rows;
  CREATE INDEX rows_live_by_seq ON rows (seq) WHERE deleted = 0;
  CREATE INDEX rows_tombstones_by_seq ON rows (seq) WHERE deleted = 1;
`;

const schema = `
  CREATE TABLE clinic (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Names this database in every cursor: a cursor from a wiped or replaced database is refused (410), never misread.
    epoch TEXT NOT NULL,
    -- The change sequence: the last seq handed out.
    last_seq INTEGER NOT NULL,
    -- Tombstones up to this seq were purged: a cursor before it would miss deletes (410).
    horizon INTEGER NOT NULL,
    -- The highest version a purged tombstone had: a row created now starts above it, so a uid
    -- deleted, purged and created again never comes with a version a client already holds.
    purged_version INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  ${rowsTable('rows')}
  CREATE INDEX rows_live_by_seq ON rows (seq) WHERE deleted = 0;
  CREATE INDEX rows_tombstones_by_seq ON rows (seq) WHERE deleted = 1;


  -- Which live row refers to which: a reference must exist when written, and a row still referred to cannot be deleted.
  CREATE TABLE refs (
    from_entity TEXT NOT NULL,
    from_uid TEXT NOT NULL,
    to_entity TEXT NOT NULL,
    to_uid TEXT NOT NULL,
    PRIMARY KEY (from_entity, from_uid, to_entity, to_uid)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX refs_by_target ON refs (to_entity, to_uid);

  -- The time each live appointment holds, where the database itself refuses overlaps.
  CREATE TABLE appointment_spans (
    uid TEXT PRIMARY KEY,
    practitioner_uid TEXT NOT NULL,
    room_uid TEXT,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    CHECK (ends_at > starts_at AND ends_at - starts_at <= ${MAX_APPOINTMENT_MS})
  ) STRICT;
  CREATE INDEX spans_by_practitioner ON appointment_spans (practitioner_uid, starts_at);
  CREATE INDEX spans_by_room ON appointment_spans (room_uid, starts_at) WHERE room_uid IS NOT NULL;
  ${overlapTrigger('practitioner', 'INSERT')}
  ${overlapTrigger('practitioner', 'UPDATE')}
  ${overlapTrigger('room', 'INSERT')}
  ${overlapTrigger('room', 'UPDATE')}

  -- Idempotency records: the answer given to each mutation id, returned again on a replay.
  CREATE TABLE mutations (
    mutation_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    result TEXT NOT NULL,
    client_id TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
`;

/**
 * Desks join with one-time codes and get tokens of their own (cloud/join.service.ts); only
 * hashes are kept. Two new tables and nothing changed: made when missing at every opening,
 * so they need no version step of their own (and a database of any version gains them).
 */
const joinSchema = `
  CREATE TABLE IF NOT EXISTS join_codes (
    code_hash BLOB PRIMARY KEY CHECK (length(code_hash) = 32),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
    -- Set once, by the redemption that wins: a code is good for one desk.
    used_at INTEGER
  ) STRICT;
  CREATE TABLE IF NOT EXISTS desk_tokens (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    desk_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  -- A used code stays used.
  CREATE TRIGGER IF NOT EXISTS join_codes_used_once BEFORE UPDATE OF used_at ON join_codes
  WHEN OLD.used_at IS NOT NULL
  BEGIN
    SELECT RAISE(ABORT, 'JOIN_CODE_USED');
  END;
`;

/** Opens (creating if needed) `<dataDir>/cloud.sqlite`. */
export function openCloudDb(dataDir: string): CloudDb {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(join(dataDir, 'cloud.sqlite'));
  db.pragma('journal_mode = WAL');
  // An acknowledged push survives a power cut: the client deletes its outbox entry on our word.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    db.transaction(() => {
      db.exec(schema);
      db.prepare('INSERT INTO clinic (id, epoch, last_seq, horizon) VALUES (1, ?, 0, 0)').run(randomBytes(6).toString('hex'));
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  } else if (version === 1) {
    db.transaction(() => {
      db.exec(upgradeTo2);
      db.exec('ALTER TABLE clinic ADD COLUMN purged_version INTEGER NOT NULL DEFAULT 0');
      // Version 1 kept no record of what it purged: every version ever handed out is at most the last seq.
      db.exec('UPDATE clinic SET purged_version = CASE WHEN horizon > 0 THEN last_seq ELSE 0 END');
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  } else if (version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`cloud.sqlite has schema version ${version}; this server knows ${SCHEMA_VERSION}`);
  }
  db.exec(joinSchema);
  return db;
}

export interface Overlap {
  kind: 'practitioner' | 'room';
  a: string;
  b: string;
}

/** Every pair of active appointments that overlap (for tests and checks: always empty). */
export function findOverlaps(db: CloudDb): Overlap[] {
  const pairs = (kind: 'practitioner' | 'room') =>
    db
      .prepare(
        `SELECT a.uid AS a, b.uid AS b FROM appointment_spans a JOIN appointment_spans b
           ON a.${kind}_uid = b.${kind}_uid AND a.uid < b.uid AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
         WHERE a.status IN (${ACTIVE}) AND b.status IN (${ACTIVE})`,
      )
      .all() as Array<{ a: string; b: string }>;
  return [...pairs('practitioner').map((p) => ({ kind: 'practitioner' as const, ...p })), ...pairs('room').map((p) => ({ kind: 'room' as const, ...p }))];
}
