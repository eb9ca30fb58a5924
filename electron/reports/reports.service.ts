import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Report, ReportFigures, ReportPeriod, ReportQuery, Utilisation } from '../../shared/reports/reports.contract';
import { addToHistogram, bucketSizeFor, daysOf, lengthOutside, reportBuckets, summarise, type MinuteHistogram } from '../../shared/reports/report-math';
import { dayBounds, dayOf, isoWeekday, mergeIntervals, wallRangeToIntervals, type Interval } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import { listHolidayRows } from '../holidays/holidays.repository';
import type { RequestContext } from '../rpc/context';
import {
  allSpecialtyNames,
  practitionersWithHours,
  reportConsultations,
  reportCounts,
  reportSeries,
  reportWaits,
  timeOffOverlapping,
  type CountsRow,
  type HistogramRow,
  type ReportRange,
} from './reports.repository';

/** A period as the methods take it, as the service computes it: `'mine'` is today's own bookings. */
export function queryOf(period: ReportPeriod, req: RequestContext): ReportQuery {
  if (period !== 'mine') return { ...period, scope: 'clinic' };
  const today = dayOf(req.settings.timeZone, req.now);
  return { from: today, to: today, scope: 'mine' };
}

/**
 * Admins read the clinic's figures for any range. A receptionist reads only their own day:
 * today's appointments they booked themselves (`created_by`), the one thing the data says
 * is theirs; anything wider is refused, not quietly narrowed.
 */
export function assertMayRead(actor: Actor, query: ReportQuery, today: string): void {
  if (actor.role === 'admin') return;
  if (query.scope === 'mine' && query.from === today && query.to === today && actor.staffId !== null) return;
  throw new AppError('FORBIDDEN', 'A receptionist sees only their own figures, for today.', { reason: 'NOT_YOUR_REPORT' });
}

interface Tally {
  booked: number;
  attended: number;
  cancelled: number;
  cancelledAtDesk: number;
  noShows: number;
  due: number;
  walkIns: number;
  leftUnseen: number;
  heldMs: number;
  waits: MinuteHistogram;
  consultations: MinuteHistogram;
}

const emptyTally = (): Tally => ({
  booked: 0,
  attended: 0,
  cancelled: 0,
  cancelledAtDesk: 0,
  noShows: 0,
  due: 0,
  walkIns: 0,
  leftUnseen: 0,
  heldMs: 0,
  waits: new Map(),
  consultations: new Map(),
});

const COUNTS = ['booked', 'attended', 'cancelled', 'cancelledAtDesk', 'noShows', 'due', 'walkIns', 'leftUnseen', 'heldMs'] as const;

function addCounts(tally: Tally, row: CountsRow): void {
  for (const key of COUNTS) tally[key] += Number(row[key] ?? 0);
}

function figuresOf(tally: Tally): ReportFigures {
  return {
    booked: tally.booked,
    attended: tally.attended,
    cancelled: tally.cancelled,
    cancelledAtDesk: tally.cancelledAtDesk,
    cancelledElsewhere: tally.cancelled - tally.cancelledAtDesk,
    noShows: tally.noShows,
    noShowRate: tally.due === 0 ? null : tally.noShows / tally.due,
    walkIns: tally.walkIns,
    leftUnseen: tally.leftUnseen,
    waitMinutes: summarise(tally.waits),
    consultationMinutes: summarise(tally.consultations),
  };
}

function utilisationOf(heldMs: number, workingMs: number): Utilisation {
  const bookedMinutes = Math.round(heldMs / MINUTE_MS);
  const workingMinutes = Math.round(workingMs / MINUTE_MS);
  return { bookedMinutes, workingMinutes, ratio: workingMs > 0 ? heldMs / workingMs : null };
}

/**
 * Each practitioner's working time in the range, in ms: their weekly hours on the clinic's
 * clock of each day (so a DST day's 09:00–18:00 is still nine hours), none on the clinic's
 * holidays, less their time off.
 */
async function workingTime(db: Kysely<Database>, zone: string, from: string, to: string, bounds: Interval): Promise<Map<number, number>> {
  const [{ hours }, timeOff, holidays] = await Promise.all([
    practitionersWithHours(db),
    timeOffOverlapping(db, bounds.startsAt, bounds.endsAt),
    listHolidayRows(db, from, to),
  ]);
  const closed = new Set(holidays.map((holiday) => holiday.day));
  const byPractitioner = new Map<number, Array<{ weekday: number; start: number; end: number }>>();
  for (const row of hours) {
    const list = byPractitioner.get(row.practitioner_id) ?? [];
    list.push({ weekday: row.weekday, start: row.start_minute, end: row.end_minute });
    byPractitioner.set(row.practitioner_id, list);
  }
  const awayOf = new Map<number, Interval[]>();
  for (const row of timeOff) {
    const list = awayOf.get(row.practitioner_id) ?? [];
    list.push({ startsAt: row.starts_at, endsAt: row.ends_at });
    awayOf.set(row.practitioner_id, list);
  }
  const openDays = daysOf(from, to).filter((day) => !closed.has(day));
  const working = new Map<number, number>();
  for (const [practitionerId, weekly] of byPractitioner) {
    const pieces: Interval[] = [];
    for (const day of openDays) {
      const weekday = isoWeekday(day);
      for (const interval of weekly) {
        if (interval.weekday === weekday) pieces.push(...wallRangeToIntervals(zone, day, interval.start, interval.end));
      }
    }
    working.set(practitionerId, lengthOutside(mergeIntervals(pieces), mergeIntervals(awayOf.get(practitionerId) ?? [])));
  }
  return working;
}

