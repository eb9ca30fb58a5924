import { randomBytes } from 'node:crypto';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { activeAppointmentStatuses, syncEntity, type SyncEntity } from '../../shared/sync/cloud-api';
import type { Executor } from './cloud-db';
import { MAX_APPOINTMENT_MS } from './limits';
import { notifyBumped } from './notify.repository';
import { admin, scoped } from './tenancy.repository';

/**
 * Every statement of the cloud (the services hold none). Each takes the clinic it works in:
 * no statement reads or writes across clinics. Handed a transaction, a statement runs in it
 * (whose clinic the caller entered: tenancy.repository.ts); the few a caller may hand the
 * pool open a transaction of the right clinic themselves.
 */

const ACTIVE = sql.join(activeAppointmentStatuses.map((status) => sql.lit(status)));

async function all<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(ex)).rows as T[];
}
async function first<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T | undefined> {
  return (await all<T>(ex, query))[0];
}

// --- clinics ---

export interface ClinicState {
  epoch: string;
  lastSeq: number;
  horizon: number;
  /** New rows start above it (see the migration). */
  purgedVersion: number;
}

/** The clinic named `slug`, made on first start with a fresh epoch (and the settings' defaults). On the admin path. */
export async function ensureClinic(ex: Executor, slug: string, now: number): Promise<number> {
  return admin(ex, async (trx) => {
    await sql`INSERT INTO clinics (slug, name, epoch, created_at) VALUES (${slug}, ${slug}, ${randomBytes(6).toString('hex')}, ${now})
      ON CONFLICT (slug) DO NOTHING`.execute(trx);
    return (await first<{ id: number }>(trx, sql`SELECT id FROM clinics WHERE slug = ${slug}`))!.id;
  });
}

export async function clinicState(ex: Executor, clinicId: number): Promise<ClinicState> {
  return scoped(
    ex,
    clinicId,
    async (trx) =>
      (await first<ClinicState>(
        trx,
        sql`SELECT epoch, last_seq AS "lastSeq", horizon, purged_version AS "purgedVersion" FROM clinics WHERE id = ${clinicId}`,
      ))!,
  );
}

/**
 * Takes the clinic's row lock (held to commit): the clinic's writers go one at a time, in seq
 * order. NO KEY: the foreign keys of the clinic's tables (which take KEY SHARE on it) stay
 * free, so a push that writes only idempotency records does not queue behind it.
 */
export async function lockClinic(ex: Executor, clinicId: number): Promise<ClinicState> {
  return (await first<ClinicState>(
    ex,
    sql`SELECT epoch, last_seq AS "lastSeq", horizon, purged_version AS "purgedVersion" FROM clinics WHERE id = ${clinicId} FOR NO KEY UPDATE`,
  ))!;
}

/**
 * Every clinic gets a new epoch: for a database restored from a backup (a file copy,
 * `pg_dump`, point-in-time recovery all bring back the epoch it had). The restored feed hands
 * out again seqs the desks already passed, for other changes; a cursor of the old epoch must
 * be refused (410 OTHER_DATABASE), never read as a place in this feed.
 */
export async function renewEpochs(ex: Executor): Promise<Array<{ slug: string; epoch: string; lastSeq: number }>> {
  // Every clinic's: the admin path (row-level security, migration 0002).
  return admin(ex, (trx) => all(trx, sql`UPDATE clinics SET epoch = left(md5(gen_random_uuid()::text), 12) RETURNING slug, epoch, last_seq AS "lastSeq"`));
}

/** Moves the clinic's last seq and notifies the servers' event streams (delivered when the transaction commits). */
export async function setLastSeq(ex: Executor, clinicId: number, lastSeq: number): Promise<void> {
  await sql`WITH bumped AS (UPDATE clinics SET last_seq = ${lastSeq} WHERE id = ${clinicId} RETURNING id, last_seq) ${notifyBumped()}`.execute(ex);
}

// --- rows ---

export interface StoredRow {
  entity: SyncEntity;
  uid: string;
  version: number;
  deleted: boolean;
  data: string | null;
}

// --- appointment spans ---

