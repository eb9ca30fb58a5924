import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Slot, UnsettledAppointment } from '../../shared/schedule/schedule.contract';
import { scheduleCache, scheduleProblemChecker, unsettledStatuses, type ScheduleProblem } from '../../shared/schedule/schedule-problems';
import type { WorkingMinutes } from '../../shared/schedule/slots';
import { dayOf, type Interval } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import { listHolidayRows } from '../holidays/holidays.repository';
import { findAppointment } from '../appointments/appointments.repository';
import { findPractitioner, listTimeOffRows } from '../practice/practice.repository';
import type { RequestContext } from '../rpc/context';
import { appointmentsStillToBeSeen, keptAppointmentIds, saveKept, workingHoursOf } from './schedule.repository';
import { findFreeSlots, toWorkingMinutes, type ScheduleEnv } from './schedule.service';

/** How far ahead a stranded appointment's next free time is looked for. */
const SUGGEST_DAYS = 14;

interface Span extends Interval {
  id: number;
  practitionerId: number;
}

/**
 * Which of the appointments fall on a clinic holiday, or their practitioner's time off or
 * working hours no longer cover (kept ones included: the caller decides), in three queries
 * whatever their number.
 */
export async function problemsOf(db: Kysely<Database>, timeZone: string, spans: readonly Span[]): Promise<Map<number, ScheduleProblem>> {
  const problems = new Map<number, ScheduleProblem>();
  if (spans.length === 0) return problems;
  const practitionerIds = [...new Set(spans.map((span) => span.practitionerId))];
  const from = Math.min(...spans.map((span) => span.startsAt));
  const to = Math.max(...spans.map((span) => span.endsAt));
  const hours = new Map<number, WorkingMinutes[]>(practitionerIds.map((id) => [id, []]));
  for (const row of await workingHoursOf(db, practitionerIds)) hours.get(row.practitioner_id)?.push(toWorkingMinutes(row));
  const timeOff = new Map<number, Interval[]>(practitionerIds.map((id) => [id, []]));
  for (const row of await listTimeOffRows(db, { practitionerIds, from, to })) {
    timeOff.get(row.practitioner_id)?.push({ startsAt: row.starts_at, endsAt: row.ends_at });
  }
  const shared = scheduleCache(timeZone);
  const closed = new Set((await listHolidayRows(db, shared.dayOf(from), shared.dayOf(to))).map((row) => row.day));
  const checkers = new Map(practitionerIds.map((id) => [id, scheduleProblemChecker(timeZone, hours.get(id) ?? [], timeOff.get(id) ?? [], shared)]));
  for (const span of spans) {
    const onHoliday = closed.size > 0 && (closed.has(shared.dayOf(span.startsAt)) || closed.has(shared.dayOf(Math.max(span.startsAt, span.endsAt - 1))));
    const problem = onHoliday ? 'clinic_closed' : checkers.get(span.practitionerId)!(span);
    if (problem) problems.set(span.id, problem);
  }
  return problems;
}

/** The board's flags: appointments still to be seen that no longer fit, and that nobody kept on purpose. */
export async function boardScheduleProblems(
  db: Kysely<Database>,
  timeZone: string,
  appointments: ReadonlyArray<{ id: number; practitionerId: number; startsAt: number; endsAt: number; status: string }>,
): Promise<Array<{ appointmentId: number; problem: ScheduleProblem }>> {
  const statuses: readonly string[] = unsettledStatuses;
  const candidates = appointments.filter((appointment) => statuses.includes(appointment.status));
  const problems = await problemsOf(db, timeZone, candidates);
  if (problems.size === 0) return [];
  const kept = await keptAppointmentIds(db, [...problems.keys()]);
  return candidates.flatMap((appointment) => {
    const problem = problems.get(appointment.id);
    return problem && !kept.has(appointment.id) ? [{ appointmentId: appointment.id, problem }] : [];
  });
}

/**
 * Appointments from now on that time off or working hours no longer cover and nobody kept,
 * each with the next free slot with its practitioner and with someone else.
 */
export async function unsettledAppointments(db: Kysely<Database>, env: ScheduleEnv, practitionerId?: number): Promise<UnsettledAppointment[]> {
  if (practitionerId !== undefined && !(await findPractitioner(db, practitionerId))) {
    throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
  }
  const rows = (await appointmentsStillToBeSeen(db, { from: env.now, practitionerId, statuses: unsettledStatuses })).filter((row) => row.is_kept !== 1);
  const problems = await problemsOf(
    db,
    env.timeZone,
    rows.map((row) => ({ id: row.id, practitionerId: row.practitioner_id, startsAt: row.starts_at, endsAt: row.ends_at })),
  );
  const today = dayOf(env.timeZone, env.now);
  const result: UnsettledAppointment[] = [];
  const slotsBySpecialty = new Map<number, Slot[]>();
  for (const row of rows) {
    const problem = problems.get(row.id);
    if (!problem) continue;
    // Every row of a specialty is offered the same times: each settled row refreshes the list.
    let slots = slotsBySpecialty.get(row.specialty_id);
    if (!slots) {
      slots = await findFreeSlots(db, { specialtyId: row.specialty_id, day: today, days: SUGGEST_DAYS }, env);
      slotsBySpecialty.set(row.specialty_id, slots);
    }
    const names = new Map<number, string>();
    const named = (slot: Slot | undefined) => (slot ? { ...slot, practitionerName: names.get(slot.practitionerId) ?? '' } : null);
    const same = slots.find((slot) => slot.practitionerId === row.practitioner_id);
    const other = slots.find((slot) => slot.practitionerId !== row.practitioner_id);
    for (const slot of [same, other]) {
      if (slot && !names.has(slot.practitionerId)) names.set(slot.practitionerId, (await findPractitioner(db, slot.practitionerId))?.full_name ?? '');
    }
    result.push({
      appointmentId: row.id,
      practitionerId: row.practitioner_id,
      practitionerName: row.practitioner_name,
      specialtyId: row.specialty_id,
      specialtyNameEn: row.specialty_name_en,
      specialtyNamePt: row.specialty_name_pt,
      patientId: row.patient_id,
      patientName: row.patient_name,
      patientPhone: row.patient_phone,
      patientLanguage: row.patient_language,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      status: row.status as UnsettledAppointment['status'],
      problem,
      nextFreeSame: named(same),
      nextFreeOther: named(other),
    });
  }
  return result;
}

/** Records that the desk keeps the appointment where it is on purpose; its flag goes until it is moved. */
export async function keepAppointment(db: Kysely<Database>, req: RequestContext, appointmentId: number): Promise<{ id: number; day: string }> {
  const appointment = await findAppointment(db, appointmentId);
  if (!appointment) throw new AppError('NOT_FOUND', 'There is no such appointment.', { field: 'appointmentId' });
  const statuses: readonly string[] = unsettledStatuses;
  if (!statuses.includes(appointment.status)) {
    throw new AppError('INVALID_TRANSITION', `An appointment that is ${appointment.status.replace('_', ' ')} has nothing to keep.`, {
      status: appointment.status,
    });
  }
  await saveKept(db, {
    appointment_id: appointment.id,
    practitioner_id: appointment.practitioner_id,
    starts_at: appointment.starts_at,
    ends_at: appointment.ends_at,
    kept_by: req.actor.staffId,
    kept_at: req.now,
  });
  req.audit({ action: 'schedule.keep', entity: 'appointment', entityId: appointment.id });
  return { id: appointment.id, day: dayOf(req.settings.timeZone, appointment.starts_at) };
}
