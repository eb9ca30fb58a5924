import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database, DeviceRow } from '../db/schema';

export function listDeviceRows(db: Kysely<Database>): Promise<DeviceRow[]> {
  return db.selectFrom('devices').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function findDeviceRow(db: Kysely<Database>, id: number): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertDevice(
  db: Kysely<Database>,
  values: { name: string; role: 'display' | 'kiosk'; tokenHash: string; createdBy: number | null; now: number },
): Promise<DeviceRow> {
  return db
    .insertInto('devices')
    .values({ name: values.name, role: values.role, token_hash: values.tokenHash, created_by: values.createdBy, created_at: values.now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function setDevicePrinter(db: Kysely<Database>, id: number, hasPrinter: boolean): Promise<DeviceRow> {
  return db
    .updateTable('devices')
    .set({ has_printer: hasPrinter ? 1 : 0 })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function revokeDeviceRow(db: Kysely<Database>, id: number, now: number): Promise<DeviceRow> {
  return db.updateTable('devices').set({ revoked_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Whether an unused, unexpired pairing code has this hash: two live codes must never be the same. */
export async function isLiveCode(db: Kysely<Database>, codeHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('pairing_codes')
    .select('id')
    .where('code_hash', '=', codeHash)
    .where('expires_at', '>', now)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertPairingCode(
  db: Kysely<Database>,
  values: { codeHash: string; role: 'display' | 'kiosk'; name: string; createdBy: number | null; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('pairing_codes')
    .values({
      code_hash: values.codeHash,
      role: values.role,
      name: values.name,
      created_by: values.createdBy,
      created_at: values.now,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** The newest pairing code with this hash, used or not, expired or not. */
export function findPairingCode(db: Kysely<Database>, codeHash: string) {
  return db.selectFrom('pairing_codes').selectAll().where('code_hash', '=', codeHash).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function markPairingCodeUsed(db: Kysely<Database>, id: number, deviceId: number, now: number): Promise<void> {
  await db.updateTable('pairing_codes').set({ used_at: now, device_id: deviceId }).where('id', '=', id).where('used_at', 'is', null).execute();
}

export interface LiveDeviceRow {
  id: number;
  role: 'display' | 'kiosk';
  name: string;
  last_seen_at: number | null;
}

/**
 * A look-up of a live (not revoked) device by its token's hash, prepared once on the raw
 * connection: it answers synchronously, as the transports ask on every call and event.
 */
export function prepareFindLiveDevice(sqlite: BetterSqlite3.Database): (tokenHash: string) => LiveDeviceRow | undefined {
  const statement = sqlite.prepare<[string], LiveDeviceRow>('SELECT id, role, name, last_seen_at FROM devices WHERE token_hash = ? AND revoked_at IS NULL');
  return (tokenHash) => statement.get(tokenHash);
}

export async function markDeviceSeen(db: Kysely<Database>, id: number, now: number): Promise<void> {
  await db.updateTable('devices').set({ last_seen_at: now }).where('id', '=', id).execute();
}
