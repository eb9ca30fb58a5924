import { sql, type Kysely } from 'kysely';

/**
 * Tenancy: each clinic's own settings, tokens issued per desk (or portal) by the cloud, and
 * row-level security as a second wall behind the repositories' `WHERE clinic_id = …`.
 *
 * Requests run as the role `front_desk_app` (the serving pool's sessions `SET ROLE` to it;
 * a superuser or a table owner would bypass the policies), inside a transaction that names
 * its clinic with `set_config('app.clinic_id', …, true)`. Unset, the policy matches nothing:
 * a forgotten scope reads no rows and writes none. The cross-clinic work (making clinics,
 * finding a token's clinic by its hash, the console's and the admin API's lookups) runs as
 * the connecting role, which must say so (`app.admin = 'on'`): FORCE holds the tables'
 * owner to the policies too. See docs/cloud-api/README.md, "Tenancy".
 */

export const APP_ROLE = 'front_desk_app';

/** Every table that holds a clinic's rows, with the column naming the clinic. */
const SCOPED: ReadonlyArray<[table: string, column: string]> = [
  ['clinics', 'id'],
  ['rows', 'clinic_id'],
  ['refs', 'clinic_id'],
  ['appointment_spans', 'clinic_id'],
  ['mutations', 'clinic_id'],
  ['join_codes', 'clinic_id'],
  ['desk_tokens', 'clinic_id'],
];

/** NULL when unset (or reset at the end of a transaction, which leaves ''): compares with nothing. */
const CURRENT_CLINIC = `nullif(current_setting('app.clinic_id', true), '')::bigint`;
const ADMIN_PATH = `current_setting('app.admin', true) = 'on'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const policies = SCOPED.map(
    ([table, column]) => `
    ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY clinic_only ON ${table} USING (${column} = ${CURRENT_CLINIC}) WITH CHECK (${column} = ${CURRENT_CLINIC});
    CREATE POLICY admin_path ON ${table} TO CURRENT_USER USING (${ADMIN_PATH}) WITH CHECK (${ADMIN_PATH});`,
  ).join('\n');
  await sql
    .raw(
      `
    -- The cloud's own record of each clinic (the desks' synced 'clinic' row is the clinic's own word on its settings).
    ALTER TABLE clinics ADD COLUMN name text;
    UPDATE clinics SET name = slug;
    ALTER TABLE clinics
      ALTER COLUMN name SET NOT NULL,
      ADD CONSTRAINT clinics_name_length CHECK (length(name) BETWEEN 1 AND 120),
      ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Lisbon',
      ADD COLUMN languages text[] NOT NULL DEFAULT ARRAY['pt-PT', 'en'] CHECK (cardinality(languages) BETWEEN 1 AND 10 AND array_position(languages, NULL) IS NULL),
      ADD COLUMN currency text NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
      ADD COLUMN updated_at bigint,
      -- Slugs name clinics on the command line and in URLs; the ones made before this rule stand.
      ADD CONSTRAINT clinics_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$') NOT VALID;

    -- A time zone the database knows by its IANA name (the slot computation counts on it).
    CREATE FUNCTION clinics_time_zone_known() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'UNKNOWN_TIME_ZONE' USING ERRCODE = '22023';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER clinics_time_zone_known BEFORE INSERT OR UPDATE OF time_zone ON clinics
      FOR EACH ROW EXECUTE FUNCTION clinics_time_zone_known();

    -- Joined desks' tokens, and now those the cloud issues: to a desk or to the portal. Still hashes only.
    ALTER TABLE desk_tokens
      ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      ADD COLUMN kind text NOT NULL DEFAULT 'desk' CHECK (kind IN ('desk', 'portal')),
      ADD COLUMN source text NOT NULL DEFAULT 'join' CHECK (source IN ('join', 'admin')),
      -- Moved on by requests at most once a minute (see front_desk_authenticate).
      ADD COLUMN last_seen_at bigint;

    -- Roles are the server's, not the database's: made once (a deployment's DBA may have made it, and granted it to us).
    -- Clash lookups by plain comparisons (row-level security keeps the ranges' && out of index scans: cloud.repository.ts, overlapping).
    CREATE INDEX spans_by_practitioner ON appointment_spans (clinic_id, practitioner_uid, starts_at);
    CREATE INDEX spans_by_room ON appointment_spans (clinic_id, room_uid, starts_at);

    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object THEN NULL;
    END $$;
    -- SET ROLE needs membership (a superuser has it anyway; a role made by someone else is granted by them).
    DO $$ BEGIN
      IF NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
        GRANT ${APP_ROLE} TO CURRENT_USER;
      END IF;
    END $$;
    GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
    GRANT SELECT, UPDATE ON clinics TO ${APP_ROLE};
    GRANT SELECT, INSERT, UPDATE, DELETE ON rows, refs, appointment_spans, mutations TO ${APP_ROLE};
    GRANT SELECT, INSERT, UPDATE ON join_codes, desk_tokens TO ${APP_ROLE};

    ${policies}

    -- A bearer token's clinic, found before any clinic is known: the one cross-clinic read a
    -- request makes, as the owner on the admin path, for a caller that knows the token. Its
    -- last-seen time moves at most once a minute: a request costs no write.
    -- (The flag is set in the body, not by a SET clause: PostgreSQL lets only a superuser attach an
    -- undeclared setting to a function; the caller's value is put back before returning.)
    CREATE FUNCTION front_desk_authenticate(presented bytea, seen_at bigint)
      RETURNS TABLE (token_id bigint, clinic_id bigint, kind text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
    DECLARE
      was text := coalesce(current_setting('app.admin', true), '');
    BEGIN
      PERFORM set_config('app.admin', 'on', true);
      UPDATE desk_tokens t SET last_seen_at = seen_at
        WHERE t.token_hash = presented AND t.revoked_at IS NULL AND (t.last_seen_at IS NULL OR t.last_seen_at <= seen_at - 60000);
      RETURN QUERY SELECT d.id, d.clinic_id, d.kind FROM desk_tokens d WHERE d.token_hash = presented AND d.revoked_at IS NULL;
      PERFORM set_config('app.admin', was, true);
    END $$;
    REVOKE ALL ON FUNCTION front_desk_authenticate(bytea, bigint) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION front_desk_authenticate(bytea, bigint) TO ${APP_ROLE};
  `,
    )
    .execute(db);
}
