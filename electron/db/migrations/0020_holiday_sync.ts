import { sql, type Kysely } from 'kysely';

/**
 * Clinic holidays sync like the other rows (entity `holiday`), so every desk of a clinic,
 * and the cloud's free times for the portal, close on the same days. Frozen in time like
 * every migration.
 *
 * - The uid is the day's (shared/sync/cloud-api.ts `holidayUid`, as it was when this was
 *   written), a generated column: two desks that both list a day hold one row, and the day
 *   cannot drift from its uid. So the day of a row never changes (a trigger refuses it): a
 *   holiday moved to another day is this day turned off and that one turned on.
 * - Never deleted (a trigger refuses it): the cloud cannot bring a uid back from a
 *   tombstone, and the day's uid is the only one it will ever have. A removed holiday is kept
 *   with `is_active = 0`.
 * - The outbox triggers follow 0007's pattern (fold into the newest unsent entry of the row,
 *   or append; only while tracking and not applying a pulled row).
 */

const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;
const bool = (column: string) => `json(CASE WHEN ${column} = 1 THEN 'true' ELSE 'false' END)`;

const COLUMNS = ['name_en', 'name_pt', 'is_national', 'is_active'];

const VIEW = `SELECT id, uid, json_object('day', day, 'nameEn', name_en, 'namePt', name_pt,
    'isNational', ${bool('is_national')}, 'isActive', ${bool('is_active')}) AS data
  FROM clinic_holidays`;

const newestIsThisRow = `
  seq = (SELECT max(seq) FROM sync_outbox) AND entity = 'holiday' AND op = 'upsert' AND attempts = 0 AND uid = NEW.uid`;

const recordUpsert = `
  UPDATE sync_outbox SET data = (SELECT data FROM sync_data_holiday WHERE id = NEW.id), created_at = ${NOW_MS}
    WHERE ${IS_TRACKING} AND ${newestIsThisRow};
  INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
    SELECT ${UUID}, 'holiday', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_holiday v
    WHERE v.id = NEW.id AND ${IS_TRACKING} AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE clinic_holidays ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1))`.execute(db);
  await sql
    .raw(`ALTER TABLE clinic_holidays ADD COLUMN uid TEXT GENERATED ALWAYS AS ('00000000-0000-4000-8001-0000' || replace(day, '-', '')) VIRTUAL`)
    .execute(db);
  await sql`CREATE UNIQUE INDEX clinic_holidays_by_uid ON clinic_holidays (uid)`.execute(db);
  await sql.raw(`CREATE VIEW sync_data_holiday AS ${VIEW}`).execute(db);

  await sql
    .raw(
      `CREATE TRIGGER clinic_holidays_day_fixed BEFORE UPDATE OF day ON clinic_holidays WHEN NEW.day IS NOT OLD.day
       BEGIN SELECT RAISE(ABORT, 'HOLIDAY_DAY_FIXED: a holiday keeps its day (turn it off, and on at the other day)'); END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER clinic_holidays_never_deleted BEFORE DELETE ON clinic_holidays
       BEGIN SELECT RAISE(ABORT, 'HOLIDAY_NEVER_DELETED: a holiday is turned off, not deleted'); END`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER clinic_holidays_sync_after_insert AFTER INSERT ON clinic_holidays BEGIN ${recordUpsert} END`).execute(db);
  await sql
    .raw(
      `CREATE TRIGGER clinic_holidays_sync_after_update AFTER UPDATE OF ${COLUMNS.join(', ')} ON clinic_holidays
       WHEN ${COLUMNS.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ')}
       BEGIN ${recordUpsert} END`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['clinic_holidays_sync_after_update', 'clinic_holidays_sync_after_insert', 'clinic_holidays_never_deleted', 'clinic_holidays_day_fixed']) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
  await sql`DROP VIEW IF EXISTS sync_data_holiday`.execute(db);
  await sql`DROP INDEX IF EXISTS clinic_holidays_by_uid`.execute(db);
  await sql`DELETE FROM clinic_holidays WHERE is_active = 0`.execute(db);
  await sql`ALTER TABLE clinic_holidays DROP COLUMN uid`.execute(db);
  await sql`ALTER TABLE clinic_holidays DROP COLUMN is_active`.execute(db);
  for (const table of ['sync_outbox', 'sync_versions', 'sync_parked', 'sync_problems', 'sync_resync_seen']) {
    await sql.raw(`DELETE FROM ${table} WHERE entity = 'holiday'`).execute(db);
  }
}