export interface Span {
  uid: string;
  practitionerUid: string;
  roomUid: string | null;
  startsAt: number;
  endsAt: number;
  status: string;
}

/**
 * The spans of table alias `s` that overlap [startsAt, endsAt). Plain comparisons, not the
 * ranges' `&&`: under row-level security PostgreSQL lets only leakproof operators into an
 * index scan (`&&` is not one, nor is arithmetic, which can overflow), and the lower bound on
 * starts_at, `earliest` = startsAt - MAX_APPOINTMENT_MS worked out by the caller (no
 * appointment is longer), makes this a range scan of the index on (clinic, practitioner or
 * room, starts_at) of migration 0002.
 */
export function overlapping(s: string, startsAt: RawBuilder<unknown>, endsAt: RawBuilder<unknown>, earliest: RawBuilder<unknown>): RawBuilder<unknown> {
  const [start, end] = [sql.ref(`${s}.starts_at`), sql.ref(`${s}.ends_at`)];
  return sql`${start} < ${endsAt} AND ${start} > ${earliest} AND ${end} > ${startsAt}`;
}

/** The `earliest` of `overlapping` for a span starting at `startsAt`. */
export const earliestStart = (startsAt: number) => startsAt - MAX_APPOINTMENT_MS;

export interface ClashRow {
  uid: string;
  startsAt: number;
  endsAt: number;
  origin: string | null;
}

/** The first active appointment of this practitioner (or room) overlapping [startsAt, endsAt), other than `uid`. */
export async function clashWith(
  ex: Executor,
  clinicId: number,
  kind: 'practitioner' | 'room',
  who: string,
  uid: string,
  startsAt: number,
  endsAt: number,
): Promise<ClashRow | undefined> {
  const column = sql.ref(kind === 'practitioner' ? 's.practitioner_uid' : 's.room_uid');
  return first<ClashRow>(
    ex,
    sql`SELECT s.uid, s.starts_at AS "startsAt", s.ends_at AS "endsAt", r.data::json ->> 'origin' AS origin
        FROM appointment_spans s JOIN rows r ON r.clinic_id = s.clinic_id AND r.entity = 'appointment' AND r.uid = s.uid
        WHERE s.clinic_id = ${clinicId} AND ${column} = ${who} AND s.uid <> ${uid}
          AND ${overlapping('s', sql`${startsAt}::bigint`, sql`${endsAt}::bigint`, sql`${earliestStart(startsAt)}::bigint`)} AND s.status IN (${ACTIVE})
        ORDER BY s.starts_at LIMIT 1`,
  );
}

export interface Overlap {
  kind: 'practitioner' | 'room';
  a: string;
  b: string;
}

/** Every pair of active appointments of the clinic that overlap (for tests and checks: always empty). */
export async function findOverlaps(ex: Executor, clinicId: number): Promise<Overlap[]> {
  return scoped(ex, clinicId, (trx) => overlapsIn(trx, clinicId));
}

async function overlapsIn(ex: Executor, clinicId: number): Promise<Overlap[]> {
  const pairs = async (kind: 'practitioner' | 'room') =>
    (
      await all<{ a: string; b: string }>(
        ex,
        sql`SELECT a.uid AS a, b.uid AS b FROM appointment_spans a JOIN appointment_spans b
              ON a.clinic_id = b.clinic_id AND ${sql.ref(`a.${kind}_uid`)} = ${sql.ref(`b.${kind}_uid`)} AND a.uid < b.uid
              AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            WHERE a.clinic_id = ${clinicId} AND a.status IN (${ACTIVE}) AND b.status IN (${ACTIVE})`,
      )
    ).map((pair) => ({ kind, ...pair }));
  return [...(await pairs('practitioner')), ...(await pairs('room'))];
}

// --- idempotency records ---

export async function storeResult(ex: Executor, clinicId: number, mutationId: string, fingerprint: string, result: string, clientId: string, at: number) {
  await sql`INSERT INTO mutations (clinic_id, mutation_id, fingerprint, result, client_id, at)
    VALUES (${clinicId}, ${mutationId}, ${fingerprint}, ${result}, ${clientId}, ${at})`.execute(ex);
}

