import { z } from 'zod';
import { ADMIN, DESK, method } from '../contract/method';
import { empty, id, isoDay, locale } from '../contract/common';
import { dayToUtcMs } from '../schedule/wall-clock';
import { DAY_MS } from '../time/units';

/** The longest range one report covers: a leap year. */
export const REPORT_MAX_DAYS = 366;

/**
 * Whose appointments a report counts: the whole clinic's (admins), or only those the caller
 * booked (`created_by`), which is all a receptionist may see, and only for today.
 */
export const reportScope = z.enum(['clinic', 'mine']);
export type ReportScope = z.infer<typeof reportScope>;

/** Days of the clinic, both included, at most a year. */
export const reportRange = z
  .strictObject({ from: isoDay, to: isoDay })
  .refine((query) => query.from <= query.to, { message: 'from must not be after to', path: ['to'] })
  .refine((query) => (dayToUtcMs(query.to) - dayToUtcMs(query.from)) / DAY_MS < REPORT_MAX_DAYS, {
    message: `a report covers at most ${REPORT_MAX_DAYS} days`,
    path: ['to'],
  });
export type ReportRange = z.infer<typeof reportRange>;

/** What the service computes: a range, and whose appointments count. */
export interface ReportQuery extends ReportRange {
  scope: ReportScope;
}

/** Median and 90th percentile of a set of durations, in whole minutes; null when there is none. */
export const durationSummary = z.strictObject({ count: z.number().int().min(0), median: z.number().nullable(), p90: z.number().nullable() });
export type DurationSummary = z.infer<typeof durationSummary>;

/** The counts every row of a report has (the clinic's, a practitioner's, a specialty's). */
export const reportFigures = z.strictObject({
  /** Appointments booked ahead (walk-ins apart), whatever became of them. */
  booked: z.number().int().min(0),
  /** Seen: in consultation or done. */
  attended: z.number().int().min(0),
  cancelled: z.number().int().min(0),
  /** Cancelled by a member of staff at this desk (the desk's own audit log records it). */
  cancelledAtDesk: z.number().int().min(0),
  /** Cancelled elsewhere: at another desk or in the clinic's cloud, arrived by sync. */
  cancelledElsewhere: z.number().int().min(0),
  noShows: z.number().int().min(0),
  /** No-shows over the booked appointments already due (not cancelled, started before now); null when none were due. */
  noShowRate: z.number().min(0).max(1).nullable(),
  walkIns: z.number().int().min(0),
  /** Checked in, then left before being seen. */
  leftUnseen: z.number().int().min(0),
  /** From arrival (check-in) to the latest call. */
  waitMinutes: durationSummary,
  /** From the start of the consultation to its end. */
  consultationMinutes: durationSummary,
});
export type ReportFigures = z.infer<typeof reportFigures>;

/** Booked minutes over working minutes (the weekly hours, less time off and the clinic's holidays). */
export const utilisation = z.strictObject({
  bookedMinutes: z.number().min(0),
  workingMinutes: z.number().min(0),
  /** Null when there were no working minutes. May pass 1 when appointments were kept outside the hours. */
  ratio: z.number().min(0).nullable(),
});
export type Utilisation = z.infer<typeof utilisation>;

export const reportBucketSize = z.enum(['hour', 'day', 'week', 'month']);
export type ReportBucketSize = z.infer<typeof reportBucketSize>;

export const reportSeriesPoint = z.strictObject({
  /** The bucket's first day (`YYYY-MM-DD`), or its hour (`YYYY-MM-DDTHH:00`) for a one-day report. */
  key: z.string(),
  startsAt: z.number().int(),
  booked: z.number().int().min(0),
  attended: z.number().int().min(0),
  cancelled: z.number().int().min(0),
  noShows: z.number().int().min(0),
  walkIns: z.number().int().min(0),
});
export type ReportSeriesPoint = z.infer<typeof reportSeriesPoint>;

export const report = z.strictObject({
  from: isoDay,
  to: isoDay,
  scope: reportScope,
  timeZone: z.string(),
  /** When it was computed: no-show rates count what was due by then. */
  computedAt: z.number().int(),
  bucket: reportBucketSize,
  total: reportFigures.extend({ utilisation }),
  practitioners: z.array(reportFigures.extend({ practitionerId: id, name: z.string(), utilisation })),
  specialties: z.array(reportFigures.extend({ specialtyId: id, nameEn: z.string(), namePt: z.string() })),
  series: z.array(reportSeriesPoint),
});
export type Report = z.infer<typeof report>;

/** A range of the clinic's days, for admins; `'mine'` is today's own bookings, for anyone at the desk. */
export const reportPeriod = z.union([reportRange, z.literal('mine')]);
export type ReportPeriod = z.infer<typeof reportPeriod>;

export const reportsContract = {
  /**
   * The clinic's figures for a range of its days (both included, at most a year): per
   * practitioner and per specialty, with a series for charts. Admins only.
   */
  'reports.get': method({
    input: reportRange,
    output: report,
    access: ADMIN,
  }),
  /**
   * The caller's own day: today's appointments they booked (`created_by`), with the same
   * figures. A receptionist's whole view of the reports.
   */
  'reports.mine': method({
    input: empty,
    output: report,
    access: DESK,
  }),
  /**
   * A report as CSV, one row per practitioner, specialty and period: UTF-8 with a byte order
   * mark, every cell quoted, a cell a spreadsheet would read as a formula prefixed with an
   * apostrophe. A range is the admins' (FORBIDDEN, details.reason NOT_YOUR_REPORT, to anyone
   * else); `'mine'` anyone's at the desk.
   */
  'reports.export': method({
    input: z.strictObject({ period: reportPeriod, locale: locale.optional() }),
    output: z.strictObject({ csv: z.string(), rows: z.number().int().min(0) }),
    access: DESK,
  }),
} as const;
