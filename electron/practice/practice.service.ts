import type { Kysely } from 'kysely';
import type { ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import { clockToMinutes, minutesToClock } from '../../shared/contract/common';
import type { Practitioner, Room, Specialty, TimeOff, WorkingInterval } from '../../shared/practice/practice.contract';
import { workingHoursProblems } from '../../shared/schedule/slots';
import type { Database } from '../db/schema';
import {
  deleteTimeOff,
  existingIds,
  findActiveSpecialtyByPrefix,
  findPractitioner,
  findRoomByName,
  findTimeOff,
  insertPractitioner,
  insertRoom,
  insertSpecialty,
  insertTimeOff,
  isTicketPrefixClash,
  listPractitionerRows,
  listRooms,
  listSpecialties,
  listTimeOffRows,
  listWorkingHours,
  replacePractitionerSpecialties,
  replaceWorkingHours,
  specialtyIdsByPractitioner,
  updatePractitioner,
  updateRoom,
  updateSpecialty,
  type PractitionerRow,
  type RoomRow,
  type SpecialtyRow,
  type TimeOffRow,
  type WorkingHoursRow,
} from './practice.repository';

export function toSpecialty(row: SpecialtyRow): Specialty {
  return {
    id: row.id,
    nameEn: row.name_en,
    namePt: row.name_pt,
    durationMinutes: row.duration_minutes,
    priceCents: row.price_cents,
    ticketPrefix: row.ticket_prefix,
    isActive: row.is_active === 1,
  };
}

export function toRoom(row: RoomRow): Room {
  return { id: row.id, name: row.name, isActive: row.is_active === 1 };
}

export function toPractitioner(row: PractitionerRow, specialtyIds: number[]): Practitioner {
  return {
    id: row.id,
    fullName: row.full_name,
    specialtyIds,
    defaultRoomId: row.default_room_id,
    descriptionEn: row.description_en,
    descriptionPt: row.description_pt,
    color: row.color,
    isActive: row.is_active === 1,
  };
}

export function toWorkingInterval(row: WorkingHoursRow): WorkingInterval {
  return { weekday: row.weekday, start: minutesToClock(row.start_minute), end: minutesToClock(row.end_minute) };
}

export function toTimeOff(row: TimeOffRow): TimeOff {
  return { id: row.id, practitionerId: row.practitioner_id, startsAt: row.starts_at, endsAt: row.ends_at, reason: row.reason };
}

function fieldError(path: string, message: string): AppError {
  return new AppError('VALIDATION', `Some of the information is not valid (${path}: ${message}).`, {
    fields: [{ path, code: 'custom', message }],
  });
}

// Specialties

export async function allSpecialties(db: Kysely<Database>): Promise<Specialty[]> {
  return (await listSpecialties(db)).map(toSpecialty);
}

export async function saveSpecialty(db: Kysely<Database>, input: ParsedInput<'specialties.save'>): Promise<Specialty> {
  const values = {
    name_en: input.nameEn,
    name_pt: input.namePt,
    duration_minutes: input.durationMinutes,
    price_cents: input.priceCents,
    ticket_prefix: input.ticketPrefix,
    is_active: input.isActive ? 1 : 0,
  };
  const prefixTaken = async (): Promise<AppError> => {
    const other = await findActiveSpecialtyByPrefix(db, input.ticketPrefix, input.id);
    return new AppError('TICKET_PREFIX_TAKEN', `${other?.name_en ?? 'Another specialty'} already hands out ${input.ticketPrefix} tickets.`, {
      field: 'ticketPrefix',
      prefix: input.ticketPrefix,
      specialtyId: other?.id ?? null,
      fields: [{ path: 'ticketPrefix', code: 'custom', message: 'taken' }],
    });
  };
  // Two specialties with one prefix would hand out the same ticket twice a day.
  if (input.isActive && (await findActiveSpecialtyByPrefix(db, input.ticketPrefix, input.id))) throw await prefixTaken();
  try {
    if (input.id === undefined) return toSpecialty(await insertSpecialty(db, values));
    const row = await updateSpecialty(db, input.id, values);
    if (!row) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'id' });
    return toSpecialty(row);
  } catch (error) {
    if (isTicketPrefixClash(error)) throw await prefixTaken();
    throw error;
  }
}

// Rooms

export async function allRooms(db: Kysely<Database>): Promise<Room[]> {
  return (await listRooms(db)).map(toRoom);
}

