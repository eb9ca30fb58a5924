import { sql, type Kysely } from 'kysely';

/**
 * Printing. 1. A paired kiosk may have a ticket printer beside it: `devices.has_printer`
 * (0 or 1, the database refuses anything else). Devices belong to one desk and never sync.
 *
 * 2. The clinic's postal address and phone number, printed on appointment slips: two more
 * clinic-wide settings keys (`clinicAddress`, `clinicPhone`, JSON strings, '' when unset).
 * Settings are key-value rows, so no column is added; what changes is the clinic row that
 * sync sends (0013's view and triggers): it now carries both keys, and a change of either
 * records the row. Frozen in time like every migration: 0013's SQL is repeated here, not imported.
 */

const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;
const CLINIC_UID = '00000000-0000-4000-8000-000000000001';

/** 0013's clinic-wide keys and their defaults, as JSON. */
const KEYS_0013: Array<[string, string]> = [
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
const KEYS_0019: Array<[string, string]> = [...KEYS_0013, ['clinicAddress', '""'], ['clinicPhone', '""']];

function clinicView(keys: Array<[string, string]>): string {
  return `SELECT 1 AS id, '${CLINIC_UID}' AS uid, json_object(${keys
    .map(([key, fallback]) => `'${key}', json(coalesce((SELECT value FROM settings WHERE key = '${key}'), '${fallback}'))`)
    .join(', ')}) AS data
  WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'setUpAt')`;
}

// As 0013 wrote it: fold into the newest unsent clinic entry, or append one.
const NEWEST_IS_CLINIC = `
  seq = (SELECT max(seq) FROM sync_outbox) AND entity = 'clinic' AND op = 'upsert' AND attempts = 0 AND uid = '${CLINIC_UID}'`;
const CLINIC_UPSERT = `
  UPDATE sync_outbox SET data = (SELECT data FROM sync_data_clinic WHERE id = 1), created_at = ${NOW_MS}
    WHERE ${IS_TRACKING} AND ${NEWEST_IS_CLINIC} AND EXISTS (SELECT 1 FROM sync_data_clinic WHERE id = 1);
  INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
    SELECT ${UUID}, 'clinic', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_clinic v
    WHERE v.id = 1 AND v.uid IS NOT NULL AND ${IS_TRACKING}
      AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${NEWEST_IS_CLINIC});`;

async function recreate(db: Kysely<any>, keys: Array<[string, string]>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER IF EXISTS settings_sync_after_${event}`).execute(db);
  await sql`DROP VIEW IF EXISTS sync_data_clinic`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_clinic AS ${clinicView(keys)}`).execute(db);
  const keyList = keys.map(([key]) => `'${key}'`).join(', ');
  for (const [event, row, when] of [
    ['INSERT', 'NEW', ''],
    ['UPDATE', 'NEW', 'AND NEW.value IS NOT OLD.value'],
    ['DELETE', 'OLD', ''],
  ] as const) {
    await sql
      .raw(
        `CREATE TRIGGER settings_sync_after_${event.toLowerCase()} AFTER ${event} ON settings
         WHEN ${row}.key IN (${keyList}) ${when}
         BEGIN ${CLINIC_UPSERT} END`,
      )
      .execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE devices ADD COLUMN has_printer INTEGER NOT NULL DEFAULT 0 CHECK (has_printer IN (0, 1))`.execute(db);
  await recreate(db, KEYS_0019);
}

export async function down(db: Kysely<any>): Promise<void> {
  await recreate(db, KEYS_0013);
  await sql`DELETE FROM settings WHERE key IN ('clinicAddress', 'clinicPhone')`.execute(db);
  await sql`ALTER TABLE devices DROP COLUMN has_printer`.execute(db);
}
