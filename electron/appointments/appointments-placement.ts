import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { SlotTakenDetails } from '../../shared/appointments/appointments.contract';
import { AppError } from '../../shared/contract/errors';
import { fitsWorkingHours } from '../../shared/schedule/slots';
import { dayOf } from '../../shared/schedule/wall-clock';
import type { AppointmentRow, Database } from '../db/schema';
import { holidaysOnDays } from '../holidays/holidays.repository';
import { findFreeSlots, toWorkingMinutes, type ScheduleEnv } from '../schedule/schedule.service';
import { firstClash, workingHoursAndTimeOff, type Clash } from './appointments.repository';

/**
 * Where and when an appointment may go: a time not past, within the practitioner's working
 * hours and not in their time off, and a free slot, with the next free ones offered when it
 * is taken. The operations that book and move appointments are appointments.service.ts's.
 */

/** How many alternatives a SLOT_TAKEN error offers. */
export const NEXT_FREE_COUNT = 5;
/** How far ahead those alternatives are looked for. */
const NEXT_FREE_DAYS = 14;

function clock(env: ScheduleEnv, instant: number, format = 'yyyy-MM-dd HH:mm'): string {
  return DateTime.fromMillis(instant, { zone: env.timeZone }).toFormat(format);
}

/** Where and when an appointment would go. */
export interface Placement {
  practitioner: { id: number; full_name: string };
  specialtyId: number;
  roomId: number | null;
  startsAt: number;
  endsAt: number;
  /** The appointment being moved, which cannot clash with itself. */
  excludeId?: number;
}

/**
 * Refuses a visit on a day the clinic is closed: the clinic's calendar day it starts on, or
 * the one it ends on (a visit may not run into a holiday either). By day, never by instant,
 * so a holiday on a DST day is closed from its midnight to the next, 23 or 25 hours.
 */
async function assertClinicOpen(db: Kysely<Database>, timeZone: string, startsAt: number, endsAt: number): Promise<void> {
  const days = [...new Set([dayOf(timeZone, startsAt), dayOf(timeZone, Math.max(startsAt, endsAt - 1))])];
  const closed = (await holidaysOnDays(db, days))[0];
  if (closed) {
    throw new AppError('CLINIC_CLOSED', `The clinic is closed on ${closed.day} (${closed.name_en}).`, {
      day: closed.day,
      nameEn: closed.name_en,
      namePt: closed.name_pt,
    });
  }
}

/** Refuses a day the clinic is closed, then a time outside the practitioner's working hours or during their time off. */
export async function assertWorking(db: Kysely<Database>, env: ScheduleEnv, placement: Placement): Promise<void> {
  await assertClinicOpen(db, env.timeZone, placement.startsAt, placement.endsAt);
  const { hours: rows, isAway } = await workingHoursAndTimeOff(db, placement.practitioner.id, placement);
  const hours = rows.map(toWorkingMinutes);
  const when = () => `${clock(env, placement.startsAt)}–${clock(env, placement.endsAt, 'HH:mm')}`;
  if (!fitsWorkingHours(env.timeZone, hours, placement.startsAt, placement.endsAt)) {
    throw new AppError('OUTSIDE_WORKING_HOURS', `${placement.practitioner.full_name} does not work at ${when()}.`, {
      practitionerId: placement.practitioner.id,
    });
  }
  if (isAway) {
    throw new AppError('OUTSIDE_WORKING_HOURS', `${placement.practitioner.full_name} is away at ${when()}.`, {
      practitionerId: placement.practitioner.id,
      timeOff: true,
    });
  }
}

export async function nextFree(db: Kysely<Database>, env: ScheduleEnv, specialtyId: number, practitionerId: number | undefined, from: number) {
  return findFreeSlots(
    db,
    { specialtyId, practitionerId, day: dayOf(env.timeZone, Math.max(from, env.now)), days: NEXT_FREE_DAYS, limit: NEXT_FREE_COUNT },
    env,
  );
}

export async function slotTakenError(
  db: Kysely<Database>,
  env: ScheduleEnv,
  placement: Placement,
  clash: Clash,
  /** Whose free times to offer: this practitioner's by default, everyone's who offers the specialty with null. */
  alternativesFor: number | null = placement.practitioner.id,
): Promise<AppError> {
  const { kind } = clash;
  const details: SlotTakenDetails = {
    clash: { kind, appointmentId: clash.id, startsAt: clash.starts_at, endsAt: clash.ends_at },
    nextFree: await nextFree(db, env, placement.specialtyId, alternativesFor ?? undefined, placement.startsAt),
  };
  const when = `${clock(env, clash.starts_at)}–${clock(env, clash.ends_at, 'HH:mm')}`;
  const message =
    kind === 'practitioner' ? `${placement.practitioner.full_name} already has an appointment at ${when}.` : `The room is already taken at ${when}.`;
  return new AppError('SLOT_TAKEN', message, details);
}

/** The appointment in the way, practitioner first: what the triggers would refuse. */
export function findClash(db: Kysely<Database>, placement: Placement): Promise<Clash | undefined> {
  return firstClash(db, { practitionerId: placement.practitioner.id, roomId: placement.roomId }, placement, placement.excludeId);
}

/** Which overlap trigger refused a write, if one did. */
export function slotTakenKind(error: unknown): 'practitioner' | 'room' | null {
  if (!(error instanceof Error)) return null;
  const match = /^SLOT_TAKEN:(practitioner|room)$/.exec(error.message);
  return match ? (match[1] as 'practitioner' | 'room') : null;
}

/**
 * Runs the write; if an overlap trigger refuses it (the database is the guarantee, the
 * pre-check only makes the message good), turns that into SLOT_TAKEN with details.
 */
export async function writeOrSlotTaken(
  db: Kysely<Database>,
  env: ScheduleEnv,
  placement: Placement,
  write: () => Promise<AppointmentRow>,
): Promise<AppointmentRow> {
  try {
    return await write();
  } catch (error) {
    if (!slotTakenKind(error)) throw error;
    // Whichever trigger fired first, name the practitioner's clash before the room's.
    const clash = await findClash(db, placement);
    if (!clash) throw error;
    throw await slotTakenError(db, env, placement, clash);
  }
}

/**
 * Time and working hours only: whether the slot is free is the overlap triggers' call,
 * made by the write itself (writeOrSlotTaken), so a booking asks the database once, not twice.
 */
export async function checkPlacement(db: Kysely<Database>, env: ScheduleEnv, placement: Placement): Promise<void> {
  if (placement.startsAt < env.now) {
    throw new AppError('IN_THE_PAST', `${clock(env, placement.startsAt)} has already passed.`, { field: 'startsAt' });
  }
  await assertWorking(db, env, placement);
}
