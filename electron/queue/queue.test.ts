import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { bookAt, eventsNamed } from './queue-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: everyone works 09:00–13:00 and 14:00–18:00; grace 10 minutes.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 8);
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

async function checkInAt(local: string, appointmentId: number): Promise<string> {
  t.now = t.at(local);
  return (await t.ok(t.reception, 'checkin.checkIn', { appointmentId })).ticket;
}

async function walkInAt(local: string, patientId: number, practitionerId = p.ana): Promise<number> {
  t.now = t.at(local);
  return (await t.ok(t.reception, 'checkin.walkIn', { patientId, specialtyId: p.general, practitionerId })).appointmentId;
}

/** Calls the next patient of Ana's queue at `local`, has them seen and finished right away. */
async function seeNext(local: string, practitionerId = p.ana): Promise<number | null> {
  t.now = t.at(local);
  const { called } = await t.ok(t.reception, 'queue.callNext', { practitionerId });
  if (!called) return null;
  await t.ok(t.reception, 'queue.start', { appointmentId: called.appointmentId });
  await t.ok(t.reception, 'queue.finish', { appointmentId: called.appointmentId });
  return called.appointmentId;
}

describe('queue.callNext follows the queue rules', () => {
  it('a late patient waits behind one on time who is due; a walk-in fills the gap before the next appointment', async () => {
    // Ana: 09:00 (arrives late), 10:00 (arrives early, on time), 11:00 (on time); free 09:30–10:00 and 10:30–11:00.
    const lateAt9 = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const onTimeAt10 = await bookAt(t, p, '2026-06-15T10:00', { patientId: p.patients[1] });
    const onTimeAt11 = await bookAt(t, p, '2026-06-15T11:00', { patientId: p.patients[2] });

    await checkInAt('2026-06-15T08:55', onTimeAt10);
    await checkInAt('2026-06-15T09:20', lateAt9); // after 09:00 + 10 minutes' grace: late
    const walkIn = await walkInAt('2026-06-15T09:30', p.patients[3]!);
    await checkInAt('2026-06-15T10:50', onTimeAt11);

    // 09:35: nobody on time is due (10:00 has not started): gap fillers, first come first served.
    expect(await seeNext('2026-06-15T09:35')).toBe(lateAt9);
    expect(await seeNext('2026-06-15T09:45')).toBe(walkIn);
    // 11:00: both on-time patients are due; appointment order.
    expect(await seeNext('2026-06-15T11:00')).toBe(onTimeAt10);
    expect(await seeNext('2026-06-15T11:20')).toBe(onTimeAt11);
    expect(await seeNext('2026-06-15T11:40')).toBeNull();
  });

  it('an on-time patient who is due goes before a late one and a walk-in who came earlier', async () => {
    const late = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const onTime = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    await checkInAt('2026-06-15T09:15', late);
    await checkInAt('2026-06-15T09:25', onTime);
    // At 09:26 the 09:30 patient is not due yet: the late one fills the gap…
    t.now = t.at('2026-06-15T09:26');
    let { entries } = await t.ok(t.reception, 'queue.list', { practitionerId: p.ana });
    expect(entries.map((entry) => [entry.appointmentId, entry.isLate])).toEqual([
      [late, true],
      [onTime, false],
    ]);
    // …but once it is 09:30 the on-time patient is due and goes first.
    t.now = t.at('2026-06-15T09:30');
    ({ entries } = await t.ok(t.reception, 'queue.list', { practitionerId: p.ana }));
    expect(entries.map((entry) => entry.appointmentId)).toEqual([onTime, late]);
    expect(await seeNext('2026-06-15T09:30')).toBe(onTime);
  });

  it('judges who is due at the moment of calling: whoever calls next is free now', async () => {
    const first = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const late = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    const onTime = await bookAt(t, p, '2026-06-15T10:00', { patientId: p.patients[2] });
    await checkInAt('2026-06-15T08:55', first);
    await checkInAt('2026-06-15T09:00', onTime);
    await checkInAt('2026-06-15T09:45', late);
    t.now = t.at('2026-06-15T09:00');
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    // 09:50: the first patient never came in. The list expects Ana busy until 10:20, when the
    // 10:00 patient is due; but calling now, at 09:50, nobody on time is due: the late one fills the gap.
    t.now = t.at('2026-06-15T09:50');
    const listed = (await t.ok(t.reception, 'queue.list', { practitionerId: p.ana })).entries;
    expect(listed.map((entry) => entry.appointmentId)).toEqual([first, onTime, late]);
    expect((await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana })).called!.appointmentId).toBe(late);
  });

  it('lists the queue in calling order with honest, non-decreasing estimates from the practitioner', async () => {
    const first = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const second = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    await checkInAt('2026-06-15T08:45', second);
    await checkInAt('2026-06-15T08:50', first);
    t.now = t.at('2026-06-15T08:55');
    const { entries } = await t.ok(t.reception, 'queue.list', {});
    expect(entries.map((entry) => entry.appointmentId)).toEqual([first, second]);
    expect(entries.map((entry) => entry.estimatedWaitMinutes)).toEqual([5, 35]);
    expect(entries[1]).toMatchObject({
      ticket: 'G-001',
      patientName: 'Patient 2',
      practitionerName: 'Ana Almeida',
      roomName: 'Room 1',
      status: 'checked_in',
      calledAt: null,
      isWalkIn: false,
      isLate: false,
      movedReason: null,
    });
    expect(entries[1]!.expectedStartAt).toBe(t.at('2026-06-15T09:30'));
  });

  it("learns each practitioner's consultation lengths from the last four weeks", async () => {
    // Ana's 30-minute general visits have taken 12 minutes, day after day; Bruno has no history.
    const insert = t.desk.database.sqlite.prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, specialty_id, starts_at, ends_at, status, status_changed_at, started_at, finished_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'done', 0, ?, ?, 0, 0)`,
    );
    for (let day = 1; day <= 20; day++) {
      const start = t.at('2026-06-15T09:00') - day * DAY_MS;
      insert.run(p.patients[7], p.ana, p.general, start, start + 30 * MINUTE_MS, start, start + 12 * MINUTE_MS);
    }
    // Older than 28 days: forgotten.
    const old = t.at('2026-06-15T09:00') - 40 * DAY_MS;
    insert.run(p.patients[7], p.bruno, p.general, old, old + 30 * MINUTE_MS, old, old + 5 * MINUTE_MS);

    const ids = { ana: [] as number[], bruno: [] as number[] };
    for (const [index, time] of ['09:00', '09:30', '10:00'].entries()) {
      ids.ana.push(await bookAt(t, p, `2026-06-15T${time}`, { patientId: p.patients[index] }));
      ids.bruno.push(await bookAt(t, p, `2026-06-15T${time}`, { patientId: p.patients[index + 3], practitionerId: p.bruno }));
    }
    // Everyone arrives at 11:00, late: they wait like walk-ins, so only durations set their waits.
    for (const id of [...ids.ana, ...ids.bruno]) await checkInAt('2026-06-15T11:00', id);
    const waits = async (practitionerId: number) =>
      (await t.ok(t.reception, 'queue.list', { practitionerId })).entries.map((entry) => entry.estimatedWaitMinutes);
    // Ana: (20 × 12 + 3 × 30) / 23 ≈ 14.3 minutes a visit, her median pulled a little towards the default.
    expect(await waits(p.ana)).toEqual([0, 14, 29]);
    expect(await waits(p.bruno)).toEqual([0, 30, 60]);
  });
});

describe('calling, recalling and rooms', () => {
  it('assigns the room asked for, else the appointment’s, else the practitioner’s own', async () => {
    const withRoom = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const noRoom = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[1], practitionerId: p.bruno, roomId: null });
    const carla = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[2], practitionerId: p.carla });
    for (const id of [withRoom, noRoom, carla]) await checkInAt('2026-06-15T08:50', id);
    t.now = t.at('2026-06-15T09:00');

    const ana = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    expect(ana.called).toMatchObject({
      appointmentId: withRoom,
      status: 'called',
      roomId: p.room1,
      roomName: 'Room 1',
      calledAt: t.now,
      estimatedWaitMinutes: null,
    });
    const bruno = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.bruno });
    expect(bruno.called).toMatchObject({ appointmentId: noRoom, roomId: p.room2, roomName: 'Room 2' });
    const carlaNoRoom = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.carla });
    expect(carlaNoRoom.called).toMatchObject({ appointmentId: carla, roomId: null, roomName: null });
    await t.ok(t.reception, 'queue.sendToRoom', { appointmentId: carla, roomId: p.room1 });
    // The booked room stays as booked: the call is what moved.
    expect((await t.ok(t.reception, 'appointments.get', { id: carla })).roomId).toBeNull();

    expect((await t.fail(t.reception, 'queue.callNext', { practitionerId: p.ana, roomId: 999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.reception, 'queue.callNext', { practitionerId: 999 })).code).toBe('NOT_FOUND');
    expect(await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana, roomId: p.room2 })).toEqual({ called: null });
  });

  it('recall announces again, start and finish stamp the consultation, and wrong steps are refused', async () => {
    const a = await bookAt(t, p, '2026-06-15T09:00');
    await checkInAt('2026-06-15T08:50', a);
    expect((await t.fail(t.reception, 'queue.start', { appointmentId: a })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'queue.recall', { appointmentId: a })).code).toBe('INVALID_TRANSITION');

    t.now = t.at('2026-06-15T09:00');
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    const firstCall = (await t.ok(t.reception, 'display.state', {})).current!;
    t.now = t.at('2026-06-15T09:02');
    t.events.length = 0;
    const recalled = await t.ok(t.reception, 'queue.recall', { appointmentId: a });
    expect(recalled).toMatchObject({ status: 'called', calledAt: t.now });
    const secondCall = (eventsNamed(t, 'display.changed')[0] as { current: { callId: string; calledAt: number } }).current;
    expect(secondCall.callId).not.toBe(firstCall.callId);
    expect(secondCall.calledAt).toBe(t.now);
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);

    expect((await t.fail(t.reception, 'queue.finish', { appointmentId: a })).code).toBe('INVALID_TRANSITION');
    t.now = t.at('2026-06-15T09:03');
    expect(await t.ok(t.reception, 'queue.start', { appointmentId: a })).toMatchObject({ status: 'in_consultation' });
    t.now = t.at('2026-06-15T09:21');
    expect(await t.ok(t.reception, 'queue.finish', { appointmentId: a })).toMatchObject({ status: 'done' });
    const stamps = t.desk.database.sqlite.prepare(`SELECT started_at, finished_at, call_count FROM appointments WHERE id = ?`).get(a);
    expect(stamps).toEqual({ started_at: t.at('2026-06-15T09:03'), finished_at: t.at('2026-06-15T09:21'), call_count: 2 });
    expect((await t.fail(t.reception, 'queue.leftUnseen', { appointmentId: a })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'queue.recall', { appointmentId: 999 })).code).toBe('NOT_FOUND');
    expect((await t.ok(t.reception, 'queue.list', {})).entries).toEqual([]);
  });

  it('a patient who leaves unseen leaves the queue, keeps the record and the reason', async () => {
    const a = await bookAt(t, p, '2026-06-15T09:00');
    await checkInAt('2026-06-15T08:50', a);
    const left = await t.ok(t.reception, 'queue.leftUnseen', { appointmentId: a, reason: 'Could not wait' });
    expect(left).toMatchObject({ status: 'left_unseen', ticket: 'G-001' });
    expect(await t.ok(t.reception, 'appointments.get', { id: a })).toMatchObject({ status: 'left_unseen', cancelReason: 'Could not wait' });
    expect((await t.ok(t.reception, 'queue.list', {})).entries).toEqual([]);
    // The slot stays held: history is not rewritten.
    t.now = t.at('2026-06-15T09:05');
    expect((await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[1]!, specialtyId: p.general, practitionerId: p.ana })).code).toBe(
      'SLOT_TAKEN',
    );
  });
});

describe('moving a patient', () => {
  it('moves a waiting patient with a reason, keeps it, and shows the reason', async () => {
    const ids: number[] = [];
    for (const [index, time] of ['09:00', '09:30', '10:00'].entries()) ids.push(await bookAt(t, p, `2026-06-15T${time}`, { patientId: p.patients[index] }));
    for (const id of ids) await checkInAt('2026-06-15T08:50', id);
    t.now = t.at('2026-06-15T10:05');
    t.events.length = 0;

    const moved = await t.ok(t.reception, 'queue.move', { appointmentId: ids[2]!, places: -2, reason: 'Frail, cannot wait' });
    expect(moved.entries.map((entry) => entry.appointmentId)).toEqual([ids[2], ids[0], ids[1]]);
    expect(moved.entries[0]!.movedReason).toBe('Frail, cannot wait');
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);
    const stored = t.desk.database.sqlite.prepare(`SELECT appointment_id, direction, past, reason FROM queue_moves`).all();
    expect(stored).toEqual([{ appointment_id: ids[2], direction: 'up', past: JSON.stringify([ids[1], ids[0]]), reason: 'Frail, cannot wait' }]);
    // The next call follows the move.
    expect((await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana })).called!.appointmentId).toBe(ids[2]);

    expect((await t.fail(t.reception, 'queue.move', { appointmentId: ids[2]!, places: 1, reason: 'oops' })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'queue.move', { appointmentId: ids[0]!, places: 1, reason: '  ' })).code).toBe('VALIDATION');
  });
});

describe('a doctor', () => {
  it('acts on their own queue only, and always lists their own', async () => {
    const ana = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const bruno = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[1], practitionerId: p.bruno });
    await checkInAt('2026-06-15T08:50', ana);
    await checkInAt('2026-06-15T08:51', bruno);
    t.now = t.at('2026-06-15T09:00');
    const doctorAna = await t.doctor(p.ana);
    const unlinked = await t.doctor(null);

    expect((await t.ok(doctorAna, 'queue.list', { practitionerId: p.bruno })).entries.map((entry) => entry.appointmentId)).toEqual([ana]);
    expect((await t.ok(unlinked, 'queue.list', {})).entries).toEqual([]);
    const before = t.count('audit_log');
    expect((await t.fail(doctorAna, 'queue.callNext', { practitionerId: p.bruno })).code).toBe('FORBIDDEN');
    expect((await t.fail(unlinked, 'queue.callNext', { practitionerId: p.ana })).code).toBe('FORBIDDEN');
    expect((await t.fail(doctorAna, 'queue.leftUnseen', { appointmentId: bruno })).code).toBe('FORBIDDEN');
    expect((await t.fail(doctorAna, 'queue.move', { appointmentId: ana, places: 1, reason: 'Not allowed' })).code).toBe('FORBIDDEN');
    expect(t.count('audit_log')).toBe(before);

    const called = await t.ok(doctorAna, 'queue.callNext', { practitionerId: p.ana });
    expect(called.called!.appointmentId).toBe(ana);
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.bruno });
    for (const method of ['queue.recall', 'queue.start'] as const) {
      expect((await t.fail(doctorAna, method, { appointmentId: bruno })).code).toBe('FORBIDDEN');
    }
    expect((await t.fail(doctorAna, 'queue.sendToRoom', { appointmentId: bruno, roomId: p.room1 })).code).toBe('FORBIDDEN');
    await t.ok(doctorAna, 'queue.start', { appointmentId: ana });
    await t.ok(doctorAna, 'queue.finish', { appointmentId: ana });
  });
});
