import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { BusyTime, computeFreeSlots, fitsWorkingHours, workingHoursProblems, type FreeSlotsQuery, type WorkingMinutes } from './slots';
import { MINUTE_MS } from '../time/units';

function at(zone: string, local: string): number {
  const instant = DateTime.fromISO(local, { zone });
  if (!instant.isValid) throw new Error(`bad local time ${local}`);
  return instant.toMillis();
}

function localTimes(zone: string, slots: Array<{ startsAt: number }>): string[] {
  return slots.map((slot) => DateTime.fromMillis(slot.startsAt, { zone }).toFormat('HH:mm ZZ'));
}

function week(start: string, end: string, weekdays = [1, 2, 3, 4, 5, 6, 7]): WorkingMinutes[] {
  const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
  return weekdays.map((weekday) => ({ weekday, startMinute: minutes(start), endMinute: minutes(end) }));
}

function query(overrides: Partial<FreeSlotsQuery>): FreeSlotsQuery {
  return {
    timeZone: 'Europe/Lisbon',
    fromDay: '2026-06-15',
    days: 1,
    stepMinutes: 15,
    durationMinutes: 30,
    notBefore: 0,
    practitioners: [{ practitionerId: 1, roomId: 1, workingHours: week('09:00', '12:00'), busy: [] }],
    roomBusy: new Map(),
    ...overrides,
  };
}

