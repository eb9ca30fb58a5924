import { createHash, randomBytes } from 'node:crypto';
import type { CloudDb } from '../db/cloud-db';
import * as repo from '../db/admin.repository';
import type { TokenKind } from '../db/admin.repository';
import { inClinic } from '../db/tenancy.repository';
import type { Principal } from '../push-rules';
import { AdminError, type TokenView } from './admin.schemas';
import { clinicId } from './clinics.service';

/**
 * Access tokens the cloud issues, one per desk (or portal), each of one clinic: 32 random
 * bytes, shown once, stored as their SHA-256 (a copy of the database lets nobody sync).
 * Found by that hash on every request, so a revoked token is refused at once.
 */

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A token as a log may name it: its id and the first hex digits of its hash, never the token. */
export const tokenLabel = (record: { id: number; hashPrefix: string }) => `token ${record.id} (${record.hashPrefix}…)`;

export interface FoundToken {
  tokenId: number;
  clinicId: number;
  principal: Principal;
}

/** The live token presented, or null. Moves its last-seen time on, at most once a minute. */
export async function findToken(db: CloudDb, token: string, now: number): Promise<FoundToken | null> {
  const found = await repo.authenticateToken(db, sha256(token), now);
  return found ? { tokenId: found.tokenId, clinicId: found.clinicId, principal: found.kind } : null;
}

export async function issueToken(db: CloudDb, slug: string, deskName: string, kind: TokenKind, now: number): Promise<{ token: string; record: TokenView }> {
  const id = await clinicId(db, slug);
  const token = randomBytes(32).toString('base64url');
  const record = await inClinic(db, id, (trx) => repo.insertToken(trx, id, { hash: sha256(token), deskName, kind }, now));
  return { token, record };
}

export async function revokeToken(db: CloudDb, slug: string, tokenId: number, now: number): Promise<TokenView> {
  const id = await clinicId(db, slug);
  const record = await inClinic(db, id, (trx) => repo.revokeToken(trx, id, tokenId, now));
  if (!record) throw new AdminError(404, `The clinic "${slug}" has no token ${tokenId}.`);
  return record;
}

export async function listTokens(db: CloudDb, slug: string): Promise<TokenView[]> {
  const id = await clinicId(db, slug);
  return inClinic(db, id, (trx) => repo.listTokens(trx, id));
}
