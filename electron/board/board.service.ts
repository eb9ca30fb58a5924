import type { Kysely } from 'kysely';
import type { BoardAppointment } from '../../shared/board/board.contract';
import type { MethodOutput } from '../../shared/contract/contract';
import { dayBounds, isoWeekday } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import { boardScheduleProblems } from '../schedule/schedule-problems.service';
import { boardAppointmentRows, boardPractitionerRows, type BoardJsonRow } from './board.repository';

export type BoardDay = MethodOutput<'board.day'>;

function toBoardAppointment(row: BoardJsonRow): BoardAppointment {
  return { ...row, isWalkIn: row.isWalkIn === 1 };
}

/**
 * One clinic day (its real length on DST days) for everyone or one practitioner.
 * `practitionerId: null` means "nobody": a doctor account not linked to a practitioner.
 */
export async function boardDay(
  db: Kysely<Database>,
  request: { day: string; practitionerId?: number | null | undefined },
  timeZone: string,
): Promise<BoardDay> {
  if (request.practitionerId === null) return { day: request.day, timeZone, practitioners: [], appointments: [], scheduleProblems: [] };
  const bounds = dayBounds(timeZone, request.day);
  const range = { from: bounds.startsAt, to: bounds.endsAt };
  const practitioners = await boardPractitionerRows(db, isoWeekday(request.day), range, request.practitionerId);
  const rows = await boardAppointmentRows(db, range, request.practitionerId);
  const appointments = rows.map(toBoardAppointment);
  return {
    day: request.day,
    timeZone,
    practitioners: practitioners.map((p) => ({ id: p.id, fullName: p.full_name, color: p.color })),
    appointments,
    scheduleProblems: await boardScheduleProblems(db, timeZone, appointments),
  };
}
