import { sql } from 'kysely';
import type { Executor } from './cloud-db';

/**
 * The statements of clinics' settings and of access tokens. The clinic's own ones run in its
 * transaction (row-level security scopes them even without their WHERE); those across
 * clinics in a transaction on the admin path (see tenancy.repository.ts).
 */

export interface ClinicRecord {
  id: number;
  slug: string;
  name: string;
  timeZone: string;
  languages: string[];
  currency: string;
  portalMinNoticeMinutes: number;
  portalHorizonDays: number;
  createdAt: number;
  updatedAt: number | null;
}

export interface ClinicSettings {
  name: string;
  timeZone: string;
  languages: string[];
  currency: string;
  /** Defaults (the migration's) when not given. */
  portalMinNoticeMinutes?: number | undefined;
  portalHorizonDays?: number | undefined;
}

const CLINIC_COLUMNS = sql`id, slug, name, time_zone AS "timeZone", languages, currency,
  portal_min_notice_minutes AS "portalMinNoticeMinutes", portal_horizon_days AS "portalHorizonDays", created_at AS "createdAt", updated_at AS "updatedAt"`;

async function rows<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(ex)).rows as T[];
}

/** The new clinic, or undefined when the slug is taken. Admin path. */
export async function insertClinic(ex: Executor, slug: string, settings: ClinicSettings, epoch: string, now: number): Promise<ClinicRecord | undefined> {
  const [made] = await rows<ClinicRecord>(
    ex,
    sql`INSERT INTO clinics (slug, name, time_zone, languages, currency, portal_min_notice_minutes, portal_horizon_days, epoch, created_at)
      VALUES (${slug}, ${settings.name}, ${settings.timeZone}, ${settings.languages}::text[], ${settings.currency},
        coalesce(${settings.portalMinNoticeMinutes ?? null}::integer, 120), coalesce(${settings.portalHorizonDays ?? null}::integer, 90), ${epoch}, ${now})
      ON CONFLICT (slug) DO NOTHING RETURNING ${CLINIC_COLUMNS}`,
  );
  return made;
}

/** The clinic with the settings given changed, or undefined when there is none. In the clinic's transaction. */
export async function updateClinic(ex: Executor, clinicId: number, change: Partial<ClinicSettings>, now: number): Promise<ClinicRecord | undefined> {
  const [updated] = await rows<ClinicRecord>(
    ex,
    sql`UPDATE clinics SET
        name = coalesce(${change.name ?? null}::text, name),
        time_zone = coalesce(${change.timeZone ?? null}::text, time_zone),
        languages = coalesce(${change.languages ?? null}::text[], languages),
        currency = coalesce(${change.currency ?? null}::text, currency),
        portal_min_notice_minutes = coalesce(${change.portalMinNoticeMinutes ?? null}::integer, portal_min_notice_minutes),
        portal_horizon_days = coalesce(${change.portalHorizonDays ?? null}::integer, portal_horizon_days),
        updated_at = ${now}
      WHERE id = ${clinicId} RETURNING ${CLINIC_COLUMNS}`,
  );
  return updated;
}

/** In the clinic's transaction: its own record. */
export async function clinicRecord(ex: Executor, clinicId: number): Promise<ClinicRecord | undefined> {
  return (await rows<ClinicRecord>(ex, sql`SELECT ${CLINIC_COLUMNS} FROM clinics WHERE id = ${clinicId}`))[0];
}

/** Admin path. */
export async function listClinics(ex: Executor): Promise<ClinicRecord[]> {
  return rows<ClinicRecord>(ex, sql`SELECT ${CLINIC_COLUMNS} FROM clinics ORDER BY slug`);
}

/** Admin path. */
export async function clinicIdBySlug(ex: Executor, slug: string): Promise<number | undefined> {
  return (await rows<{ id: number }>(ex, sql`SELECT id FROM clinics WHERE slug = ${slug}`))[0]?.id;
}

// --- access tokens ---

export type TokenKind = 'desk' | 'portal';

export interface TokenRecord {
  id: number;
  deskName: string;
  kind: TokenKind;
  /** 'join': a desk that joined with a code; 'admin': issued by the console or the admin API. */
  source: 'join' | 'admin';
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** The first hex digits of the token's hash: enough to tell tokens apart in a log, nothing to sign in with. */
  hashPrefix: string;
}

const TOKEN_COLUMNS = sql`id, desk_name AS "deskName", kind, source, created_at AS "createdAt", last_seen_at AS "lastSeenAt",
  revoked_at AS "revokedAt", encode(substring(token_hash FROM 1 FOR 4), 'hex') AS "hashPrefix"`;

/** In the clinic's transaction. */
export async function insertToken(
  ex: Executor,
  clinicId: number,
  token: { hash: Buffer; deskName: string; kind: TokenKind },
  now: number,
): Promise<TokenRecord> {
  return (
    await rows<TokenRecord>(
      ex,
      sql`INSERT INTO desk_tokens (token_hash, clinic_id, desk_name, kind, source, created_at)
        VALUES (${token.hash}, ${clinicId}, ${token.deskName}, ${token.kind}, 'admin', ${now}) RETURNING ${TOKEN_COLUMNS}`,
    )
  )[0]!;
}

/** Revokes the token (a second revocation keeps the first time); undefined when the clinic has no such token. In the clinic's transaction. */
export async function revokeToken(ex: Executor, clinicId: number, tokenId: number, now: number): Promise<TokenRecord | undefined> {
  return (
    await rows<TokenRecord>(
      ex,
      sql`UPDATE desk_tokens SET revoked_at = coalesce(revoked_at, ${now})
        WHERE clinic_id = ${clinicId} AND id = ${tokenId} RETURNING ${TOKEN_COLUMNS}`,
    )
  )[0];
}

/** In the clinic's transaction. */
export async function listTokens(ex: Executor, clinicId: number): Promise<TokenRecord[]> {
  return rows<TokenRecord>(ex, sql`SELECT ${TOKEN_COLUMNS} FROM desk_tokens WHERE clinic_id = ${clinicId} ORDER BY id`);
}

/**
 * The live token with this hash (its last-seen time moved on if a minute has passed), or
 * undefined. Through the security-definer function of migration 0002: the app role itself
 * reads no clinic's tokens before it knows the clinic.
 */
export async function authenticateToken(ex: Executor, hash: Buffer, now: number): Promise<{ tokenId: number; clinicId: number; kind: TokenKind } | undefined> {
  return (
    await rows<{ tokenId: number; clinicId: number; kind: TokenKind }>(
      ex,
      sql`SELECT token_id AS "tokenId", clinic_id AS "clinicId", kind FROM front_desk_authenticate(${hash}, ${now})`,
    )
  )[0];
}
