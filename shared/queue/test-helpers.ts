import type { AppointmentQueueEntry, ManualMove, QueueStatus, WalkInQueueEntry } from './queue-rules';

/** Test fixtures: a day at 08:00 UTC and clock-time helpers, so examples read like a schedule. */
export const DAY_START = Date.UTC(2030, 0, 7, 0, 0);

/** `clock('10:30')` is 10:30 on the test day; `clock('10:30:15')` adds seconds. */
export function clock(time: string): number {
  const [hours, minutes, seconds] = time.split(':').map(Number);
  return DAY_START + ((hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0)) * 1000;
}

export function appointment(
  id: number,
  startsAt: string,
  arrivedAt: string,
  extra: { status?: QueueStatus; specialtyId?: number; moves?: ManualMove[] } = {},
): AppointmentQueueEntry {
  return {
    id,
    kind: 'appointment',
    startsAt: clock(startsAt),
    arrivedAt: clock(arrivedAt),
    status: extra.status ?? 'checked_in',
    specialtyId: extra.specialtyId ?? 1,
    moves: extra.moves ?? [],
  };
}

export function walkIn(id: number, arrivedAt: string, extra: { status?: QueueStatus; specialtyId?: number; moves?: ManualMove[] } = {}): WalkInQueueEntry {
  return {
    id,
    kind: 'walkIn',
    arrivedAt: clock(arrivedAt),
    status: extra.status ?? 'checked_in',
    specialtyId: extra.specialtyId ?? 1,
    moves: extra.moves ?? [],
  };
}