export async function saveRoom(db: Kysely<Database>, input: ParsedInput<'rooms.save'>): Promise<Room> {
  const sameName = await findRoomByName(db, input.name);
  if (sameName && sameName.id !== input.id) {
    throw new AppError('ALREADY_EXISTS', `There is already a room called ${sameName.name}.`, { field: 'name' });
  }
  const values = { name: input.name, is_active: input.isActive ? 1 : 0 };
  if (input.id === undefined) return toRoom(await insertRoom(db, values));
  const row = await updateRoom(db, input.id, values);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such room.', { field: 'id' });
  return toRoom(row);
}

// Practitioners

export async function allPractitioners(db: Kysely<Database>): Promise<Practitioner[]> {
  const rows = await listPractitionerRows(db);
  const specialties = await specialtyIdsByPractitioner(db);
  return rows.map((row) => toPractitioner(row, specialties.get(row.id) ?? []));
}

export async function savePractitioner(db: Kysely<Database>, input: ParsedInput<'practitioners.save'>): Promise<Practitioner> {
  const specialtyIds = [...new Set(input.specialtyIds)].sort((a, b) => a - b);
  const foundSpecialties = await existingIds(db, 'specialties', specialtyIds);
  const missing = specialtyIds.filter((specialtyId) => !foundSpecialties.has(specialtyId));
  if (missing.length > 0) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyIds', ids: missing });
  if (input.defaultRoomId !== null && !(await existingIds(db, 'rooms', [input.defaultRoomId])).has(input.defaultRoomId)) {
    throw new AppError('NOT_FOUND', 'There is no such room.', { field: 'defaultRoomId' });
  }

  const values = {
    full_name: input.fullName,
    default_room_id: input.defaultRoomId,
    description_en: input.descriptionEn,
    description_pt: input.descriptionPt,
    color: input.color,
    is_active: input.isActive ? 1 : 0,
  };
  const row = input.id === undefined ? await insertPractitioner(db, values) : await updatePractitioner(db, input.id, values);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'id' });
  await replacePractitionerSpecialties(db, row.id, specialtyIds);
  return toPractitioner(row, specialtyIds);
}

export async function requirePractitioner(db: Kysely<Database>, practitionerId: number, field = 'practitionerId'): Promise<PractitionerRow> {
  const row = await findPractitioner(db, practitionerId);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field });
  return row;
}

// Working hours

export async function getWorkingHours(db: Kysely<Database>, practitionerId: number): Promise<{ practitionerId: number; intervals: WorkingInterval[] }> {
  await requirePractitioner(db, practitionerId);
  const rows = await listWorkingHours(db, [practitionerId]);
  return { practitionerId, intervals: rows.map(toWorkingInterval) };
}

export async function setWorkingHours(
  db: Kysely<Database>,
  input: ParsedInput<'workingHours.set'>,
): Promise<{ practitionerId: number; intervals: WorkingInterval[] }> {
  await requirePractitioner(db, input.practitionerId);
  const intervals = input.intervals.map((interval) => ({
    weekday: interval.weekday,
    startMinute: clockToMinutes(interval.start),
    endMinute: clockToMinutes(interval.end),
  }));
  const problem = workingHoursProblems(intervals)[0];
  if (problem) {
    const path = `intervals.${problem.index}`;
    throw problem.problem === 'empty'
      ? fieldError(path, 'the end must be after the start')
      : fieldError(path, `overlaps another interval of the same day (intervals.${problem.with})`);
  }
  await replaceWorkingHours(db, input.practitionerId, intervals);
  return getWorkingHours(db, input.practitionerId);
}

// Time off

export async function timeOffList(db: Kysely<Database>, input: ParsedInput<'timeOff.list'>): Promise<TimeOff[]> {
  const rows = await listTimeOffRows(db, {
    practitionerIds: input.practitionerId === undefined ? undefined : [input.practitionerId],
    from: input.from,
    to: input.to,
  });
  return rows.map(toTimeOff);
}

export async function addTimeOff(db: Kysely<Database>, input: ParsedInput<'timeOff.add'>): Promise<TimeOff> {
  await requirePractitioner(db, input.practitionerId);
  if (input.endsAt <= input.startsAt) throw fieldError('endsAt', 'the end must be after the start');
  const row = await insertTimeOff(db, {
    practitioner_id: input.practitionerId,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    reason: input.reason,
  });
  return toTimeOff(row);
}

export async function removeTimeOff(db: Kysely<Database>, id: number): Promise<TimeOffRow> {
  const row = await findTimeOff(db, id);
  if (!row || !(await deleteTimeOff(db, id))) throw new AppError('NOT_FOUND', 'There is no such time off.', { field: 'id' });
  return row;
}
