import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Slot } from '../../shared/schedule/schedule.contract';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from './test-fixtures';

let t: TestDesk;
let p: Practice;

async function setUp(options: { now: string; timeZone?: string; slotStepMinutes?: number }): Promise<void> {
  t = await createTestDesk(options);
  p = await seedPractice(t);
}

afterEach(async () => {
  await t.close();
});

function local(slots: Slot[]): string[] {
  return slots.map((slot) => DateTime.fromMillis(slot.startsAt, { zone: t.timeZone }).toFormat('HH:mm ZZ'));
}

async function slots(input: { specialtyId?: number; practitionerId?: number; day: string; days?: number }): Promise<Slot[]> {
  const result = await t.ok(t.reception, 'schedule.freeSlots', { specialtyId: input.specialtyId ?? p.general, ...input });
  return result.slots;
}

describe('schedule.freeSlots', () => {
  it('offers the working day on the slot grid, for every practitioner of the specialty', async () => {
    await setUp({ now: '2026-06-15T08:00' });
    const ana = await slots({ practitionerId: p.ana, day: '2026-06-15' });
    expect(ana).toHaveLength(30);
    expect(ana[0]).toEqual({ practitionerId: p.ana, roomId: p.room1, startsAt: t.at('2026-06-15T09:00'), endsAt: t.at('2026-06-15T09:30') });
    expect(local(ana).slice(14, 16)).toEqual(['12:30 +01:00', '14:00 +01:00']);

    const everyone = await slots({ day: '2026-06-15' });
    expect(everyone).toHaveLength(90);
    expect(new Set(everyone.map((slot) => slot.practitionerId))).toEqual(new Set([p.ana, p.bruno, p.carla]));

    // Only Bruno does dentistry; an hour-long visit fits 4 times a morning and 4 an afternoon.
    const dentistry = await slots({ specialtyId: p.dentistry, day: '2026-06-15' });
    expect(new Set(dentistry.map((slot) => slot.practitionerId))).toEqual(new Set([p.bruno]));
    expect(dentistry).toHaveLength(26);

    expect(await slots({ practitionerId: p.ana, day: '2026-06-15', days: 7 })).toHaveLength(5 * 30);
  });

  it('the slot step comes from the settings', async () => {
    await setUp({ now: '2026-06-15T08:00', slotStepMinutes: 30 });
    expect(await slots({ practitionerId: p.ana, day: '2026-06-15' })).toHaveLength(16);
  });

  it('leaves out booked time, gives it back when cancelled or a no-show', async () => {
    await setUp({ now: '2026-06-15T08:00' });
    const booked = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-06-15T10:00'),
    });
    const morning = local(await slots({ practitionerId: p.ana, day: '2026-06-15' })).slice(0, 6);
    expect(morning).toEqual(['09:00 +01:00', '09:15 +01:00', '09:30 +01:00', '10:30 +01:00', '10:45 +01:00', '11:00 +01:00']);

    await t.ok(t.reception, 'appointments.cancel', { id: booked.id, reason: 'Patient asked' });
    expect(await slots({ practitionerId: p.ana, day: '2026-06-15' })).toHaveLength(30);

    const again = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-06-15T10:00'),
    });
    expect(await slots({ practitionerId: p.ana, day: '2026-06-15' })).toHaveLength(27);
    await t.ok(t.reception, 'appointments.markNoShow', { id: again.id });
    expect(await slots({ practitionerId: p.ana, day: '2026-06-15' })).toHaveLength(30);
  });

  it('leaves out times when the room is taken by another practitioner', async () => {
    await setUp({ now: '2026-06-15T08:00' });
    // Carla borrows Bruno's room at 11:00.
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.carla,
      startsAt: t.at('2026-06-15T11:00'),
      roomId: p.room2,
    });
    const bruno = local(await slots({ practitionerId: p.bruno, day: '2026-06-15' }));
    expect(bruno).not.toContain('10:45 +01:00');
    expect(bruno).not.toContain('11:00 +01:00');
    expect(bruno).not.toContain('11:15 +01:00');
    expect(bruno).toContain('10:30 +01:00');
    expect(bruno).toContain('11:30 +01:00');
    // Ana's room is free.
    expect(await slots({ practitionerId: p.ana, day: '2026-06-15' })).toHaveLength(30);
  });

  it('leaves out time off, the past, and inactive practitioners', async () => {
    await setUp({ now: '2026-06-15T10:05' });
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-15T14:00'), endsAt: t.at('2026-06-15T16:00') });
    const ana = local(await slots({ practitionerId: p.ana, day: '2026-06-15' }));
    expect(ana[0]).toBe('10:15 +01:00');
    expect(ana).not.toContain('14:00 +01:00');
    expect(ana).not.toContain('15:45 +01:00');
    expect(ana).toContain('16:00 +01:00');

    await t.ok(t.admin, 'practitioners.save', { id: p.carla, fullName: 'Carla Costa', specialtyIds: [p.general], defaultRoomId: null, isActive: false });
    const everyone = await slots({ day: '2026-06-15' });
    expect(everyone.some((slot) => slot.practitionerId === p.carla)).toBe(false);
    // A whole day in the past has nothing.
    expect(await slots({ day: '2026-06-12' })).toEqual([]);
  });

  it('answers NOT_FOUND for unknown ids and nothing for a practitioner without the specialty', async () => {
    await setUp({ now: '2026-06-15T08:00' });
    expect((await t.fail(t.reception, 'schedule.freeSlots', { specialtyId: 999, day: '2026-06-15' })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.reception, 'schedule.freeSlots', { specialtyId: p.general, practitionerId: 999, day: '2026-06-15' })).code).toBe('NOT_FOUND');
    expect(await slots({ specialtyId: p.dentistry, practitionerId: p.ana, day: '2026-06-15' })).toEqual([]);
    expect((await t.fail(t.reception, 'schedule.freeSlots', { specialtyId: p.general, day: '2026-06-15', days: 15 })).code).toBe('VALIDATION');
    expect((await t.fail(t.reception, 'schedule.freeSlots', { specialtyId: p.general, day: '2026-02-30' })).code).toBe('VALIDATION');
  });
});

