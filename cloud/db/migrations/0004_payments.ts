import { sql, type Kysely } from 'kysely';
import { APP_ROLE } from './0002_tenancy';

/**
 * Payments (issue 15): a clinic's payments through a provider, what happened to each
 * (append-only), its refunds, and the clinic's provider settings (secrets encrypted by the
 * server before they get here: cloud/payments/secrets.ts). Row-level security as in 0002.
 * Frozen in time: a later change is a new migration.
 */

const CURRENT_CLINIC = `nullif(current_setting('app.clinic_id', true), '')::bigint`;
const ADMIN_PATH = `current_setting('app.admin', true) = 'on'`;
const SCOPED = ['payments', 'payment_events', 'payment_refunds', 'clinic_payment_providers'];

/** Which status may follow which; the service asks the same of its UPDATEs, the trigger is the second wall. */
const STATUS_AFTER: Record<string, readonly string[]> = {
  creating: ['pending', 'paid', 'failed', 'expired', 'cancelled'],
  pending: ['paid', 'failed', 'expired', 'cancelled'],
  // The provider's word that money arrived outranks our having given up on it.
  failed: ['paid'],
  expired: ['paid'],
  cancelled: ['paid'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const transitions = Object.entries(STATUS_AFTER)
    .map(([from, to]) => `(OLD.status = '${from}' AND NEW.status IN (${[from, ...to].map((s) => `'${s}'`).join(', ')}))`)
    .join(' OR ');
  const policies = SCOPED.map(
    (table) => `
    ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY clinic_only ON ${table} USING (clinic_id = ${CURRENT_CLINIC}) WITH CHECK (clinic_id = ${CURRENT_CLINIC});
    CREATE POLICY admin_path ON ${table} TO CURRENT_USER USING (${ADMIN_PATH}) WITH CHECK (${ADMIN_PATH});`,
  ).join('\n');
  await sql
    .raw(
      `
    CREATE TABLE payments (
      clinic_id bigint NOT NULL REFERENCES clinics (id),
      uid text COLLATE "C" NOT NULL,
      -- The caller's idempotency key: a retry with it is the same payment, never a second charge.
      key text COLLATE "C" NOT NULL CHECK (key ~ '^[\\x21-\\x7e]{1,50}$'),
      -- SHA-256 of what the caller asked for: the same key for another request is refused.
      request_hash text NOT NULL,
      provider text COLLATE "C" NOT NULL CHECK (provider IN ('easypay')),
      -- Null until the provider has answered (status 'creating').
      provider_id text COLLATE "C",
      method text NOT NULL CHECK (method IN ('multibanco', 'mbway')),
      amount_cents bigint NOT NULL CHECK (amount_cents BETWEEN 1 AND 99999999),
      status text NOT NULL CHECK (status IN ('creating', 'pending', 'paid', 'failed', 'expired', 'cancelled', 'refunded', 'partially_refunded')),
      mb_entity text CHECK (mb_entity ~ '^[0-9]{5}$'),
      mb_reference text CHECK (mb_reference ~ '^[0-9]{9}$'),
      mbway_phone text CHECK (mbway_phone ~ '^\\+3519[1236][0-9]{7}$'),
      -- Multibanco: chosen before the provider is called (a re-driven creation sends the same); MB WAY: the 4-minute window.
      expires_at bigint,
      patient_uid text COLLATE "C",
      appointment_uids text[] NOT NULL DEFAULT '{}',
      -- Kept for the provider (MB WAY needs the name) and for re-driving an unfinished creation with the same body.
      customer_name text,
      customer_email text,
      refunded_cents bigint NOT NULL DEFAULT 0,
      failure text,
      paid_at bigint,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      -- When the reconciliation job next looks at it, and how often it has (its backoff).
      next_check_at bigint,
      checks integer NOT NULL DEFAULT 0,
      PRIMARY KEY (clinic_id, uid),
      CONSTRAINT payments_key_unique UNIQUE (clinic_id, key),
      CONSTRAINT payments_multibanco_minimum CHECK (method <> 'multibanco' OR amount_cents >= 100),
      CONSTRAINT payments_mbway_phone CHECK (method <> 'mbway' OR mbway_phone IS NOT NULL),
      CONSTRAINT payments_multibanco_expiry CHECK (method <> 'multibanco' OR expires_at IS NOT NULL),
      CONSTRAINT payments_answered CHECK (status IN ('creating', 'failed', 'expired', 'cancelled') OR provider_id IS NOT NULL),
      CONSTRAINT payments_reference CHECK (method <> 'multibanco' OR provider_id IS NULL OR (mb_entity IS NOT NULL AND mb_reference IS NOT NULL)),
      CONSTRAINT payments_refunded CHECK (refunded_cents BETWEEN 0 AND amount_cents),
      CONSTRAINT payments_refund_status CHECK ((refunded_cents = 0) = (status NOT IN ('refunded', 'partially_refunded'))),
      CONSTRAINT payments_fully_refunded CHECK ((status = 'refunded') = (refunded_cents = amount_cents AND refunded_cents > 0))
    );
    CREATE UNIQUE INDEX payments_provider_id ON payments (provider, provider_id) WHERE provider_id IS NOT NULL;
    -- The reconciliation job's queue: only rows still waiting on someone.
    CREATE INDEX payments_due ON payments (next_check_at) WHERE status IN ('creating', 'pending');

    CREATE FUNCTION payments_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT (${transitions}) THEN
        RAISE EXCEPTION 'PAYMENT_STATUS % -> %', OLD.status, NEW.status USING ERRCODE = '23514';
      END IF;
      IF OLD.provider_id IS NOT NULL AND NEW.provider_id IS DISTINCT FROM OLD.provider_id
        OR NEW.amount_cents <> OLD.amount_cents OR NEW.method <> OLD.method OR NEW.key <> OLD.key
        OR NEW.refunded_cents < OLD.refunded_cents THEN
        RAISE EXCEPTION 'PAYMENT_IMMUTABLE' USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER payments_status_guard BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION payments_status_guard();

    -- What happened to a payment, from where: never changed, never removed.
    CREATE TABLE payment_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      clinic_id bigint NOT NULL,
      payment_uid text COLLATE "C" NOT NULL,
      source text NOT NULL CHECK (source IN ('request', 'webhook', 'poll', 'reconcile')),
      kind text NOT NULL CHECK (kind IN ('created', 'notified', 'observed', 'expired', 'refunded', 'failed')),
      -- Names the provider's event (a notification's type/status/date, a refund's id): a second delivery of it is no new event.
      event_id text COLLATE "C" NOT NULL,
      claimed jsonb,
      provider_state text,
      status_before text NOT NULL,
      status_after text NOT NULL,
      amount_cents bigint,
      at bigint NOT NULL,
      FOREIGN KEY (clinic_id, payment_uid) REFERENCES payments (clinic_id, uid),
      CONSTRAINT payment_events_once UNIQUE (clinic_id, payment_uid, event_id)
    );
    CREATE FUNCTION payment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'PAYMENT_EVENTS_APPEND_ONLY' USING ERRCODE = '42501';
    END $$;
    CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE ON payment_events FOR EACH ROW EXECUTE FUNCTION payment_events_append_only();
    CREATE TRIGGER payment_events_not_truncated BEFORE TRUNCATE ON payment_events FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only();

    -- Each refund asked for, under its own key: written before the provider is called, like a payment.
    CREATE TABLE payment_refunds (
      clinic_id bigint NOT NULL,
      payment_uid text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL CHECK (key ~ '^[\\x21-\\x7e]{1,50}$'),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 1),
      status text NOT NULL CHECK (status IN ('requesting', 'done', 'failed')),
      provider_refund_id text,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (clinic_id, key),
      FOREIGN KEY (clinic_id, payment_uid) REFERENCES payments (clinic_id, uid)
    );

    -- One provider account per clinic and provider. The API key and the webhook password are
    -- AES-256-GCM ciphertexts made by the server (the database never sees them in clear).
    CREATE TABLE clinic_payment_providers (
      clinic_id bigint NOT NULL REFERENCES clinics (id),
      provider text COLLATE "C" NOT NULL CHECK (provider IN ('easypay')),
      base_url text NOT NULL CHECK (base_url ~ '^https?://'),
      account_id text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 200),
      api_key_sealed bytea NOT NULL,
      webhook_username text NOT NULL CHECK (length(webhook_username) BETWEEN 1 AND 200),
      webhook_password_sealed bytea NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (clinic_id, provider)
    );

    GRANT SELECT, INSERT, UPDATE ON payments, payment_refunds TO ${APP_ROLE};
    GRANT SELECT, INSERT ON payment_events TO ${APP_ROLE};
    -- Requests read the settings; only the admin path writes them.
    GRANT SELECT ON clinic_payment_providers TO ${APP_ROLE};

    ${policies}

    -- A webhook names its clinic by slug and carries no token: the one lookup it makes before
    -- it is in a clinic, as in front_desk_authenticate (0002).
    CREATE FUNCTION front_desk_clinic_by_slug(wanted text) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
    DECLARE
      was text := coalesce(current_setting('app.admin', true), '');
      found bigint;
    BEGIN
      PERFORM set_config('app.admin', 'on', true);
      SELECT id INTO found FROM clinics WHERE slug = wanted;
      PERFORM set_config('app.admin', was, true);
      RETURN found;
    END $$;
    REVOKE ALL ON FUNCTION front_desk_clinic_by_slug(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION front_desk_clinic_by_slug(text) TO ${APP_ROLE};
  `,
    )
    .execute(db);
}
