import { sql } from 'kysely';
import { activeAppointmentStatuses, type SyncEntity } from '../../shared/sync/cloud-api';
import type { Executor } from './cloud-db';
import { earliestStart, overlapping, type ClashRow, type Span, type StoredRow } from './cloud.repository';

const ACTIVE = sql.join(activeAppointmentStatuses.map((status) => sql.lit(status)));

/**
 * The push's two statements per mutation: everything it must know, read at once, and
 * everything it writes, in one statement (data-modifying CTEs). Fewer round trips while the
 * clinic's lock is held is what a clinic's push throughput is made of.
 */

export interface MutationFacts {
  stored: { fingerprint: string; result: string } | null;
  current: StoredRow | null;
  /** `entity:uid` of the referenced rows that are live. */
  live: string[];
  /** Another live staff account with this username (case aside). */
  usernameHolder: string | null;
  /** A live row referring to this one. */
  referrer: { entity: string; uid: string } | null;
  /** The first active appointment in the way of `span`, by practitioner and by room. */
  practitionerClash: ClashRow | null;
  roomClash: ClashRow | null;
}

/** One clash, as JSON, of `span` with an active appointment of the same practitioner (or room). */
function clashOf(clinicId: number, column: 'practitioner_uid' | 'room_uid', who: string | null, span: Span | null) {
  return sql`(SELECT json_build_object('uid', s.uid, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'origin', r.data::json ->> 'origin')
      FROM appointment_spans s JOIN rows r ON r.clinic_id = s.clinic_id AND r.entity = 'appointment' AND r.uid = s.uid
      WHERE ${who}::text IS NOT NULL AND s.clinic_id = ${clinicId} AND ${sql.ref(`s.${column}`)} = ${who}::text AND s.uid <> ${span?.uid ?? ''}
        AND ${overlapping('s', sql`${span?.startsAt ?? 0}::bigint`, sql`${span?.endsAt ?? 1}::bigint`, sql`${earliestStart(span?.startsAt ?? 0)}::bigint`)}
        AND s.status IN (${ACTIVE})
      ORDER BY s.starts_at LIMIT 1)`;
}

const split = (refs: Array<[SyncEntity, string]>) => [refs.map(([entity]) => entity), refs.map(([, uid]) => uid)] as const;

export async function mutationFacts(
  ex: Executor,
  clinicId: number,
  m: { mutationId: string; entity: SyncEntity; uid: string; refs: Array<[SyncEntity, string]>; username: string | null; activeSpan: Span | null },
): Promise<MutationFacts> {
  const span = m.activeSpan;
  const [entities, uids] = split(m.refs);
  const { rows } = await sql<MutationFacts>`SELECT
      (SELECT json_build_object('fingerprint', fingerprint, 'result', result) FROM mutations
        WHERE clinic_id = ${clinicId} AND mutation_id = ${m.mutationId}) AS stored,
      (SELECT json_build_object('entity', entity, 'uid', uid, 'version', version, 'deleted', deleted, 'data', data) FROM rows
        WHERE clinic_id = ${clinicId} AND entity = ${m.entity} AND uid = ${m.uid}) AS current,
      (SELECT coalesce(json_agg(entity || ':' || uid), '[]'::json) FROM rows
        WHERE clinic_id = ${clinicId} AND NOT deleted AND (entity, uid) IN (SELECT * FROM unnest(${entities}::text[], ${uids}::text[]))) AS live,
      (SELECT uid FROM rows WHERE ${m.username}::text IS NOT NULL AND clinic_id = ${clinicId} AND entity = 'staff' AND NOT deleted
        AND uid <> ${m.uid} AND lower(data::json ->> 'username') = lower(${m.username}::text) LIMIT 1) AS "usernameHolder",
      (SELECT json_build_object('entity', from_entity, 'uid', from_uid) FROM refs
        WHERE clinic_id = ${clinicId} AND to_entity = ${m.entity} AND to_uid = ${m.uid} LIMIT 1) AS referrer,
      ${clashOf(clinicId, 'practitioner_uid', span?.practitionerUid ?? null, span)} AS "practitionerClash",
      ${clashOf(clinicId, 'room_uid', span?.roomUid ?? null, span)} AS "roomClash"`.execute(ex);
  return rows[0]!;
}

export interface Change {
  entity: SyncEntity;
  uid: string;
  version: number;
  /** null: a tombstone. */
  data: string | null;
  seq: number;
  updatedBy: string;
  updatedAt: number;
  refs: Array<[SyncEntity, string]>;
  /** An appointment's span to hold; null with `dropSpan` to free it. */
  span: Span | null;
  dropSpan: boolean;
  record: { mutationId: string; fingerprint: string; result: string };
}

/**
 * The row at its new version, its references (those no longer made are dropped), its span,
 * and the mutation's idempotency record: one statement, all or nothing. A span that overlaps
 * another fails it with the exclusion constraint's 23P01.
 */
export async function writeChange(ex: Executor, clinicId: number, c: Change): Promise<void> {
  const [entities, uids] = split(c.refs);
  const span = c.span;
  await sql`WITH
    written AS (
      INSERT INTO rows (clinic_id, entity, uid, version, deleted, data, seq, updated_by, updated_at)
      VALUES (${clinicId}, ${c.entity}, ${c.uid}, ${c.version}, ${c.data === null}, ${c.data}, ${c.seq}, ${c.updatedBy}, ${c.updatedAt})
      ON CONFLICT (clinic_id, entity, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, data = excluded.data,
        seq = excluded.seq, updated_by = excluded.updated_by, updated_at = excluded.updated_at
      RETURNING 1),
    dropped_refs AS (
      DELETE FROM refs WHERE clinic_id = ${clinicId} AND from_entity = ${c.entity} AND from_uid = ${c.uid}
        AND (to_entity, to_uid) NOT IN (SELECT * FROM unnest(${entities}::text[], ${uids}::text[]))
      RETURNING 1),
    made_refs AS (
      INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid)
      SELECT ${clinicId}, ${c.entity}, ${c.uid}, t.entity, t.uid FROM unnest(${entities}::text[], ${uids}::text[]) AS t(entity, uid)
      ON CONFLICT DO NOTHING
      RETURNING 1),
    held_span AS (
      INSERT INTO appointment_spans (clinic_id, uid, practitioner_uid, room_uid, starts_at, ends_at, status)
      SELECT ${clinicId}, ${c.uid}, ${span?.practitionerUid ?? null}::text, ${span?.roomUid ?? null}::text,
        ${span?.startsAt ?? null}::bigint, ${span?.endsAt ?? null}::bigint, ${span?.status ?? null}::text
      WHERE ${span !== null}
      ON CONFLICT (clinic_id, uid) DO UPDATE SET practitioner_uid = excluded.practitioner_uid, room_uid = excluded.room_uid,
        starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status
      RETURNING 1),
    freed_span AS (
      DELETE FROM appointment_spans WHERE ${c.dropSpan} AND clinic_id = ${clinicId} AND uid = ${c.uid}
      RETURNING 1),
    recorded AS (
      INSERT INTO mutations (clinic_id, mutation_id, fingerprint, result, client_id, at)
      VALUES (${clinicId}, ${c.record.mutationId}, ${c.record.fingerprint}, ${c.record.result}, ${c.updatedBy}, ${c.updatedAt})
      RETURNING 1)
    SELECT 1`.execute(ex);
}
