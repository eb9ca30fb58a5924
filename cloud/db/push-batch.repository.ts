import { sql } from 'kysely';
import { activeAppointmentStatuses, type SyncEntity } from '../../shared/sync/cloud-api';
import { PREPARED, type Executor } from './cloud-db';
import { earliestStart, overlapping, type Span, type StoredRow } from './cloud.repository';
import { notifyBumped } from './notify.repository';

const ACTIVE = sql.join(activeAppointmentStatuses.map((status) => sql.lit(status)));

/**
 * The batch push's two statements: everything a batch must know, read at once under the
 * clinic's lock, and everything it writes, in one statement (data-modifying CTEs over
 * arrays). A push of 500 costs the same few round trips as a push of one.
 */

export interface BatchQuestion {
  mutationIds: string[];
  /** Every row the batch writes or refers to. */
  rows: Array<[SyncEntity, string]>;
  /** Rows the batch deletes: who refers to them. */
  deleted: Array<[SyncEntity, string]>;
  /** Usernames the batch gives staff accounts. */
  usernames: string[];
  /** The batch's active appointments: what may be in their way. */
  spans: Span[];
}

export interface BatchFacts {
  stored: Array<{ mutationId: string; fingerprint: string; result: string }>;
  /** With, for a live staff account, its username as the database lowers it. */
  rows: Array<StoredRow & { username: string | null }>;
  referrers: Array<{ fromEntity: string; fromUid: string; toEntity: string; toUid: string }>;
  /** Each username of the question, as the database lowers it (its collation decides, not JavaScript). */
  usernames: Array<{ name: string; lower: string }>;
  /** Live staff accounts holding one of those usernames. */
  holders: Array<{ uid: string; username: string }>;
  /** Active appointments overlapping one of the question's spans by practitioner or by room. */
  spans: Array<Span & { origin: string | null }>;
}

const split = (pairs: Array<[SyncEntity, string]>) => [pairs.map(([entity]) => entity), pairs.map(([, uid]) => uid)] as const;

/**
 * The times each practitioner (or room) of the batch is asked for, overlapping ones merged:
 * a batch of a day's appointments asks the index a few times, not once per appointment.
 */
function windows(spans: Array<{ who: string; startsAt: number; endsAt: number }>) {
  const merged: typeof spans = [];
  const sorted = [...spans].sort((a, b) => (a.who === b.who ? a.startsAt - b.startsAt : a.who < b.who ? -1 : 1));
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && last.who === span.who && span.startsAt <= last.endsAt) last.endsAt = Math.max(last.endsAt, span.endsAt);
    else merged.push({ ...span });
  }
  return {
    who: merged.map((w) => w.who),
    startsAt: merged.map((w) => w.startsAt),
    endsAt: merged.map((w) => w.endsAt),
    earliest: merged.map((w) => earliestStart(w.startsAt)),
  };
}

