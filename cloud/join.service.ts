import { createHash, randomBytes } from 'node:crypto';
import type { JoinCodeResponse } from '../shared/sync/cloud-api';
import { joinCodeFromBytes, normaliseJoinCode } from '../shared/sync/join-code';
import { HOUR_MS, MINUTE_MS } from '../shared/time/units';
import type { CloudDb } from './db/cloud-db';
import * as repo from './db/cloud.repository';
import { asAdmin, enterClinic } from './db/tenancy.repository';
import { findToken } from './admin/tokens.service';

/**
 * Join codes and the desk tokens they are exchanged for. The database keeps SHA-256 hashes
 * only: a copy of it lets nobody sync. Codes and tokens are found by their hash, so the
 * lookup's timing depends on the hash, never on how much of a guess was right.
 */

export const JOIN_CODE_TTL_MS = 24 * HOUR_MS;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A new one-time code for a desk to join `clinicId`, good for `ttlMs`. `createdBy`: who asked (a desk, or the console). */
export async function mintJoinCode(db: CloudDb, clinicId: number, now: number, createdBy: string, ttlMs = JOIN_CODE_TTL_MS): Promise<JoinCodeResponse> {
  const code = joinCodeFromBytes(randomBytes(10));
  const expiresAt = now + ttlMs;
  await repo.insertJoinCode(db, clinicId, sha256(normaliseJoinCode(code)!), createdBy.slice(0, 100), now, expiresAt);
  return { code, expiresAt };
}

/**
 * Uses the code, if it is good (known, unused, not expired), for a new desk token of the
 * code's clinic; null otherwise, whichever the reason. One statement marks it used: of two
 * redemptions at once, the second waits for the first and then finds the code used.
 */
export async function redeemJoinCode(db: CloudDb, typed: string, deskName: string, now: number): Promise<string | null> {
  const plain = normaliseJoinCode(typed);
  if (plain === null) return null;
  // The code names its clinic: found on the admin path, and the token then stored in that clinic.
  return asAdmin(db, async (trx) => {
    const clinicId = await repo.useJoinCode(trx, sha256(plain), now);
    if (clinicId === undefined) return null;
    await enterClinic(trx, clinicId);
    const token = randomBytes(32).toString('base64url');
    await repo.insertDeskToken(trx, clinicId, sha256(token), deskName.slice(0, 100).replaceAll('\u0000', '\ufffd'), now);
    return token;
  });
}

/** The clinic of a desk token (joined or issued, and not revoked), or undefined. */
export async function joinedDeskClinic(db: CloudDb, token: string, now = Date.now()): Promise<number | undefined> {
  const found = await findToken(db, token, now);
  return found?.principal === 'desk' ? found.clinicId : undefined;
}

export interface JoinThrottleOptions {
  /** Wrong codes from one address within `windowMs` before it must wait (default 10 in 15 minutes). */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_JOIN_THROTTLE: JoinThrottleOptions = { maxFailures: 10, windowMs: 15 * MINUTE_MS };

/**
 * Wrong join codes per source address. A code has 50 bits, so guessing is hopeless anyway;
 * this keeps a scanner from trying thousands a second. In memory: the reference server is
 * one process (a real deployment would keep this where all its instances see it).
 */
export class JoinThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: JoinThrottleOptions = DEFAULT_JOIN_THROTTLE) {}

  /** Milliseconds this address must still wait, or 0. */
  waitMs(address: string, now: number): number {
    const recent = this.recent(address, now);
    if (recent.length < this.options.maxFailures) return 0;
    return recent[recent.length - this.options.maxFailures]! + this.options.windowMs - now;
  }

  fail(address: string, now: number): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    // Forget quiet addresses now and then, so the map does not grow without end.
    if (this.failures.size > 10_000) for (const key of this.failures.keys()) if (this.recent(key, now).length === 0) this.failures.delete(key);
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.options.windowMs);
  }
}
