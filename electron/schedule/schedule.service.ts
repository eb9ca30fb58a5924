import type { Kysely } from 'kysely';
import type { Slot } from '../../shared/schedule/schedule.contract';
import { AppError } from '../../shared/contract/errors';
import { computeFreeSlots, type SlotPractitioner, type WorkingMinutes } from '../../shared/schedule/slots';
import { addDays, dayBounds, type Interval } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import { closedDaysBetween } from '../holidays/holidays.service';
import { findPractitioner, findSpecialty, listTimeOffRows } from '../practice/practice.repository';
import { activeAppointmentsOverlapping, bookablePractitioners, workingHoursOf } from './schedule.repository';

/** What slot computations need to know about the clinic and the moment. */
export interface ScheduleEnv {
  timeZone: string;
  slotStepMinutes: number;
  now: number;
}

/** The schedule's view of a call: the clinic's time zone and slot step, and the call's moment. */
export function scheduleEnvOf(req: { now: number; settings: { timeZone: string; slotStepMinutes: number } }): ScheduleEnv {
  return { timeZone: req.settings.timeZone, slotStepMinutes: req.settings.slotStepMinutes, now: req.now };
}

export interface FreeSlotsRequest {
  specialtyId: number;
  practitionerId?: number | undefined;
  day: string;
  days: number;
  /** Keep only the earliest slots. */
  limit?: number;
}

export function toWorkingMinutes(row: { weekday: number; start_minute: number; end_minute: number }): WorkingMinutes {
  return { weekday: row.weekday, startMinute: row.start_minute, endMinute: row.end_minute };
}

/**
 * Free slots for a specialty: loads the practitioners, their working hours and time off,
 * and the active appointments of them and their rooms over the whole range (a query each,
 * whatever the number of practitioners or days), then leaves the arithmetic to the pure
 * `computeFreeSlots`.
 */
export async function findFreeSlots(db: Kysely<Database>, request: FreeSlotsRequest, env: ScheduleEnv): Promise<Slot[]> {
  const specialty = await findSpecialty(db, request.specialtyId);
  if (!specialty) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyId' });
  if (request.practitionerId !== undefined && !(await findPractitioner(db, request.practitionerId))) {
    throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
  }
  // An inactive specialty cannot be booked, so it has no free slots either.
  if (specialty.is_active !== 1) return [];

  const practitioners = await bookablePractitioners(db, request.specialtyId, request.practitionerId);
  if (practitioners.length === 0) return [];
  const practitionerIds = practitioners.map((p) => p.id);
  const roomIds = [...new Set(practitioners.flatMap((p) => (p.default_room_id === null ? [] : [p.default_room_id])))];

  const from = dayBounds(env.timeZone, request.day).startsAt;
  const to = dayBounds(env.timeZone, addDays(request.day, request.days - 1)).endsAt;
  const range = { from: Math.max(from, env.now), to };
  if (range.from >= range.to) return [];

  const hours = await workingHoursOf(db, practitionerIds);
  const timeOff = await listTimeOffRows(db, { practitionerIds, from: range.from, to: range.to });
  const appointments = await activeAppointmentsOverlapping(db, range, { practitionerIds, roomIds });
  const closedDays = await closedDaysBetween(db, request.day, addDays(request.day, request.days - 1));

  const byPractitioner = new Map<number, { hours: WorkingMinutes[]; busy: Interval[] }>(practitionerIds.map((id) => [id, { hours: [], busy: [] }]));
  for (const row of hours) byPractitioner.get(row.practitioner_id)?.hours.push(toWorkingMinutes(row));
  for (const row of timeOff) byPractitioner.get(row.practitioner_id)?.busy.push({ startsAt: row.starts_at, endsAt: row.ends_at });
  const roomBusy = new Map<number, Interval[]>();
  for (const span of appointments) {
    byPractitioner.get(span.practitionerId)?.busy.push(span);
    if (span.roomId !== null) {
      const list = roomBusy.get(span.roomId);
      if (list) list.push(span);
      else roomBusy.set(span.roomId, [span]);
    }
  }

  const slotPractitioners: SlotPractitioner[] = practitioners.map((p) => {
    const data = byPractitioner.get(p.id)!;
    return { practitionerId: p.id, roomId: p.default_room_id, workingHours: data.hours, busy: data.busy };
  });

  return computeFreeSlots({
    timeZone: env.timeZone,
    fromDay: request.day,
    days: request.days,
    stepMinutes: env.slotStepMinutes,
    durationMinutes: specialty.duration_minutes,
    notBefore: env.now,
    practitioners: slotPractitioners,
    roomBusy,
    closedDays,
    ...(request.limit === undefined ? {} : { limit: request.limit }),
  });
}
