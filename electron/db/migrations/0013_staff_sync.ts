import { sql, type Kysely } from 'kysely';

/**
 * Staff accounts and the clinic-wide settings sync like the other rows, so a change of staff
 * or settings at one desk reaches the others, and a desk that joins gets them. Frozen in time
 * like every migration.
 *
 * Staff: a `uid` (backfilled, and set by the insert trigger, as 0007 did for its tables) and
 * the outbox triggers of 0007's pattern, on the columns that define an account (the password
 * travels as its hash). `created_at` and everything per desk (sessions, sign-in limits, all in
 * memory) stay here.
 *
 * Settings: a key-value table, sent as ONE row of entity `clinic` with a fixed uid. A change
 * of one of the clinic-wide keys records the whole row; the per-desk keys (hostNames,
 * displayOnSecondScreen, isDemo, setUpAt) and every other table (devices, secrets) do not.
 * A desk that is not set up (no `setUpAt`) has no clinic row to send: joining a clinic, it
 * takes the cloud's.
 */

const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;

/** shared/sync/cloud-api.ts's CLINIC_SETTINGS_UID, as it was when this was written. */
const CLINIC_UID = '00000000-0000-4000-8000-000000000001';

const STAFF_COLUMNS = ['username', 'display_name', 'role', 'password_hash', 'practitioner_id', 'locale', 'is_active'];

const STAFF_VIEW = `SELECT s.id, s.uid, json_object(
    'username', s.username, 'displayName', s.display_name, 'role', s.role, 'passwordHash', s.password_hash,
    'practitionerUid', (SELECT p.uid FROM practitioners p WHERE p.id = s.practitioner_id),
    'locale', s.locale, 'isDisabled', json(CASE WHEN s.is_active = 1 THEN 'false' ELSE 'true' END)) AS data
  FROM staff s`;

/** The clinic-wide keys and their defaults then (electron/settings/settings.repository.ts), as JSON. */
const CLINIC_KEYS: Array<[string, string]> = [
  ['clinicName', '""'],
  ['timeZone', '"Europe/Lisbon"'],
  ['locale', '"en"'],
  ['currency', '"EUR"'],
  ['idleLockMinutes', '10'],
  ['slotStepMinutes', '15'],
  ['graceMinutes', '10'],
  ['noShowAfterMinutes', '30'],
  ['kioskEarlyMinutes', '60'],
  ['kioskLateMinutes', '30'],
  ['displayPrivacy', '"firstNameLastInitial"'],
  ['announcementLanguage', '"clinic"'],
];
const KEY_LIST = CLINIC_KEYS.map(([key]) => `'${key}'`).join(', ');

// One row, id 1, only on a desk that is set up; each key as stored (JSON), else its default.
const CLINIC_VIEW = `SELECT 1 AS id, '${CLINIC_UID}' AS uid, json_object(${CLINIC_KEYS.map(
  ([key, fallback]) => `'${key}', json(coalesce((SELECT value FROM settings WHERE key = '${key}'), '${fallback}'))`,
).join(', ')}) AS data
  WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'setUpAt')`;

/**
 * As 0007 wrote it: fold into the newest unsent entry of this row, or append. The fold also
 * needs the view's row (the clinic's is absent until the desk is set up): an upsert entry
 * with no data would break the outbox's CHECK, and with it the settings write.
 */
function recordUpsert(entity: 'staff' | 'clinic', rowUid: string, viewWhere: string): string {
  const newestIsThisRow = `
    seq = (SELECT max(seq) FROM sync_outbox) AND entity = '${entity}' AND op = 'upsert' AND attempts = 0 AND uid = ${rowUid}`;
  return `
    UPDATE sync_outbox SET data = (SELECT data FROM sync_data_${entity} WHERE ${viewWhere}), created_at = ${NOW_MS}
      WHERE ${IS_TRACKING} AND ${newestIsThisRow} AND EXISTS (SELECT 1 FROM sync_data_${entity} WHERE ${viewWhere});
    INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${UUID}, '${entity}', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_${entity} v
      WHERE v.${viewWhere} AND v.uid IS NOT NULL AND ${IS_TRACKING}
        AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;
}

const staffUpsert = recordUpsert('staff', '(SELECT uid FROM staff WHERE id = NEW.id)', 'id = NEW.id');
const clinicUpsert = recordUpsert('clinic', `'${CLINIC_UID}'`, 'id = 1');

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE staff ADD COLUMN uid TEXT`.execute(db);
  await sql.raw(`UPDATE staff SET uid = ${UUID}`).execute(db);
  await sql`CREATE UNIQUE INDEX staff_by_uid ON staff (uid)`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_staff AS ${STAFF_VIEW}`).execute(db);
  await sql.raw(`CREATE VIEW sync_data_clinic AS ${CLINIC_VIEW}`).execute(db);

  await sql
    .raw(
      `CREATE TRIGGER staff_sync_after_insert AFTER INSERT ON staff BEGIN
         UPDATE staff SET uid = ${UUID} WHERE NEW.uid IS NULL AND id = NEW.id;
         ${staffUpsert}
       END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER staff_sync_after_update AFTER UPDATE OF ${STAFF_COLUMNS.join(', ')} ON staff
       WHEN ${STAFF_COLUMNS.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ')}
       BEGIN ${staffUpsert} END`,
    )
    .execute(db);
  // No delete trigger: accounts are disabled, not deleted (the cloud refuses a delete).

  for (const [event, row, when] of [
    ['INSERT', 'NEW', ''],
    ['UPDATE', 'NEW', 'AND NEW.value IS NOT OLD.value'],
    ['DELETE', 'OLD', ''],
  ] as const) {
    await sql
      .raw(
        `CREATE TRIGGER settings_sync_after_${event.toLowerCase()} AFTER ${event} ON settings
         WHEN ${row}.key IN (${KEY_LIST}) ${when}
         BEGIN ${clinicUpsert} END`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS settings_sync_after_${event}`).execute(db);
  for (const event of ['insert', 'update']) await sql.raw(`DROP TRIGGER IF EXISTS staff_sync_after_${event}`).execute(db);
  await sql`DROP VIEW IF EXISTS sync_data_clinic`.execute(db);
  await sql`DROP VIEW IF EXISTS sync_data_staff`.execute(db);
  await sql`DROP INDEX IF EXISTS staff_by_uid`.execute(db);
  await sql`ALTER TABLE staff DROP COLUMN uid`.execute(db);
  // What the outbox and the cloud's bookkeeping held of these entities means nothing without them.
  for (const table of ['sync_outbox', 'sync_versions', 'sync_parked', 'sync_problems', 'sync_resync_seen']) {
    await sql.raw(`DELETE FROM ${table} WHERE entity IN ('staff', 'clinic')`).execute(db);
  }
}
