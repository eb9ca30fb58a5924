import { createHash, timingSafeEqual } from 'node:crypto';
import type { CloudDb } from '../db/cloud-db';
import { findToken } from '../admin/tokens.service';
import type { Principal } from '../push.service';

/** Who is calling, and for which clinic. */
export interface Caller {
  principal: Principal;
  clinicId: number;
}

/** `Authorization` header → the caller, or null (answered 401). */
export type Authenticate = (header: string | undefined) => Promise<Caller | null>;

export interface StaticTokens {
  desk: readonly string[];
  portal?: readonly string[];
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** The token of a `Bearer` header, or null when the header is not one. */
export function bearerToken(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * Static tokens belong to the server's clinic and are compared as digests in constant time,
 * so the answer's timing says nothing about a token's prefix; a token no static one matches
 * may be one the cloud issued (joined or issued, found by its hash with its own clinic on
 * every request: a revoked one is refused at once).
 */
export function makeAuthenticator(tokens: StaticTokens = { desk: [] }, db: CloudDb, clinicId: number, now: () => number): Authenticate {
  const known: Array<[Buffer, Principal]> = [
    ...tokens.desk.map((token): [Buffer, Principal] => [digest(token), 'desk']),
    ...(tokens.portal ?? []).map((token): [Buffer, Principal] => [digest(token), 'portal']),
  ];
  return async (header) => {
    const token = bearerToken(header);
    if (token === null) return null;
    const presented = digest(token);
    let principal: Principal | null = null;
    for (const [expected, who] of known) if (timingSafeEqual(expected, presented)) principal = who;
    if (principal !== null) return { principal, clinicId };
    const found = await findToken(db, token, now());
    return found && { principal: found.principal, clinicId: found.clinicId };
  };
}

/** What the rate limiter counts a request against: the token (as a hash, never itself), else the address. */
export function rateLimitKey(header: string | undefined, address: string): string {
  const token = bearerToken(header);
  return token === null ? `ip:${address}` : `token:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}