export async function savepoint(ex: Executor, action: 'SAVEPOINT' | 'RELEASE SAVEPOINT' | 'ROLLBACK TO SAVEPOINT'): Promise<void> {
  await sql`${sql.raw(action)} mutation`.execute(ex);
}

// --- the change feed ---

export interface ChangeRow {
  entity: string;
  uid: string;
  version: number;
  deleted: boolean;
  data: string | null;
  seq: number;
}

export async function changesAfter(
  ex: Executor,
  clinicId: number,
  seq: number,
  snapshot: number,
  limit: number,
  hidden: readonly SyncEntity[],
): Promise<ChangeRow[]> {
  // Entity names come from the schema's enum, never from a request.
  const notHidden = hidden.length === 0 ? sql`` : sql`AND entity NOT IN (${sql.join(hidden.map((entity) => sql.lit(syncEntity.parse(entity))))})`;
  return all<ChangeRow>(
    ex,
    sql`SELECT entity, uid, version, deleted, data, seq FROM rows
        WHERE clinic_id = ${clinicId} AND seq > ${seq} AND (NOT deleted OR seq > ${snapshot}) ${notHidden}
        ORDER BY seq LIMIT ${limit}`,
  );
}

/** Purges the clinic's tombstones up to `cut` (the caller holds the clinic lock); the new horizon, or null if none. */
export async function purgeTombstones(ex: Executor, clinicId: number, cut: number): Promise<{ purged: number; horizon: number } | null> {
  const last = await first<{ seq: number | null; version: number | null }>(
    ex,
    sql`SELECT max(seq) AS seq, max(version) AS version FROM rows WHERE clinic_id = ${clinicId} AND deleted AND seq <= ${cut}`,
  );
  if (!last || last.seq === null) return null;
  const { numAffectedRows } = await sql`DELETE FROM rows WHERE clinic_id = ${clinicId} AND deleted AND seq <= ${last.seq}`.execute(ex);
  await sql`UPDATE clinics SET horizon = ${last.seq}, purged_version = greatest(purged_version, ${last.version}) WHERE id = ${clinicId}`.execute(ex);
  return { purged: Number(numAffectedRows ?? 0), horizon: last.seq };
}

// --- join codes and desk tokens ---

export async function insertJoinCode(ex: Executor, clinicId: number, codeHash: Buffer, createdBy: string, createdAt: number, expiresAt: number) {
  await scoped(ex, clinicId, (trx) =>
    sql`INSERT INTO join_codes (code_hash, clinic_id, created_by, created_at, expires_at)
      VALUES (${codeHash}, ${clinicId}, ${createdBy}, ${createdAt}, ${expiresAt})`.execute(trx),
  );
}

/**
 * Marks the code used if it is good; its clinic, or undefined. One statement: of two
 * redemptions at once, one wins. The code names its clinic: the caller is on the admin path.
 */
export async function useJoinCode(ex: Executor, codeHash: Buffer, now: number): Promise<number | undefined> {
  const row = await first<{ clinicId: number }>(
    ex,
    sql`UPDATE join_codes SET used_at = ${now} WHERE code_hash = ${codeHash} AND used_at IS NULL AND expires_at > ${now} RETURNING clinic_id AS "clinicId"`,
  );
  return row?.clinicId;
}

export async function insertDeskToken(ex: Executor, clinicId: number, tokenHash: Buffer, deskName: string, now: number): Promise<void> {
  await sql`INSERT INTO desk_tokens (token_hash, clinic_id, desk_name, created_at) VALUES (${tokenHash}, ${clinicId}, ${deskName}, ${now})`.execute(ex);
}

/** A statement written by hand, for tests and checks (never from a request), on the admin path: $1… are bound, never spliced. */
export async function runStatement<T>(ex: Executor, text: string, params: readonly unknown[]): Promise<T[]> {
  return admin(ex, async (trx) => (await trx.executeQuery<T>(CompiledQuery.raw(text, [...params]))).rows);
}

// --- health ---

/** One round trip to the database (the health check). */
export async function ping(ex: Executor): Promise<void> {
  await sql`SELECT 1`.execute(ex);
}
