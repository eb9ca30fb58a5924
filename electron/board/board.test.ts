import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t);
});

afterEach(async () => {
  await t.close();
});

async function book(practitionerId: number, local: string, patientIndex = 0) {
  return t.ok(t.reception, 'appointments.book', {
    patientId: p.patients[patientIndex]!,
    specialtyId: p.general,
    practitionerId,
    startsAt: t.at(local),
  });
}

/** Rows straight into the table, for times the booking rules would refuse (nights, other days). */
function insertRaw(practitionerId: number, startsAt: number, status = 'booked'): number {
  const result = t.desk.database.sqlite
    .prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, created_at, updated_at)
       VALUES (?, ?, NULL, ?, ?, ?, ?, 0, 0, 0)`,
    )
    .run(p.patients[0], practitionerId, p.general, startsAt, startsAt + 30 * 60_000, status);
  return Number(result.lastInsertRowid);
}

describe('board.day', () => {
  it('lists the day by practitioner then time, with patient, room and specialty', async () => {
    const c1 = await book(p.carla, '2026-06-15T09:00', 1);
    const a2 = await book(p.ana, '2026-06-15T15:00', 2);
    const a1 = await book(p.ana, '2026-06-15T10:00', 3);
    const b1 = await book(p.bruno, '2026-06-15T09:30', 4);
    await t.ok(t.reception, 'appointments.cancel', { id: b1.id, reason: 'Changed plans' });
    await book(p.ana, '2026-06-16T10:00');

    const board = await t.ok(t.reception, 'board.day', { day: '2026-06-15' });
    expect(board.day).toBe('2026-06-15');
    expect(board.timeZone).toBe('Europe/Lisbon');
    expect(board.practitioners.map((x) => x.fullName)).toEqual(['Ana Almeida', 'Bruno Borges', 'Carla Costa']);
    expect(board.appointments.map((x) => x.id)).toEqual([a1.id, a2.id, b1.id, c1.id]);
    expect(board.appointments[0]).toEqual({
      id: a1.id,
      patientId: p.patients[3],
      patientName: 'Patient 4',
      patientPreferredName: 'P4',
      patientPhone: '+351 91 000 0004',
      practitionerId: p.ana,
      roomId: p.room1,
      roomName: 'Room 1',
      specialtyId: p.general,
      specialtyNameEn: 'General practice',
      specialtyNamePt: 'Clínica geral',
      startsAt: t.at('2026-06-15T10:00'),
      endsAt: t.at('2026-06-15T10:30'),
      status: 'booked',
      statusChangedAt: a1.statusChangedAt,
      isWalkIn: false,
      priceCents: 4000,
      seriesIndex: null,
    });
    expect(board.appointments.find((x) => x.id === b1.id)?.status).toBe('cancelled');
    expect(board.appointments.find((x) => x.id === c1.id)?.roomName).toBe(null);

    const anaOnly = await t.ok(t.reception, 'board.day', { day: '2026-06-15', practitionerId: p.ana });
    expect(anaOnly.appointments.map((x) => x.id)).toEqual([a1.id, a2.id]);
    expect(anaOnly.practitioners.map((x) => x.id)).toEqual([p.ana]);
  });

  it('lists the active practitioners who work that weekday, and anyone with an appointment that day', async () => {
    await t.ok(t.admin, 'workingHours.set', { practitionerId: p.carla, intervals: [{ weekday: 6, start: '09:00', end: '13:00' }] });
    await t.ok(t.admin, 'practitioners.save', { id: p.bruno, fullName: 'Bruno Borges', specialtyIds: [p.general], defaultRoomId: p.room2, isActive: false });
    const saturday = await t.ok(t.reception, 'board.day', { day: '2026-06-20' });
    expect(saturday.practitioners.map((x) => x.id)).toEqual([p.carla]);
    const monday = await t.ok(t.reception, 'board.day', { day: '2026-06-15' });
    expect(monday.practitioners.map((x) => x.id)).toEqual([p.ana]);

    // An inactive practitioner who still has an appointment that day is shown with it.
    insertRaw(p.bruno, t.at('2026-06-15T11:00'));
    const again = await t.ok(t.reception, 'board.day', { day: '2026-06-15' });
    expect(again.practitioners.map((x) => x.id)).toEqual([p.ana, p.bruno]);
    expect(again.practitioners[1]).toEqual({ id: p.bruno, fullName: 'Bruno Borges', color: '#3b82f6' });
  });

  it('shows a doctor only their own appointments, whatever they ask for', async () => {
    const a1 = await book(p.ana, '2026-06-15T10:00');
    await book(p.bruno, '2026-06-15T10:00', 1);
    const ana = await t.doctor(p.ana);
    for (const input of [{ day: '2026-06-15' }, { day: '2026-06-15', practitionerId: p.bruno }]) {
      const board = await t.ok(ana, 'board.day', input);
      expect(board.appointments.map((x) => x.id)).toEqual([a1.id]);
      expect(board.practitioners.map((x) => x.id)).toEqual([p.ana]);
    }
    const unlinked = await t.doctor(null);
    const nothing = await t.ok(unlinked, 'board.day', { day: '2026-06-15', practitionerId: p.ana });
    expect(nothing).toEqual({ day: '2026-06-15', timeZone: 'Europe/Lisbon', practitioners: [], appointments: [], scheduleProblems: [] });
  });

  it('uses the clinic day boundaries, 23 and 25 hours long on the Lisbon DST days', async () => {
    const utc = (iso: string) => Date.parse(`${iso}Z`);
    // Spring forward: 2026-03-29 is 00:00Z to 23:00Z.
    const springIn = [insertRaw(p.carla, utc('2026-03-29T00:00')), insertRaw(p.carla, utc('2026-03-29T22:30'))];
    insertRaw(p.carla, utc('2026-03-28T23:30'));
    insertRaw(p.carla, utc('2026-03-29T23:00'));
    // Fall back: 2026-10-25 is 2026-10-24T23:00Z to 2026-10-26T00:00Z.
    const autumnIn = [
      insertRaw(p.carla, utc('2026-10-24T23:00')),
      insertRaw(p.carla, utc('2026-10-25T00:30')),
      insertRaw(p.carla, utc('2026-10-25T01:30')),
      insertRaw(p.carla, utc('2026-10-25T23:30')),
    ];
    insertRaw(p.carla, utc('2026-10-24T22:30'));
    insertRaw(p.carla, utc('2026-10-26T00:00'));

    expect((await t.ok(t.reception, 'board.day', { day: '2026-03-29' })).appointments.map((x) => x.id)).toEqual(springIn);
    expect((await t.ok(t.reception, 'board.day', { day: '2026-10-25' })).appointments.map((x) => x.id)).toEqual(autumnIn);
  });
});
