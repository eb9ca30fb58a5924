import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The reports' SQL: aggregates over one range of appointments (by `starts_at`, which for a
 * walk-in is when they arrived), optionally only those one member of staff booked. The
 * statements are exported as text so the benchmark can time the plain SQL beside the report.
 *
 * Every statement scans the range once in `appointments_for_reports` (0017), which covers it; percentiles come back as
 * per-minute histograms, not as rows, so a year stays a few thousand rows however busy.
 */

/** From, to (exclusive), and twice the staff id whose bookings alone count, or null: `rangeParameters`. */
const RANGE = `a.starts_at >= ? AND a.starts_at < ? AND (? IS NULL OR a.created_by = ?)`;

/** Minutes an appointment holds of its practitioner's time: cancelled and no-show ones freed it, a walk-in never called had none. */
const HELD_MS = `CASE WHEN a.status IN ('cancelled', 'no_show') OR (a.is_walk_in = 1 AND a.called_at IS NULL) THEN 0 ELSE a.ends_at - a.starts_at END`;

/**
 * The counts per period, practitioner and specialty, in one pass: the periods come as
 * `(idx, lo, hi)` triples, then now (a booked appointment counts towards the no-show rate
 * once it was due), then the range. The service adds them up by practitioner, specialty
 * and period, which costs nothing beside a second scan.
 */
export function countsSql(buckets: number): string {
  const values = Array.from({ length: buckets }, () => '(?, ?, ?)').join(', ');
  return `
WITH bucket (idx, lo, hi) AS (VALUES ${values})
SELECT bucket.idx AS idx, a.practitioner_id AS practitionerId, a.specialty_id AS specialtyId,
  sum(a.is_walk_in = 0) AS booked,
  sum(a.status IN ('in_consultation', 'done')) AS attended,
  sum(a.status = 'cancelled') AS cancelled,
  sum(CASE WHEN a.status = 'cancelled' THEN EXISTS (
    SELECT 1 FROM audit_log AS l WHERE l.action = 'appointments.cancel' AND l.entity_id = a.id AND l.entity = 'appointment'
  ) ELSE 0 END) AS cancelledAtDesk,
  sum(a.status = 'no_show') AS noShows,
  sum(a.is_walk_in = 0 AND a.status <> 'cancelled' AND a.starts_at < ?) AS due,
  sum(a.is_walk_in = 1) AS walkIns,
  sum(a.status = 'left_unseen') AS leftUnseen,
  sum(${HELD_MS}) AS heldMs
FROM bucket JOIN appointments AS a ON a.starts_at >= bucket.lo AND a.starts_at < bucket.hi
WHERE ${RANGE}
GROUP BY bucket.idx, a.practitioner_id, a.specialty_id`;
}

/**
 * Whole minutes from check-in to the (latest) call, as a histogram. The `+` keeps the
 * planner off `appointments_by_practitioner`: walking it in group order reads every year.
 */
export const WAIT_SQL = `
SELECT a.practitioner_id AS practitionerId, a.specialty_id AS specialtyId, (a.called_at - a.checked_in_at + 30000) / 60000 AS minute, count(*) AS n
FROM appointments AS a
WHERE ${RANGE} AND a.checked_in_at IS NOT NULL AND a.called_at >= a.checked_in_at
GROUP BY +a.practitioner_id, a.specialty_id, minute`;

/** Whole minutes from the start of a finished consultation to its end, as a histogram. */
export const CONSULTATION_SQL = `
SELECT a.practitioner_id AS practitionerId, a.specialty_id AS specialtyId, (a.finished_at - a.started_at + 30000) / 60000 AS minute, count(*) AS n
FROM appointments AS a
WHERE ${RANGE} AND a.status = 'done' AND a.started_at IS NOT NULL AND a.finished_at >= a.started_at
GROUP BY +a.practitioner_id, a.specialty_id, minute`;

export interface CountsRow {
  idx: number;
  practitionerId: number;
  specialtyId: number;
  booked: number;
  attended: number;
  cancelled: number;
  cancelledAtDesk: number;
  noShows: number;
  due: number;
  walkIns: number;
  leftUnseen: number;
  heldMs: number;
}

export interface HistogramRow {
  practitionerId: number;
  specialtyId: number;
  minute: number;
  n: number;
}

export interface ReportRange {
  startsAt: number;
  endsAt: number;
  /** Only the appointments this member of staff booked; null for everyone's. */
  createdBy: number | null;
}

async function rows<Row>(db: Kysely<Database>, text: string, parameters: unknown[]): Promise<Row[]> {
  return (await db.executeQuery<Row>(CompiledQuery.raw(text, parameters))).rows;
}

export function rangeParameters(range: ReportRange): unknown[] {
  return [range.startsAt, range.endsAt, range.createdBy, range.createdBy];
}

export function countsParameters(range: ReportRange, buckets: ReadonlyArray<{ startsAt: number; endsAt: number }>, now: number): unknown[] {
  return [...buckets.flatMap((bucket, idx) => [idx, bucket.startsAt, bucket.endsAt]), now, ...rangeParameters(range)];
}

export function reportCounts(
  db: Kysely<Database>,
  range: ReportRange,
  buckets: ReadonlyArray<{ startsAt: number; endsAt: number }>,
  now: number,
): Promise<CountsRow[]> {
  if (buckets.length === 0) return Promise.resolve([]);
  return rows(db, countsSql(buckets.length), countsParameters(range, buckets, now));
}

export function reportWaits(db: Kysely<Database>, range: ReportRange): Promise<HistogramRow[]> {
  return rows(db, WAIT_SQL, rangeParameters(range));
}

export function reportConsultations(db: Kysely<Database>, range: ReportRange): Promise<HistogramRow[]> {
  return rows(db, CONSULTATION_SQL, rangeParameters(range));
}

/** Who works when: every practitioner (active or not: a past range may name someone since retired) with their weekly hours. */
export async function practitionersWithHours(db: Kysely<Database>) {
  const [practitioners, hours] = await Promise.all([
    db.selectFrom('practitioners').select(['id', 'full_name', 'is_active']).orderBy('full_name').orderBy('id').execute(),
    db.selectFrom('working_hours').select(['practitioner_id', 'weekday', 'start_minute', 'end_minute']).execute(),
  ]);
  return { practitioners, hours };
}

export function timeOffOverlapping(db: Kysely<Database>, startsAt: number, endsAt: number) {
  return db
    .selectFrom('time_off')
    .select(['practitioner_id', 'starts_at', 'ends_at'])
    .where('starts_at', '<', endsAt)
    .where('ends_at', '>', startsAt)
    .orderBy('starts_at')
    .execute();
}

export function allSpecialtyNames(db: Kysely<Database>) {
  return db.selectFrom('specialties').select(['id', 'name_en', 'name_pt']).execute();
}