function addHistogram(rows: readonly HistogramRow[], pick: (tally: Tally) => MinuteHistogram, tallies: Array<(row: HistogramRow) => Tally>): void {
  for (const row of rows) for (const tallyOf of tallies) addToHistogram(pick(tallyOf(row)), Number(row.minute), Number(row.n));
}

/** The report for a query, computed as of `req.now` in the clinic's time zone. */
export async function computeReport(db: Kysely<Database>, query: ReportQuery, req: RequestContext): Promise<Report> {
  const zone = req.settings.timeZone;
  assertMayRead(req.actor, query, dayOf(zone, req.now));
  const bounds: Interval = { startsAt: dayBounds(zone, query.from).startsAt, endsAt: dayBounds(zone, query.to).endsAt };
  const range: ReportRange = { ...bounds, createdBy: query.scope === 'mine' ? req.actor.staffId : null };
  const bucket = bucketSizeFor(query.from, query.to);
  const buckets = reportBuckets(zone, query.from, query.to, bucket);

  const [counts, series, waits, consultations, working, { practitioners }, specialties] = await Promise.all([
    reportCounts(db, range, req.now),
    reportSeries(db, range, buckets),
    reportWaits(db, range),
    reportConsultations(db, range),
    workingTime(db, zone, query.from, query.to, bounds),
    practitionersWithHours(db),
    allSpecialtyNames(db),
  ]);

  const total = emptyTally();
  const byPractitioner = new Map<number, Tally>();
  const bySpecialty = new Map<number, Tally>();
  const tallyIn = (map: Map<number, Tally>, key: number) => {
    let tally = map.get(key);
    if (!tally) map.set(key, (tally = emptyTally()));
    return tally;
  };
  const owners = [
    () => total,
    (row: { practitionerId: number }) => tallyIn(byPractitioner, row.practitionerId),
    (row: { specialtyId: number }) => tallyIn(bySpecialty, row.specialtyId),
  ];
  for (const row of counts) for (const tallyOf of owners) addCounts(tallyOf(row), row);
  const seriesByIdx = new Map(series.map((row) => [Number(row.idx), row]));
  addHistogram(waits, (tally) => tally.waits, owners);
  addHistogram(consultations, (tally) => tally.consultations, owners);

  // Everyone who worked or was booked in the range has a row, in name order; someone's own
  // figures name only the practitioners they booked for, and weigh only those hours.
  const listed = practitioners.filter((p) => byPractitioner.has(p.id) || (query.scope === 'clinic' && (working.get(p.id) ?? 0) > 0));
  const workingTotal = listed.reduce((sum, p) => sum + (working.get(p.id) ?? 0), 0);

  return {
    from: query.from,
    to: query.to,
    scope: query.scope,
    timeZone: zone,
    computedAt: req.now,
    bucket,
    total: { ...figuresOf(total), utilisation: utilisationOf(total.heldMs, workingTotal) },
    practitioners: listed.map((p) => {
      const tally = byPractitioner.get(p.id) ?? emptyTally();
      return { practitionerId: p.id, name: p.full_name, ...figuresOf(tally), utilisation: utilisationOf(tally.heldMs, working.get(p.id) ?? 0) };
    }),
    specialties: specialties
      .filter((s) => bySpecialty.has(s.id))
      .sort((a, b) => a.name_en.localeCompare(b.name_en))
      .map((s) => ({ specialtyId: s.id, nameEn: s.name_en, namePt: s.name_pt, ...figuresOf(bySpecialty.get(s.id)!) })),
    series: buckets.map((b, idx) => {
      const row = seriesByIdx.get(idx);
      // An empty period's sums are NULL.
      const count = (value: number | null | undefined) => Number(value ?? 0);
      return {
        key: b.key,
        startsAt: b.startsAt,
        booked: count(row?.booked),
        attended: count(row?.attended),
        cancelled: count(row?.cancelled),
        noShows: count(row?.noShows),
        walkIns: count(row?.walkIns),
      };
    }),
  };
}
