import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { ParsedInput } from '../../shared/contract/contract';
import type { PlannedSession, SessionProblem, SessionSlot } from '../../shared/series/series.contract';
import { seriesDays, wallClockStart } from '../../shared/series/series-rule';
import { overlaps } from '../../shared/schedule/slots';
import { addDays, type Interval } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { Database } from '../db/schema';
import { holidaysOnDays } from '../holidays/holidays.repository';
import { assertWorking, findClash } from '../appointments/appointments-placement';
import { findPatientClash } from '../appointments/appointments.repository';
import { requireActiveSpecialty, requireBookablePractitioner, requirePatient, resolveRoom } from '../appointments/appointments.service';
import { bookablePractitioners } from '../schedule/schedule.repository';
import { findFreeSlots, type ScheduleEnv } from '../schedule/schedule.service';

/**
 * Planning a series: the sessions a rule proposes, each checked as a booking would be
 * (past, holiday, working hours, time off, taken, the patient elsewhere), and for each that
 * cannot be booked as it is, the free time nearest to it. Writes nothing: the desk then
 * accepts, changes or skips each session and books them with series.book.
 */

/** How far either side of a session its alternative is looked for. */
const ALTERNATIVE_DAYS_BEFORE = 3;
const ALTERNATIVE_DAYS_AFTER = 7;

interface Candidate {
  id: number;
  full_name: string;
  roomId: number | null;
}

/** The worse of two problems, for a session nobody can take: "taken" says most about it. */
const PROBLEM_ORDER: SessionProblem[] = ['taken', 'time_off', 'outside_hours'];

async function problemFor(
  db: Kysely<Database>,
  env: ScheduleEnv,
  who: Candidate,
  span: Interval,
  planned: readonly SessionSlot[],
): Promise<SessionProblem | null> {
  const placement = { practitioner: who, specialtyId: 0, roomId: who.roomId, ...span };
  try {
    await assertWorking(db, env, placement);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'OUTSIDE_WORKING_HOURS') return error.details?.timeOff === true ? 'time_off' : 'outside_hours';
    if (error.code === 'CLINIC_CLOSED') return 'clinic_closed';
    throw error;
  }
  if (await findClash(db, placement)) return 'taken';
  // The series' own earlier sessions hold their times too.
  const mine = planned.some((other) => overlaps(other, span) && (other.practitionerId === who.id || (who.roomId !== null && other.roomId === who.roomId)));
  return mine ? 'taken' : null;
}

/** The free slot nearest to `startsAt` that none of the series' other sessions and none of the patient's appointments overlaps. */
async function nearestFree(
  db: Kysely<Database>,
  env: ScheduleEnv,
  query: { specialtyId: number; practitionerId: number | null; patientId: number; day: string; startsAt: number },
  names: ReadonlyMap<number, string>,
  taken: readonly Interval[],
): Promise<SessionSlot | null> {
  const slots = await findFreeSlots(
    db,
    {
      specialtyId: query.specialtyId,
      practitionerId: query.practitionerId ?? undefined,
      day: addDays(query.day, -ALTERNATIVE_DAYS_BEFORE),
      days: ALTERNATIVE_DAYS_BEFORE + 1 + ALTERNATIVE_DAYS_AFTER,
    },
    env,
  );
  const byDistance = slots
    .filter((slot) => !taken.some((span) => overlaps(span, slot)))
    .sort((a, b) => Math.abs(a.startsAt - query.startsAt) - Math.abs(b.startsAt - query.startsAt) || a.startsAt - b.startsAt);
  for (const slot of byDistance.slice(0, 20)) {
    if (await findPatientClash(db, { patientId: query.patientId, startsAt: slot.startsAt, endsAt: slot.endsAt })) continue;
    return { ...slot, practitionerName: names.get(slot.practitionerId) ?? '' };
  }
  return null;
}

export async function planSeries(
  db: Kysely<Database>,
  rule: ParsedInput<'series.plan'>,
  env: ScheduleEnv,
): Promise<{ durationMinutes: number; sessions: PlannedSession[] }> {
  await requirePatient(db, rule.patientId);
  const specialty = await requireActiveSpecialty(db, rule.specialtyId);
  const offering = await bookablePractitioners(db, specialty.id);
  const names = new Map(offering.map((p) => [p.id, p.full_name]));
  let candidates: Candidate[];
  if (rule.practitionerId === null) {
    candidates = await Promise.all(
      offering.map(async (p) => ({ id: p.id, full_name: p.full_name, roomId: await resolveRoom(db, rule.roomId, p.default_room_id) })),
    );
  } else {
    const p = await requireBookablePractitioner(db, rule.practitionerId, specialty);
    names.set(p.id, p.full_name);
    candidates = [{ id: p.id, full_name: p.full_name, roomId: await resolveRoom(db, rule.roomId, p.default_room_id) }];
  }
  if (candidates.length === 0) {
    const message = `Nobody offers ${specialty.name_en} at the moment.`;
    throw new AppError('VALIDATION', message, { fields: [{ path: 'specialtyId', code: 'custom', message }] });
  }
  const durationMs = specialty.duration_minutes * MINUTE_MS;
  const days = seriesDays(rule);
  const holidays = new Map((await holidaysOnDays(db, days)).map((h) => [h.day, h]));

  const sessions: PlannedSession[] = [];
  // What the series holds so far: accepted sessions, and the alternatives offered (so two clashing sessions are not offered one time).
  const held: SessionSlot[] = [];
  for (const [i, day] of days.entries()) {
    const startsAt = wallClockStart(env.timeZone, day, rule.time);
    const span = { startsAt, endsAt: startsAt + durationMs };
    const holiday = holidays.get(day);
    let chosen: Candidate = candidates[0]!;
    let problem: SessionProblem | null = null;
    if (startsAt < env.now) problem = 'in_the_past';
    else if (holiday) problem = 'clinic_closed';
    else {
      const problems: SessionProblem[] = [];
      for (const who of candidates) {
        const found = await problemFor(db, env, who, span, held);
        if (found === null) {
          chosen = who;
          break;
        }
        problems.push(found);
      }
      if (problems.length === candidates.length) problem = PROBLEM_ORDER.find((p) => problems.includes(p)) ?? problems[0]!;
      else if (await findPatientClash(db, { patientId: rule.patientId, ...span })) problem = 'patient_busy';
    }
    const slot: SessionSlot = { practitionerId: chosen.id, practitionerName: chosen.full_name, roomId: chosen.roomId, ...span };
    const alternative =
      problem === null
        ? null
        : await nearestFree(db, env, { specialtyId: specialty.id, practitionerId: rule.practitionerId, patientId: rule.patientId, day, startsAt }, names, held);
    if (problem === null) held.push(slot);
    else if (alternative) held.push(alternative);
    sessions.push({
      index: i + 1,
      day,
      ...slot,
      problem,
      holiday: problem === 'clinic_closed' && holiday ? { nameEn: holiday.name_en, namePt: holiday.name_pt } : null,
      alternative,
    });
  }
  return { durationMinutes: specialty.duration_minutes, sessions };
}
