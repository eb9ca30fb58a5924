import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { bookAt } from './queue-fixtures';
import { isRoomOccupiedError, setQueueFields } from './queue.repository';

let t: TestDesk;
let p: Practice;
let room3: number;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: Ana's room is Room 1, Bruno's Room 2.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 8);
  room3 = (await t.ok(t.admin, 'rooms.save', { name: 'Room 3' })).id;
});

afterEach(async () => {
  await t.close();
});

/** Books, checks in, calls and starts a patient of the practitioner at 09:00. */
async function inConsultation(patientIndex: number, practitionerId: number): Promise<number> {
  t.now = t.at('2026-06-15T08:00');
  const id = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[patientIndex], practitionerId });
  t.now = t.at('2026-06-15T08:55');
  await t.ok(t.reception, 'checkin.checkIn', { appointmentId: id });
  t.now = t.at('2026-06-15T09:00');
  await t.ok(t.reception, 'queue.callNext', { practitionerId });
  await t.ok(t.reception, 'queue.start', { appointmentId: id });
  return id;
}

function queueFields(id: number) {
  return t.desk.database.sqlite.prepare(`SELECT status, called_room_id, call_count FROM appointments WHERE id = ?`).get(id);
}

describe('a room holds one consultation at a time', () => {
  it('refuses to send a patient to a room where another is in consultation, says who is there, and writes nothing', async () => {
    const anas = await inConsultation(0, p.ana);
    const brunos = await inConsultation(1, p.bruno);
    const before = queueFields(brunos);
    t.events.length = 0;

    const refused = await t.fail(t.reception, 'queue.sendToRoom', { appointmentId: brunos, roomId: p.room1 });
    expect(refused.code).toBe('ROOM_OCCUPIED');
    expect(refused.details).toMatchObject({ roomId: p.room1, appointmentId: anas, ticket: 'G-001', practitionerName: 'Ana Almeida' });
    expect(queueFields(brunos)).toEqual(before);
    expect(t.events).toEqual([]);

    // A free room is fine; the board then shows the room the patient is in.
    await t.ok(t.reception, 'queue.sendToRoom', { appointmentId: anas, roomId: room3 });
    const board = await t.ok(t.reception, 'board.day', { day: '2026-06-15' });
    const card = board.appointments.find((appointment) => appointment.id === anas);
    expect(card).toMatchObject({ roomId: room3, roomName: 'Room 3' });
    // Room 1 is free again, so Bruno's patient may go there.
    await t.ok(t.reception, 'queue.sendToRoom', { appointmentId: brunos, roomId: p.room1 });
  });

  it('refuses to start a consultation in a room that holds another', async () => {
    await inConsultation(0, p.ana);
    t.now = t.at('2026-06-15T08:00');
    const next = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[2], practitionerId: p.bruno });
    t.now = t.at('2026-06-15T09:25');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: next });
    t.now = t.at('2026-06-15T09:30');
    // Called to Room 1 (Ana's patient is still in there): they may wait at the door, not go in.
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.bruno, roomId: p.room1 });
    const refused = await t.fail(t.reception, 'queue.start', { appointmentId: next });
    expect(refused.code).toBe('ROOM_OCCUPIED');
    expect(queueFields(next)).toMatchObject({ status: 'called' });
  });

  it('lists the rooms free first, and who is in each busy one', async () => {
    await inConsultation(0, p.ana);
    const { rooms } = await t.ok(t.reception, 'queue.rooms', {});
    expect(rooms.map((room) => [room.roomName, room.occupant?.ticket ?? null, room.occupant?.practitionerName ?? null])).toEqual([
      ['Room 2', null, null],
      ['Room 3', null, null],
      ['Room 1', 'G-001', 'Ana Almeida'],
    ]);
  });

  it('is the database’s rule: a write that slips past the check (two desks at once) is refused and recognised', async () => {
    await inConsultation(0, p.ana);
    const brunos = await inConsultation(1, p.bruno);
    const error = await setQueueFields(t.desk.database.db, brunos, { called_room_id: p.room1 }).catch((caught: unknown) => caught);
    expect(isRoomOccupiedError(error)).toBe(true);
  });

  it('counts every patient already called, whatever room they were sent to, before anyone who waits', async () => {
    const anas = await inConsultation(0, p.ana);
    t.now = t.at('2026-06-15T08:00');
    const next = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[2], practitionerId: p.ana });
    t.now = t.at('2026-06-15T09:05');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: next });
    // Ana calls her 09:30 patient to Room 3 while the 09:00 one is still with her.
    t.now = t.at('2026-06-15T09:10');
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana, roomId: room3 });
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[3]!, specialtyId: p.general, practitionerId: p.ana });
    // 20 minutes left of the consultation under way (30 typical, 10 gone), then 30 for the one called.
    expect(walkIn.estimatedWaitMinutes).toBe(50);
    expect(anas).toBeGreaterThan(0);
  });

  it('is one consultation a day: one nobody finished yesterday does not lock the room today', async () => {
    const yesterday = await inConsultation(0, p.ana);
    t.desk.database.sqlite
      .prepare(`UPDATE appointments SET starts_at = starts_at - 86400000, ends_at = ends_at - 86400000, ticket_day = '2026-06-14' WHERE id = ?`)
      .run(yesterday);
    const today = await inConsultation(1, p.bruno);
    await t.ok(t.reception, 'queue.sendToRoom', { appointmentId: today, roomId: p.room1 });
    const { rooms } = await t.ok(t.reception, 'queue.rooms', {});
    expect(rooms.find((room) => room.roomId === p.room1)?.occupant?.appointmentId).toBe(today);
  });
});
