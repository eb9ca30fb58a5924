import { createHash, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Device, DeviceRoleName } from '../../shared/devices/devices.contract';
import type { RequestContext } from '../rpc/context';
import type { Database, DeviceRow } from '../db/schema';
import { hashToken, newDeviceToken } from './device-registry';
import {
  findDeviceRow,
  findPairingCode,
  insertDevice,
  insertPairingCode,
  isLiveCode,
  listDeviceRows,
  markPairingCodeUsed,
  revokeDeviceRow,
  setDevicePrinter,
} from './devices.repository';

/** How long a pairing code works: long enough to walk to the screen and type it. */
export const PAIRING_CODE_MINUTES = 10;

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    throttledUntil: null,
    hasPrinter: row.has_printer === 1,
  };
}

function hashCode(code: string): string {
  return createHash('sha256').update(`pairing:${code}`, 'utf8').digest('hex');
}

/** A six-digit code for "Add a screen", single use, valid {@link PAIRING_CODE_MINUTES} minutes; only its hash is kept. */
export async function createPairingCode(
  db: Kysely<Database>,
  req: RequestContext,
  input: { role: DeviceRoleName; name: string },
): Promise<{ code: string; expiresAt: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const codeHash = hashCode(code);
    if (await isLiveCode(db, codeHash, req.now)) continue;
    const expiresAt = req.now + PAIRING_CODE_MINUTES * 60_000;
    await insertPairingCode(db, { codeHash, role: input.role, name: input.name, createdBy: req.actor.staffId, now: req.now, expiresAt });
    req.audit({ action: 'devices.createPairingCode', entity: 'device', entityId: null, detail: { role: input.role, name: input.name } });
    return { code, expiresAt };
  }
  throw new AppError('INTERNAL', 'Could not find a free pairing code. Try again.');
}

/**
 * Pairs the device that typed a code: creates it with a fresh 256-bit token (of which only
 * the hash is stored) and returns the token for the transport to keep. A wrong, expired or
 * used code is NOT_FOUND (details say which of the last two, so the screen can explain).
 */
export async function pairDevice(db: Kysely<Database>, req: RequestContext, code: string): Promise<{ device: DeviceRow; token: string }> {
  const found = await findPairingCode(db, hashCode(code));
  if (!found) throw new AppError('NOT_FOUND', 'That code is not right. Ask the desk for a new one.');
  if (found.used_at !== null) throw new AppError('NOT_FOUND', 'That code has been used already. Ask the desk for a new one.', { used: true });
  if (found.expires_at <= req.now) throw new AppError('NOT_FOUND', 'That code has expired. Ask the desk for a new one.', { expired: true });
  const token = newDeviceToken();
  const device = await insertDevice(db, { name: found.name, role: found.role, tokenHash: hashToken(token), createdBy: found.created_by, now: req.now });
  await markPairingCodeUsed(db, found.id, device.id, req.now);
  req.audit({ action: 'devices.pair', entity: 'device', entityId: device.id, detail: { role: device.role, name: device.name } });
  return { device, token };
}

export async function listDevices(db: Kysely<Database>): Promise<Device[]> {
  return (await listDeviceRows(db)).map(toDevice);
}

/**
 * Notes that the desk let a kiosk try again (the handler clears the wait itself: it is
 * kept in memory). Any paired screen may be named; a display simply never waits.
 */
export async function clearDeviceThrottle(db: Kysely<Database>, req: RequestContext, id: number, wasWaitingUntil: number | null): Promise<Device> {
  const row = await findDeviceRow(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such device.', { field: 'id' });
  req.audit({
    action: 'devices.clearThrottle',
    entity: 'device',
    entityId: id,
    detail: { name: row.name, waitedSeconds: wasWaitingUntil === null ? 0 : Math.ceil((wasWaitingUntil - req.now) / 1000) },
  });
  return toDevice(row);
}

/** Revokes a device (again is harmless: the first revocation's time stays). */
export async function revokeDevice(db: Kysely<Database>, req: RequestContext, id: number): Promise<Device> {
  const row = await findDeviceRow(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such device.', { field: 'id' });
  if (row.revoked_at !== null) return toDevice(row);
  const revoked = await revokeDeviceRow(db, id, req.now);
  req.audit({ action: 'devices.revoke', entity: 'device', entityId: id, detail: { role: row.role, name: row.name } });
  return toDevice(revoked);
}

/** A kiosk's ticket printer, on or off; a display has none to switch on. */
export async function setPrinter(db: Kysely<Database>, req: RequestContext, id: number, hasPrinter: boolean): Promise<Device> {
  const row = await findDeviceRow(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such device.', { field: 'id' });
  if (row.role !== 'kiosk' && hasPrinter) {
    throw new AppError('VALIDATION', 'Only a kiosk prints tickets.', {
      fields: [{ path: 'hasPrinter', code: 'custom', message: 'Only a kiosk prints tickets.' }],
    });
  }
  if ((row.has_printer === 1) === hasPrinter) return toDevice(row);
  const updated = await setDevicePrinter(db, id, hasPrinter);
  req.audit({ action: 'devices.setPrinter', entity: 'device', entityId: id, detail: { name: row.name, hasPrinter } });
  return toDevice(updated);
}

/** Whether the calling kiosk has a ticket printer (a built-in window, with no row, has none). */
export async function deviceHasPrinter(db: Kysely<Database>, id: number | null): Promise<boolean> {
  if (id === null) return false;
  return (await findDeviceRow(db, id))?.has_printer === 1;
}
