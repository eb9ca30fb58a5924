import { createHash, randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { DEVICE_ONLINE_WITHIN_MS } from '../../shared/devices/devices.contract';
import type { Database } from '../db/schema';
import type { DeviceIdentity } from '../rpc/context';
import { markDeviceSeen, prepareFindLiveDevice, type LiveDeviceRow } from './devices.repository';

/** A device's last_seen_at is written at most this often: a display asks every few seconds. */
export const SEEN_EVERY_MS = 60_000;

/** A new device token: 256 random bits, URL-safe. Only its hash is stored. */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface Known {
  identity: DeviceIdentity & { id: number };
  lastSeenAt: number | null;
}

/**
 * Which token belongs to which paired device, answered synchronously: the dispatcher and
 * the event streams ask on every call and every event. Devices are looked up by the hash
 * of their token on first use and kept; revoking one forgets it at once (before the
 * revocation commits, so a failing revocation errs on the side of locking out), and any
 * devices change empties the cache, so the next look-up reads what was committed.
 */
export class DeviceRegistry {
  private readonly byHash = new Map<string, Known>();
  private readonly find: (tokenHash: string) => LiveDeviceRow | undefined;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly db: Kysely<Database>,
    /** A screen never seen, or not seen for a while, was heard from (and the write is done): the desk's list shows it connected. */
    private readonly onConnected: () => void = () => undefined,
  ) {
    this.find = prepareFindLiveDevice(sqlite);
  }

  /** The device a token belongs to, or null (unknown, revoked, or not a token at all). */
  identify(token: string | null | undefined): (DeviceIdentity & { id: number }) | null {
    if (!token || token.length > 200) return null;
    const hash = hashToken(token);
    let known = this.byHash.get(hash);
    if (!known) {
      const row = this.find(hash);
      if (!row) return null;
      known = { identity: { id: row.id, role: row.role, name: row.name }, lastSeenAt: row.last_seen_at };
      this.byHash.set(hash, known);
    }
    return known.identity;
  }

  /** Notes that the device was heard from; written to the database at most once a minute. */
  seen(token: string, now: number): void {
    const known = this.byHash.get(hashToken(token));
    if (!known || (known.lastSeenAt !== null && now - known.lastSeenAt < SEEN_EVERY_MS)) return;
    const wasAway = known.lastSeenAt === null || now - known.lastSeenAt > DEVICE_ONLINE_WITHIN_MS;
    known.lastSeenAt = now;
    markDeviceSeen(this.db, known.identity.id, now)
      .then(() => {
        if (wasAway) this.onConnected();
      })
      .catch(() => undefined); // best effort: the database may be closing
  }

  /** Stops accepting a device's token at once. */
  forget(deviceId: number): void {
    for (const [hash, known] of this.byHash) if (known.identity.id === deviceId) this.byHash.delete(hash);
  }

  /** Drops everything cached: the next look-ups read the committed table. */
  clear(): void {
    this.byHash.clear();
  }
}