describe('schedule.freeSlots across daylight-saving changes', () => {
  const night = [{ weekday: 7, start: '00:00', end: '04:00' }];

  it('Lisbon spring forward (2026-03-29): no slot in the missing hour, each 30 real minutes', async () => {
    await setUp({ now: '2026-03-01T08:00' });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: night });
    const found = await slots({ practitionerId: p.carla, day: '2026-03-29' });
    expect(local(found)).toEqual([
      '00:00 +00:00',
      '00:15 +00:00',
      '00:30 +00:00',
      '00:45 +00:00',
      '02:00 +01:00',
      '02:15 +01:00',
      '02:30 +01:00',
      '02:45 +01:00',
      '03:00 +01:00',
      '03:15 +01:00',
      '03:30 +01:00',
    ]);
    for (const slot of found) expect(slot.endsAt - slot.startsAt).toBe(30 * 60_000);
  });

  it('Lisbon fall back (2026-10-25): the repeated hour is bookable twice', async () => {
    await setUp({ now: '2026-10-01T08:00' });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: night });
    const found = await slots({ practitionerId: p.carla, day: '2026-10-25' });
    expect(found).toHaveLength(19);
    expect(local(found).filter((time) => time.startsWith('01:15'))).toEqual(['01:15 +01:00', '01:15 +00:00']);
    // Book the second 01:15; the first stays free.
    await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[0]!,
      specialtyId: p.general,
      practitionerId: p.carla,
      startsAt: found.find((slot, i) => local(found)[i] === '01:15 +00:00')!.startsAt,
    });
    const after = local(await slots({ practitionerId: p.carla, day: '2026-10-25' }));
    expect(after).toContain('01:15 +01:00');
    expect(after).not.toContain('01:15 +00:00');
  });

  it('a normal 09:00–18:00 day is unchanged on the DST Sundays', async () => {
    await setUp({ now: '2026-03-01T08:00' });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.ana, intervals: [{ weekday: 7, start: '09:00', end: '18:00' }] });
    const found = await slots({ practitionerId: p.ana, day: '2026-03-29' });
    expect(found).toHaveLength(35);
    expect(local(found)[0]).toBe('09:00 +01:00');
  });

  it('New York spring forward (2026-03-08)', async () => {
    await setUp({ now: '2026-03-01T08:00', timeZone: 'America/New_York' });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: [{ weekday: 7, start: '01:00', end: '04:00' }] });
    expect(local(await slots({ practitionerId: p.carla, day: '2026-03-08' }))).toEqual([
      '01:00 -05:00',
      '01:15 -05:00',
      '01:30 -05:00',
      '01:45 -05:00',
      '03:00 -04:00',
      '03:15 -04:00',
      '03:30 -04:00',
    ]);
  });

  it('Lord Howe Island spring forward by 30 minutes (2026-10-04)', async () => {
    await setUp({ now: '2026-10-01T08:00', timeZone: 'Australia/Lord_Howe', slotStepMinutes: 30 });
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: [{ weekday: 7, start: '01:00', end: '04:00' }] });
    expect(local(await slots({ practitionerId: p.carla, day: '2026-10-04' }))).toEqual([
      '01:00 +10:30',
      '01:30 +10:30',
      '02:30 +11:00',
      '03:00 +11:00',
      '03:30 +11:00',
    ]);
  });
});