export async function batchFacts(ex: Executor, clinicId: number, q: BatchQuestion): Promise<BatchFacts> {
  const [entities, uids] = split(q.rows);
  const [deletedEntities, deletedUids] = split(q.deleted);
  const practitioners = windows(q.spans.map((span) => ({ who: span.practitionerUid, startsAt: span.startsAt, endsAt: span.endsAt })));
  const rooms = windows(q.spans.flatMap((span) => (span.roomUid === null ? [] : [{ who: span.roomUid, startsAt: span.startsAt, endsAt: span.endsAt }])));
  const lowered = sql`(SELECT lower(n) FROM unnest(${q.usernames}::text[]) AS n)`;
  const { rows } = await sql<BatchFacts>`${sql.raw(PREPARED)}SELECT
      (SELECT coalesce(json_agg(json_build_object('mutationId', mutation_id, 'fingerprint', fingerprint, 'result', result)), '[]'::json)
        FROM mutations WHERE clinic_id = ${clinicId} AND mutation_id = ANY(${q.mutationIds}::text[])) AS stored,
      (SELECT coalesce(json_agg(json_build_object('entity', entity, 'uid', uid, 'version', version, 'deleted', deleted, 'data', data,
          'username', CASE WHEN entity = 'staff' AND NOT deleted THEN lower(data::json ->> 'username') END)), '[]'::json)
        FROM rows WHERE clinic_id = ${clinicId} AND (entity, uid) IN (SELECT * FROM unnest(${entities}::text[], ${uids}::text[]))) AS rows,
      (SELECT coalesce(json_agg(json_build_object('fromEntity', from_entity, 'fromUid', from_uid, 'toEntity', to_entity, 'toUid', to_uid)), '[]'::json)
        FROM refs WHERE clinic_id = ${clinicId}
          AND (to_entity, to_uid) IN (SELECT * FROM unnest(${deletedEntities}::text[], ${deletedUids}::text[]))) AS referrers,
      (SELECT coalesce(json_agg(json_build_object('name', n, 'lower', lower(n))), '[]'::json) FROM unnest(${q.usernames}::text[]) AS n) AS usernames,
      (SELECT coalesce(json_agg(json_build_object('uid', uid, 'username', lower(data::json ->> 'username'))), '[]'::json)
        FROM rows WHERE clinic_id = ${clinicId} AND entity = 'staff' AND NOT deleted
          AND lower(data::json ->> 'username') IN ${lowered}) AS holders,
      (SELECT coalesce(json_agg(json_build_object('uid', s.uid, 'practitionerUid', s.practitioner_uid, 'roomUid', s.room_uid,
          'startsAt', s.starts_at, 'endsAt', s.ends_at, 'status', s.status,
          -- A subquery per clash, not a join: a join was planned as a hash over the clinic's every appointment row.
          'origin', (SELECT r.data::json ->> 'origin' FROM rows r WHERE r.clinic_id = ${clinicId} AND r.entity = 'appointment' AND r.uid = s.uid))), '[]'::json)
        FROM (
          SELECT o.* FROM unnest(${practitioners.who}::text[], ${practitioners.startsAt}::bigint[], ${practitioners.endsAt}::bigint[], ${practitioners.earliest}::bigint[])
              AS b(who, starts_at, ends_at, earliest)
            CROSS JOIN LATERAL (SELECT o.uid, o.practitioner_uid, o.room_uid, o.starts_at, o.ends_at, o.status FROM appointment_spans o
              WHERE o.clinic_id = ${clinicId} AND o.practitioner_uid = b.who
              AND ${overlapping('o', sql`b.starts_at`, sql`b.ends_at`, sql`b.earliest`)} AND o.status IN (${ACTIVE})) AS o
          UNION
          SELECT o.* FROM unnest(${rooms.who}::text[], ${rooms.startsAt}::bigint[], ${rooms.endsAt}::bigint[], ${rooms.earliest}::bigint[])
              AS b(who, starts_at, ends_at, earliest)
            CROSS JOIN LATERAL (SELECT o.uid, o.practitioner_uid, o.room_uid, o.starts_at, o.ends_at, o.status FROM appointment_spans o
              WHERE o.clinic_id = ${clinicId} AND o.room_uid = b.who
              AND ${overlapping('o', sql`b.starts_at`, sql`b.ends_at`, sql`b.earliest`)} AND o.status IN (${ACTIVE}) AND o.room_uid IS NOT NULL) AS o) AS s) AS spans`.execute(
    ex,
  );
  return rows[0]!;
}

export interface BatchWrite {
  /** Each row once, at its last state in the batch (null data: a tombstone). */
  rows: Array<{ entity: SyncEntity; uid: string; version: number; data: string | null; seq: number; updatedBy: string; updatedAt: number }>;
  /** The rows that were there before the batch (their references no longer made are dropped). */
  replaced: Array<[SyncEntity, string]>;
  /** The references of those rows, all of them (the others are dropped). */
  refs: Array<{ fromEntity: SyncEntity; fromUid: string; toEntity: SyncEntity; toUid: string }>;
  /** Appointment spans at their last state, and the uids of deleted appointments whose spans go. */
  spans: Span[];
  freedSpans: string[];
  records: Array<{ mutationId: string; fingerprint: string; result: string; clientId: string; at: number }>;
  lastSeq: number;
}

