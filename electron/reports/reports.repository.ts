import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The reports' SQL: aggregates over one range of appointments (by `starts_at`, which for a
 * walk-in is when they arrived), optionally only those one member of staff booked. The
 * statements are exported as text so the benchmark can time the plain SQL beside the report.
 *
 * Each walks practitioners × specialties (CROSS JOIN keeps that order) and seeks each pair's
 * range in `appointments_for_reports` (0017), which holds every column read: the rows come
 * out in group order, so SQLite aggregates as it goes instead of sorting a year of rows
 * first (half the time). Percentiles come back as per-minute histograms, not as rows.
 */

const FROM = `practitioners AS p CROSS JOIN specialties AS s CROSS JOIN appointments AS a`;

/** From, to (exclusive), and twice the staff id whose bookings alone count, or null: `rangeParameters`. */
const RANGE = `a.practitioner_id = p.id AND a.specialty_id = s.id
  AND a.starts_at >= ? AND a.starts_at < ? AND (? IS NULL OR a.created_by = ?)`;

/** Minutes an appointment holds of its practitioner's time: cancelled and no-show ones freed it, a walk-in never called had none. */
const HELD_MS = `CASE WHEN a.status IN ('cancelled', 'no_show') OR (a.is_walk_in = 1 AND a.called_at IS NULL) THEN 0 ELSE a.ends_at - a.starts_at END`;

/**
 * The counts per practitioner and specialty. Now comes first, then the range: a booked
 * appointment counts towards the no-show rate once it was due.
 */
export const COUNTS_SQL = `
SELECT p.id AS practitionerId, s.id AS specialtyId,
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
FROM ${FROM}
WHERE ${RANGE}
GROUP BY p.id, s.id`;

/**
 * The counts per period, one aggregate per period joined by UNION ALL (a chart has at most
 * 31): none needs a GROUP BY, so none sorts. Each period's parameters are its index, then
 * its range.
 */
export function seriesSql(buckets: number): string {
  const one = `SELECT ? AS idx,
  sum(a.is_walk_in = 0) AS booked,
  sum(a.status IN ('in_consultation', 'done')) AS attended,
  sum(a.status = 'cancelled') AS cancelled,
  sum(a.status = 'no_show') AS noShows,
  sum(a.is_walk_in = 1) AS walkIns
FROM ${FROM}
WHERE ${RANGE}`;
  return Array.from({ length: buckets }, () => one).join('\nUNION ALL\n');
}

/** Whole minutes from check-in to the (latest) call, as a histogram. */
export const WAIT_SQL = `
SELECT p.id AS practitionerId, s.id AS specialtyId, (a.called_at - a.checked_in_at + 30000) / 60000 AS minute, count(*) AS n
FROM ${FROM}
WHERE ${RANGE} AND a.checked_in_at IS NOT NULL AND a.called_at >= a.checked_in_at
GROUP BY p.id, s.id, minute`;

/** Whole minutes from the start of a finished consultation to its end, as a histogram. */
export const CONSULTATION_SQL = `
SELECT p.id AS practitionerId, s.id AS specialtyId, (a.finished_at - a.started_at + 30000) / 60000 AS minute, count(*) AS n
FROM ${FROM}
WHERE ${RANGE} AND a.status = 'done' AND a.started_at IS NOT NULL AND a.finished_at >= a.started_at
GROUP BY p.id, s.id, minute`;

export interface CountsRow {
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

export interface SeriesRow {
  idx: number;
  booked: number;
  attended: number;
  cancelled: number;
  noShows: number;
  walkIns: number;
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

export function seriesParameters(range: ReportRange, buckets: ReadonlyArray<{ startsAt: number; endsAt: number }>): unknown[] {
  return buckets.flatMap((bucket, idx) => [idx, ...rangeParameters({ ...range, startsAt: bucket.startsAt, endsAt: bucket.endsAt })]);
}

export function reportCounts(db: Kysely<Database>, range: ReportRange, now: number): Promise<CountsRow[]> {
  return rows(db, COUNTS_SQL, [now, ...rangeParameters(range)]);
}

export function reportSeries(db: Kysely<Database>, range: ReportRange, buckets: ReadonlyArray<{ startsAt: number; endsAt: number }>): Promise<SeriesRow[]> {
  if (buckets.length === 0) return Promise.resolve([]);
  return rows(db, seriesSql(buckets.length), seriesParameters(range, buckets));
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
