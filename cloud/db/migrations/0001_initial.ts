import { sql, type Kysely } from 'kysely';
import { activeAppointmentStatuses } from '../../../shared/sync/cloud-api';
import { MAX_APPOINTMENT_MS } from '../limits';

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/** The synced entities when this was written (0003 added `holiday`): a migration stays what it was. */
const ENTITIES_THEN = ['specialty', 'room', 'practitioner', 'patient', 'appointment', 'staff', 'clinic'];

/**
 * The cloud's schema. Every table carries `clinic_id`: one database serves many clinics, and
 * every repository call is scoped by it (row-level security will be the second wall).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const active = quoted(activeAppointmentStatuses);
  await sql
    .raw(
      `
    CREATE EXTENSION IF NOT EXISTS btree_gist;

    CREATE TABLE clinics (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- How the server finds its default clinic (and, later, admin commands find any).
      slug text NOT NULL UNIQUE,
      -- Names this clinic's feed in every cursor: a cursor from a wiped or replaced database is refused (410), never misread.
      epoch text NOT NULL,
      -- The change sequence: the last seq committed. Its row lock orders the clinic's writers (docs/cloud-api/README.md).
      last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
      -- Tombstones up to this seq were purged: a cursor before it would miss deletes (410).
      horizon bigint NOT NULL DEFAULT 0,
      -- The highest version a purged tombstone had: a row created now starts above it.
      purged_version bigint NOT NULL DEFAULT 0,
      created_at bigint NOT NULL
    );

    -- A clinic is never deleted (its id cannot change: GENERATED ALWAYS). So the busy tables below
    -- (a push of 500 writes some 3,000 of their rows) carry clinic_id without a foreign key:
    -- measured, the key's checks were a quarter of a push's write. The server sets clinic_id
    -- from the token, never from a request.
    CREATE FUNCTION clinics_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'CLINIC_NOT_DELETABLE';
    END $$;
    CREATE TRIGGER clinics_never_deleted BEFORE DELETE ON clinics FOR EACH ROW EXECUTE FUNCTION clinics_never_deleted();
    CREATE TRIGGER clinics_never_truncated BEFORE TRUNCATE ON clinics FOR EACH STATEMENT EXECUTE FUNCTION clinics_never_deleted();

    -- Keys (entities, uids, ids, statuses) compare byte by byte (COLLATE "C"): they are ids,
    -- not words, and on a database whose default collation is a language's, every index entry
    -- of them would be sorted by that language's rules, for nothing.
    -- Every synced row at its latest version; seq is the change sequence, so "changes after a cursor" is one index range scan.
    CREATE TABLE rows (
      clinic_id bigint NOT NULL,
      entity text COLLATE "C" NOT NULL CHECK (entity IN (${quoted(ENTITIES_THEN)})),
      uid text COLLATE "C" NOT NULL,
      version bigint NOT NULL CHECK (version >= 1),
      deleted boolean NOT NULL,
      -- JSON kept as sent (text, not jsonb): pulled pages splice it as is.
      data text CHECK (deleted = (data IS NULL)),
      seq bigint NOT NULL,
      updated_by text NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (clinic_id, entity, uid),
      CONSTRAINT rows_seq_unique UNIQUE (clinic_id, seq)
    );
    CREATE INDEX rows_tombstones_by_seq ON rows (clinic_id, seq) WHERE deleted;
    -- Usernames are the clinic's, case aside: two desks may not both make "maria".
    CREATE UNIQUE INDEX rows_staff_username ON rows (clinic_id, lower(data::json ->> 'username')) WHERE entity = 'staff' AND NOT deleted;

    -- Which live row refers to which: a reference must exist when written, and a row still referred to cannot be deleted.
    CREATE TABLE refs (
      clinic_id bigint NOT NULL,
      from_entity text COLLATE "C" NOT NULL,
      from_uid text COLLATE "C" NOT NULL,
      to_entity text COLLATE "C" NOT NULL,
      to_uid text COLLATE "C" NOT NULL,
      PRIMARY KEY (clinic_id, from_entity, from_uid, to_entity, to_uid)
    );
    CREATE INDEX refs_by_target ON refs (clinic_id, to_entity, to_uid);

    -- The time each appointment holds, where the database itself refuses overlaps among active ones.
    CREATE TABLE appointment_spans (
      clinic_id bigint NOT NULL,
      uid text COLLATE "C" NOT NULL,
      practitioner_uid text COLLATE "C" NOT NULL,
      room_uid text COLLATE "C",
      starts_at bigint NOT NULL,
      ends_at bigint NOT NULL,
      status text COLLATE "C" NOT NULL,
      PRIMARY KEY (clinic_id, uid),
      CHECK (ends_at > starts_at AND ends_at - starts_at <= ${MAX_APPOINTMENT_MS}),
      CONSTRAINT spans_no_practitioner_overlap EXCLUDE USING gist (
        clinic_id WITH =, practitioner_uid WITH =, int8range(starts_at, ends_at) WITH &&
      ) WHERE (status IN (${active})),
      CONSTRAINT spans_no_room_overlap EXCLUDE USING gist (
        clinic_id WITH =, room_uid WITH =, int8range(starts_at, ends_at) WITH &&
      ) WHERE (status IN (${active}) AND room_uid IS NOT NULL)
    );

    -- Idempotency records: the answer given to each mutation id, returned again on a replay.
    CREATE TABLE mutations (
      clinic_id bigint NOT NULL,
      mutation_id text COLLATE "C" NOT NULL,
      fingerprint text NOT NULL,
      result text NOT NULL,
      client_id text NOT NULL,
      at bigint NOT NULL,
      PRIMARY KEY (clinic_id, mutation_id)
    );

    -- One-time join codes and the desk tokens they become: SHA-256 hashes only.
    CREATE TABLE join_codes (
      code_hash bytea PRIMARY KEY CHECK (length(code_hash) = 32),
      clinic_id bigint NOT NULL REFERENCES clinics (id),
      created_by text NOT NULL,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL CHECK (expires_at > created_at),
      -- Set once, by the redemption that wins: a code is good for one desk.
      used_at bigint
    );
    CREATE TABLE desk_tokens (
      token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
      clinic_id bigint NOT NULL REFERENCES clinics (id),
      desk_name text NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX desk_tokens_by_clinic ON desk_tokens (clinic_id);

    -- A used code stays used.
    CREATE FUNCTION join_codes_used_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.used_at IS NOT NULL AND NEW.used_at IS DISTINCT FROM OLD.used_at THEN
        RAISE EXCEPTION 'JOIN_CODE_USED';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER join_codes_used_once BEFORE UPDATE OF used_at ON join_codes
      FOR EACH ROW EXECUTE FUNCTION join_codes_used_once();
  `,
    )
    .execute(db);
}