describe('computeFreeSlots on an ordinary day', () => {
  const zone = 'Europe/Lisbon';

  it('offers every grid start whose whole duration fits', () => {
    const slots = computeFreeSlots(query({}));
    expect(slots).toHaveLength(11);
    expect(slots[0]).toEqual({ practitionerId: 1, roomId: 1, startsAt: at(zone, '2026-06-15T09:00'), endsAt: at(zone, '2026-06-15T09:30') });
    expect(slots.at(-1)?.startsAt).toBe(at(zone, '2026-06-15T11:30'));
  });

  it('leaves out starts that would overlap an appointment or time off', () => {
    const slots = computeFreeSlots(
      query({
        practitioners: [
          {
            practitionerId: 1,
            roomId: 1,
            workingHours: week('09:00', '12:00'),
            busy: [
              { startsAt: at(zone, '2026-06-15T10:00'), endsAt: at(zone, '2026-06-15T10:30') },
              { startsAt: at(zone, '2026-06-15T11:00'), endsAt: at(zone, '2026-06-15T13:00') },
            ],
          },
        ],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['09:00 +01:00', '09:15 +01:00', '09:30 +01:00', '10:30 +01:00']);
  });

  it('leaves out starts when the room is held by someone else', () => {
    const roomBusy = new Map([[1, [{ startsAt: at(zone, '2026-06-15T09:00'), endsAt: at(zone, '2026-06-15T11:00') }]]]);
    const slots = computeFreeSlots(
      query({
        roomBusy,
        practitioners: [
          { practitionerId: 1, roomId: 1, workingHours: week('09:00', '12:00'), busy: [] },
          { practitionerId: 2, roomId: null, workingHours: week('09:00', '10:00'), busy: [] },
        ],
      }),
    );
    expect(slots.filter((slot) => slot.practitionerId === 1).map((slot) => slot.startsAt)).toEqual([
      at(zone, '2026-06-15T11:00'),
      at(zone, '2026-06-15T11:15'),
      at(zone, '2026-06-15T11:30'),
    ]);
    // No room, no room clash.
    expect(slots.filter((slot) => slot.practitionerId === 2)).toHaveLength(3);
  });

  it('sorts by start then practitioner and honours the limit', () => {
    const slots = computeFreeSlots(
      query({
        limit: 4,
        practitioners: [
          { practitionerId: 7, roomId: 2, workingHours: week('09:00', '12:00'), busy: [] },
          { practitionerId: 3, roomId: 1, workingHours: week('09:00', '12:00'), busy: [] },
        ],
      }),
    );
    expect(slots.map((slot) => [slot.practitionerId, slot.startsAt])).toEqual([
      [3, at(zone, '2026-06-15T09:00')],
      [7, at(zone, '2026-06-15T09:00')],
      [3, at(zone, '2026-06-15T09:15')],
      [7, at(zone, '2026-06-15T09:15')],
    ]);
  });

  it('offers nothing before now', () => {
    const slots = computeFreeSlots(query({ notBefore: at(zone, '2026-06-15T10:50') }));
    expect(localTimes(zone, slots)).toEqual(['11:00 +01:00', '11:15 +01:00', '11:30 +01:00']);
  });

  it('lets a visit run from one interval into a touching one, but not across a gap', () => {
    const touching = computeFreeSlots(
      query({
        durationMinutes: 45,
        stepMinutes: 30,
        practitioners: [
          {
            practitionerId: 1,
            roomId: null,
            workingHours: [
              { weekday: 1, startMinute: 540, endMinute: 600 },
              { weekday: 1, startMinute: 600, endMinute: 660 },
            ],
            busy: [],
          },
        ],
      }),
    );
    expect(localTimes(zone, touching)).toEqual(['09:00 +01:00', '09:30 +01:00', '10:00 +01:00']);

    const apart = computeFreeSlots(
      query({
        durationMinutes: 45,
        stepMinutes: 30,
        practitioners: [
          {
            practitionerId: 1,
            roomId: null,
            workingHours: [
              { weekday: 1, startMinute: 540, endMinute: 600 },
              { weekday: 1, startMinute: 615, endMinute: 660 },
            ],
            busy: [],
          },
        ],
      }),
    );
    expect(localTimes(zone, apart)).toEqual(['09:00 +01:00', '10:15 +01:00']);
  });

  it('aligns the grid to each interval start and uses only the right weekdays', () => {
    const slots = computeFreeSlots(
      query({
        days: 7,
        stepMinutes: 60,
        durationMinutes: 60,
        practitioners: [
          {
            practitionerId: 1,
            roomId: null,
            workingHours: [{ weekday: 3, startMinute: 9 * 60 + 10, endMinute: 12 * 60 }],
            busy: [],
          },
        ],
      }),
    );
    expect(slots.map((slot) => DateTime.fromMillis(slot.startsAt, { zone }).toFormat('ccc HH:mm'))).toEqual(['Wed 09:10', 'Wed 10:10']);
  });
});

describe('computeFreeSlots on DST days', () => {
  it('Lisbon spring forward: skips the missing hour, slots stay 60 real minutes', () => {
    const zone = 'Europe/Lisbon';
    const slots = computeFreeSlots(
      query({
        fromDay: '2026-03-29',
        stepMinutes: 60,
        durationMinutes: 60,
        practitioners: [{ practitionerId: 1, roomId: null, workingHours: week('00:00', '04:00'), busy: [] }],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['00:00 +00:00', '02:00 +01:00', '03:00 +01:00']);
    for (const slot of slots) expect(slot.endsAt - slot.startsAt).toBe(60 * MINUTE_MS);
  });

  it('Lisbon fall back: the repeated hour is offered twice', () => {
    const zone = 'Europe/Lisbon';
    const slots = computeFreeSlots(
      query({
        fromDay: '2026-10-25',
        stepMinutes: 60,
        durationMinutes: 60,
        practitioners: [{ practitionerId: 1, roomId: null, workingHours: week('00:00', '03:00'), busy: [] }],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['00:00 +01:00', '01:00 +01:00', '01:00 +00:00', '02:00 +00:00']);
  });

  it('Lisbon DST days leave a 09:00–17:00 day unchanged', () => {
    for (const day of ['2026-03-29', '2026-10-25']) {
      const slots = computeFreeSlots(
        query({
          fromDay: day,
          stepMinutes: 30,
          durationMinutes: 30,
          practitioners: [{ practitionerId: 1, roomId: 1, workingHours: week('09:00', '17:00'), busy: [] }],
        }),
      );
      expect(slots).toHaveLength(16);
      expect(DateTime.fromMillis(slots[0]!.startsAt, { zone: 'Europe/Lisbon' }).toFormat('yyyy-MM-dd HH:mm')).toBe(`${day} 09:00`);
    }
  });

  it('New York spring forward at 02:00', () => {
    const zone = 'America/New_York';
    const slots = computeFreeSlots(
      query({
        timeZone: zone,
        fromDay: '2026-03-08',
        stepMinutes: 30,
        durationMinutes: 30,
        practitioners: [{ practitionerId: 1, roomId: null, workingHours: week('01:00', '04:00'), busy: [] }],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['01:00 -05:00', '01:30 -05:00', '03:00 -04:00', '03:30 -04:00']);
  });

  it('Lord Howe spring forward by 30 minutes', () => {
    const zone = 'Australia/Lord_Howe';
    const slots = computeFreeSlots(
      query({
        timeZone: zone,
        fromDay: '2026-10-04',
        stepMinutes: 30,
        durationMinutes: 30,
        practitioners: [{ practitionerId: 1, roomId: null, workingHours: week('01:00', '04:00'), busy: [] }],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['01:00 +10:30', '01:30 +10:30', '02:30 +11:00', '03:00 +11:00', '03:30 +11:00']);
    for (const slot of slots) expect(slot.endsAt - slot.startsAt).toBe(30 * MINUTE_MS);
  });

  it('Lord Howe fall back by 30 minutes repeats half an hour', () => {
    const zone = 'Australia/Lord_Howe';
    const slots = computeFreeSlots(
      query({
        timeZone: zone,
        fromDay: '2026-04-05',
        stepMinutes: 30,
        durationMinutes: 30,
        practitioners: [{ practitionerId: 1, roomId: null, workingHours: week('01:00', '03:00'), busy: [] }],
      }),
    );
    expect(localTimes(zone, slots)).toEqual(['01:00 +11:00', '01:30 +11:00', '01:30 +10:30', '02:00 +10:30', '02:30 +10:30']);
  });
});

describe('fitsWorkingHours', () => {
  const zone = 'Europe/Lisbon';
  const hours = week('09:00', '13:00', [1]).concat(week('14:00', '18:00', [1]));

  it('accepts a visit inside one interval and refuses one across the lunch break or on another day', () => {
    expect(fitsWorkingHours(zone, hours, at(zone, '2026-06-15T12:30'), at(zone, '2026-06-15T13:00'))).toBe(true);
    expect(fitsWorkingHours(zone, hours, at(zone, '2026-06-15T12:45'), at(zone, '2026-06-15T13:15'))).toBe(false);
    expect(fitsWorkingHours(zone, hours, at(zone, '2026-06-15T08:45'), at(zone, '2026-06-15T09:15'))).toBe(false);
    expect(fitsWorkingHours(zone, hours, at(zone, '2026-06-16T10:00'), at(zone, '2026-06-16T10:30'))).toBe(false);
  });
});

describe('BusyTime', () => {
  it('treats touching as free and any overlap as busy', () => {
    const busy = new BusyTime([
      { startsAt: 100, endsAt: 200 },
      { startsAt: 150, endsAt: 250 },
      { startsAt: 400, endsAt: 500 },
    ]);
    expect(busy.isFree(0, 100)).toBe(true);
    expect(busy.isFree(250, 400)).toBe(true);
    expect(busy.isFree(240, 260)).toBe(false);
    expect(busy.isFree(300, 401)).toBe(false);
    expect(busy.isFree(500, 600)).toBe(true);
    expect(busy.isFree(0, 1000)).toBe(false);
  });
});

describe('workingHoursProblems', () => {
  it('finds overlaps within a day and empty intervals, but not touching ones or other days', () => {
    expect(
      workingHoursProblems([
        { weekday: 1, startMinute: 540, endMinute: 780 },
        { weekday: 1, startMinute: 780, endMinute: 1080 },
        { weekday: 2, startMinute: 540, endMinute: 780 },
      ]),
    ).toEqual([]);
    expect(
      workingHoursProblems([
        { weekday: 1, startMinute: 540, endMinute: 780 },
        { weekday: 1, startMinute: 720, endMinute: 1080 },
        { weekday: 3, startMinute: 600, endMinute: 600 },
      ]),
    ).toEqual([
      { index: 2, problem: 'empty' },
      { index: 1, problem: 'overlap', with: 0 },
    ]);
  });
});
