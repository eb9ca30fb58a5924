import { z } from 'zod';
import { DESK, STAFF, method } from '../contract/method';
import { clockTime, id, instant, isoDay, text } from '../contract/common';
import { appointment } from '../appointments/appointments.contract';
import { MAX_SERIES_SESSIONS } from './series-rule';

/** A series' id: the UUID its sessions share. */
export const seriesId = z.uuid();

const weekday = z.number().int().min(1).max(7);

/**
 * How a series repeats and ends. `weekly`: on these ISO weekdays (1 = Monday) of every week;
 * `everyDays`: every N days from the first. It ends after `count` sessions or on `until`
 * (whichever comes first), never beyond MAX_SERIES_SESSIONS.
 */
export const seriesRule = z
  .strictObject({
    patientId: id,
    specialtyId: id,
    /** null: anyone active who offers the specialty, per session. */
    practitionerId: id.nullable(),
    /** Omitted: each practitioner's own room. */
    roomId: id.nullable().optional(),
    firstDay: isoDay,
    time: clockTime,
    repeat: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('weekly'), weekdays: z.array(weekday).min(1).max(7) }),
      z.strictObject({ kind: z.literal('everyDays'), days: z.number().int().min(1).max(90) }),
    ]),
    count: z.number().int().min(1).max(MAX_SERIES_SESSIONS).optional(),
    until: isoDay.optional(),
  })
  .refine((rule) => rule.count !== undefined || rule.until !== undefined, { message: 'count or until is required', path: ['count'] })
  .refine((rule) => rule.until === undefined || rule.until >= rule.firstDay, { message: 'until is before the first day', path: ['until'] });
export type SeriesRuleInput = z.infer<typeof seriesRule>;

/** Why a proposed session cannot be booked as it is. */
export const sessionProblem = z.enum(['taken', 'outside_hours', 'time_off', 'clinic_closed', 'in_the_past', 'patient_busy']);
export type SessionProblem = z.infer<typeof sessionProblem>;

const sessionSlot = z.strictObject({
  practitionerId: id,
  practitionerName: z.string(),
  roomId: id.nullable(),
  startsAt: z.number(),
  endsAt: z.number(),
});
export type SessionSlot = z.infer<typeof sessionSlot>;

/** One session the rule proposes: its time, and either no problem or what is wrong and the nearest free time instead. */
export const plannedSession = sessionSlot.extend({
  /** Its place in the rule, from 1. */
  index: z.number().int().min(1),
  day: isoDay,
  problem: sessionProblem.nullable(),
  /** The holiday's names when the problem is clinic_closed. */
  holiday: z.strictObject({ nameEn: z.string(), namePt: z.string() }).nullable(),
  /** The free time nearest to it (the same practitioner's, or anyone's for "any"), null when none within a week either side. */
  alternative: sessionSlot.nullable(),
});
export type PlannedSession = z.infer<typeof plannedSession>;

/** A session as booked: where and when. */
const sessionToBook = z.strictObject({
  practitionerId: id,
  roomId: id.nullable().optional(),
  startsAt: instant,
  /** How the desk numbers it (the planner's row): an error names it so. Omitted: its place in time order. */
  index: z.number().int().min(1).max(1000).optional(),
});

export const seriesSummary = z.strictObject({
  seriesId,
  patientId: id,
  specialtyId: id,
  /** Its sessions' practitioners, in order of first appearance. */
  practitionerIds: z.array(id),
  /** Sessions not cancelled (nor no-show). */
  total: z.number().int(),
  done: z.number().int(),
  /** The next session still to come (booked or checked in), if any. */
  next: appointment.nullable(),
  sessions: z.array(appointment),
});
export type SeriesSummary = z.infer<typeof seriesSummary>;

/** Details of SERIES_SESSION_UNAVAILABLE: which session failed, and the refusal it met. */
export const seriesSessionDetails = z.strictObject({
  /** The session as the desk numbered it (`index`), else its place in time order, from 1. */
  session: z.number().int(),
  startsAt: z.number(),
  reason: z.enum(['SLOT_TAKEN', 'OUTSIDE_WORKING_HOURS', 'CLINIC_CLOSED', 'IN_THE_PAST', 'PATIENT_ALREADY_BOOKED']),
  reasonDetails: z.record(z.string(), z.unknown()).optional(),
});
export type SeriesSessionDetails = z.infer<typeof seriesSessionDetails>;

const seriesChange = z.strictObject({ seriesId, appointments: z.array(appointment) });

export const seriesContract = {
  /** Proposes the sessions of a rule and, for each that cannot be booked as it is, why and the nearest free time. Writes nothing. */
  'series.plan': method({
    input: seriesRule,
    output: z.strictObject({ durationMinutes: z.number().int(), sessions: z.array(plannedSession) }),
    errors: ['NOT_FOUND'],
    access: DESK,
  }),
  /**
   * Books every session in one transaction: all or nothing. A session that cannot be booked
   * (taken meanwhile, outside hours, a holiday, past, the patient busy) refuses the whole
   * series with SERIES_SESSION_UNAVAILABLE naming it (details: SeriesSessionDetails).
   */
  'series.book': method({
    input: z.strictObject({
      patientId: id,
      specialtyId: id,
      notes: text(1000).default(''),
      sessions: z.array(sessionToBook).min(1).max(MAX_SERIES_SESSIONS),
    }),
    output: seriesChange,
    errors: ['NOT_FOUND', 'SERIES_SESSION_UNAVAILABLE'],
    access: DESK,
    writes: true,
    audits: ['series.book'],
  }),
  /** One series with its sessions, in order. */
  'series.get': method({
    input: z.strictObject({ seriesId }),
    output: seriesSummary,
    errors: ['NOT_FOUND'],
    access: STAFF,
    audits: ['patients.read'],
  }),
  /** A patient's series, the latest first. */
  'series.listForPatient': method({
    input: z.strictObject({ patientId: id }),
    output: z.array(seriesSummary),
    errors: ['NOT_FOUND'],
    access: STAFF,
    audits: ['patients.read'],
  }),
  /** Cancels this session and every later one still booked, in one transaction. */
  'series.cancelFrom': method({
    input: z.strictObject({ appointmentId: id, reason: z.string().trim().min(1).max(300) }),
    output: seriesChange,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['series.cancelFrom'],
  }),
  /**
   * Moves this session to `startsAt` and every later one still booked by the same shift (whole
   * days and wall-clock time), all or nothing: SERIES_SESSION_UNAVAILABLE names the first that cannot go.
   */
  'series.moveFrom': method({
    input: z.strictObject({ appointmentId: id, startsAt: instant }),
    output: seriesChange,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION', 'SERIES_SESSION_UNAVAILABLE'],
    access: DESK,
    writes: true,
    audits: ['series.moveFrom'],
  }),
} as const;