/**
 * One statement, all or nothing; a batch that moved the clinic's last seq also notifies the
 * servers' event streams (delivered at commit). The rows are written in one pass, so a batch that swaps two
 * appointments' times (or two accounts' usernames) can trip the exclusion constraint (or the
 * unique index) midway although its end state is fine: the caller then runs the batch again
 * one mutation at a time.
 */
export async function writeBatch(ex: Executor, clinicId: number, w: BatchWrite): Promise<void> {
  const col = <T, K extends keyof T>(items: T[], key: K) => items.map((item) => item[key]);
  const { rows, refs, spans } = w;
  // Only rows that were there before the batch can have references to drop: a batch of new rows skips the statement.
  const droppedRefs =
    w.replaced.length === 0
      ? sql``
      : sql`dropped_refs AS (
      DELETE FROM refs r USING unnest(${col(w.replaced, 0)}::text[], ${col(w.replaced, 1)}::text[]) AS w(entity, uid)
      WHERE r.clinic_id = ${clinicId} AND r.from_entity = w.entity AND r.from_uid = w.uid
        AND (r.from_entity, r.from_uid, r.to_entity, r.to_uid) NOT IN (
          SELECT * FROM unnest(${col(refs, 'fromEntity')}::text[], ${col(refs, 'fromUid')}::text[], ${col(refs, 'toEntity')}::text[], ${col(refs, 'toUid')}::text[]))
      RETURNING 1),`;
  await sql`${sql.raw(PREPARED)}WITH
    written AS (
      INSERT INTO rows (clinic_id, entity, uid, version, deleted, data, seq, updated_by, updated_at)
      SELECT ${clinicId}, w.entity, w.uid, w.version, w.data IS NULL, w.data, w.seq, w.updated_by, w.updated_at
        FROM unnest(${col(rows, 'entity')}::text[], ${col(rows, 'uid')}::text[], ${col(rows, 'version')}::bigint[], ${col(rows, 'data')}::text[],
          ${col(rows, 'seq')}::bigint[], ${col(rows, 'updatedBy')}::text[], ${col(rows, 'updatedAt')}::bigint[])
          AS w(entity, uid, version, data, seq, updated_by, updated_at)
      ON CONFLICT (clinic_id, entity, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, data = excluded.data,
        seq = excluded.seq, updated_by = excluded.updated_by, updated_at = excluded.updated_at
      RETURNING 1),
    ${droppedRefs}
    made_refs AS (
      INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid)
      SELECT ${clinicId}, * FROM unnest(${col(refs, 'fromEntity')}::text[], ${col(refs, 'fromUid')}::text[], ${col(refs, 'toEntity')}::text[],
        ${col(refs, 'toUid')}::text[])
      ON CONFLICT DO NOTHING
      RETURNING 1),
    held_spans AS (
      INSERT INTO appointment_spans (clinic_id, uid, practitioner_uid, room_uid, starts_at, ends_at, status)
      SELECT ${clinicId}, * FROM unnest(${col(spans, 'uid')}::text[], ${col(spans, 'practitionerUid')}::text[], ${col(spans, 'roomUid')}::text[],
        ${col(spans, 'startsAt')}::bigint[], ${col(spans, 'endsAt')}::bigint[], ${col(spans, 'status')}::text[])
      ON CONFLICT (clinic_id, uid) DO UPDATE SET practitioner_uid = excluded.practitioner_uid, room_uid = excluded.room_uid,
        starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status
      RETURNING 1),
    freed_spans AS (
      DELETE FROM appointment_spans WHERE clinic_id = ${clinicId} AND uid = ANY(${w.freedSpans}::text[])
      RETURNING 1),
    recorded AS (
      INSERT INTO mutations (clinic_id, mutation_id, fingerprint, result, client_id, at)
      SELECT ${clinicId}, * FROM unnest(${col(w.records, 'mutationId')}::text[], ${col(w.records, 'fingerprint')}::text[],
        ${col(w.records, 'result')}::text[], ${col(w.records, 'clientId')}::text[], ${col(w.records, 'at')}::bigint[])
      RETURNING 1),
    bumped AS (
      UPDATE clinics SET last_seq = ${w.lastSeq} WHERE id = ${clinicId} AND last_seq < ${w.lastSeq}
      RETURNING id, last_seq)
    ${notifyBumped()}`.execute(ex);
}
