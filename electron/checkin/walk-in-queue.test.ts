import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { bookAt } from '../queue/queue-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: everyone works 09:00–13:00 and 14:00–18:00; General takes 30 minutes.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 8);
});

afterEach(async () => {
  await t.close();
});

interface SlotRow {
  id: number;
  starts_at: number;
  ends_at: number;
  status: string;
  is_walk_in: number;
  called_at: number | null;
}

function rowsOf(practitionerId: number): SlotRow[] {
  return t.desk.database.sqlite
    .prepare(`SELECT id, starts_at, ends_at, status, is_walk_in, called_at FROM appointments WHERE practitioner_id = ? ORDER BY starts_at, id`)
    .all(practitionerId) as SlotRow[];
}

/** The practitioner's appointments that hold time never overlap; a walk-in not called yet holds none. */
function expectNoDoubleBooking(practitionerId: number): void {
  const holding = rowsOf(practitionerId).filter(
    (row) =>
      !['cancelled', 'no_show'].includes(row.status) && !(row.is_walk_in === 1 && row.called_at === null && ['checked_in', 'left_unseen'].includes(row.status)),
  );
  for (let i = 1; i < holding.length; i++) expect(holding[i]!.starts_at).toBeGreaterThanOrEqual(holding[i - 1]!.ends_at);
}

describe('a walk-in waits in the queue; they are never refused for a busy practitioner', () => {
  it('joins a busy practitioner’s queue with an honest wait, and is given a free slot only when called', async () => {
    const first = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    const second = await bookAt(t, p, '2026-06-15T09:30', { patientId: p.patients[1] });
    t.now = t.at('2026-06-15T08:55');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: first });
    t.now = t.at('2026-06-15T09:00');
    const { called } = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    await t.ok(t.reception, 'queue.start', { appointmentId: called!.appointmentId });

    // Ana is with a patient until about 09:30, and her 09:30 patient is due then.
    t.now = t.at('2026-06-15T09:05');
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.ana });
    expect(walkIn).toMatchObject({ ticket: 'G-002', practitionerName: 'Ana Almeida', roomName: 'Room 1' });
    expect(walkIn.expectedStartAt).toBeGreaterThanOrEqual(t.at('2026-06-15T09:30'));
    expect(walkIn.estimatedWaitMinutes).toBe(Math.round((walkIn.expectedStartAt - t.now) / MINUTE_MS));
    expect(walkIn.estimatedWaitMinutes).toBeGreaterThanOrEqual(25);
    // A second one waits behind the first.
    const another = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[3]!, specialtyId: p.general, practitionerId: p.ana });
    expect(another.expectedStartAt).toBeGreaterThan(walkIn.expectedStartAt);
    expectNoDoubleBooking(p.ana);
    // The 09:30 slot is still Ana's 09:30 patient's: the queue did not take it.
    t.now = t.at('2026-06-15T09:25');
    expect((await t.ok(t.reception, 'checkin.checkIn', { appointmentId: second })).ticket).toBe('G-004');

    // Ana finishes; the 09:30 patient is due first, then the walk-ins in the order they came.
    t.now = t.at('2026-06-15T09:31');
    await t.ok(t.reception, 'queue.finish', { appointmentId: first });
    const next = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    expect(next.called?.appointmentId).toBe(second);
    await t.ok(t.reception, 'queue.start', { appointmentId: second });
    t.now = t.at('2026-06-15T09:58');
    await t.ok(t.reception, 'queue.finish', { appointmentId: second });
    const third = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    expect(third.called?.appointmentId).toBe(walkIn.appointmentId);
    // Called: a real slot from when Ana is free, of General's length, that nothing else holds.
    const slot = rowsOf(p.ana).find((row) => row.id === walkIn.appointmentId)!;
    expect(slot).toMatchObject({ status: 'called', starts_at: t.at('2026-06-15T10:00'), ends_at: t.at('2026-06-15T10:30') });
    expectNoDoubleBooking(p.ana);
  });

  it('shortens a called walk-in’s slot to the gap before the next booking, so nobody is double-booked', async () => {
    await bookAt(t, p, '2026-06-15T09:20', { patientId: p.patients[0] });
    t.now = t.at('2026-06-15T09:00');
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.ana });
    expect(walkIn.estimatedWaitMinutes).toBe(0);
    const { called } = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    expect(called?.appointmentId).toBe(walkIn.appointmentId);
    const slot = rowsOf(p.ana).find((row) => row.id === walkIn.appointmentId)!;
    expect(slot).toMatchObject({ starts_at: t.at('2026-06-15T09:00'), ends_at: t.at('2026-06-15T09:20') });
    expectNoDoubleBooking(p.ana);
  });

  it('with no practitioner named, picks whoever would see them soonest and says who', async () => {
    // Ana and Bruno are both busy with patients due now; Carla is free.
    for (const [index, practitionerId] of [p.ana, p.bruno].entries()) {
      const id = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[index], practitionerId });
      t.now = t.at('2026-06-15T08:50');
      await t.ok(t.reception, 'checkin.checkIn', { appointmentId: id });
    }
    t.now = t.at('2026-06-15T09:02');
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[4]!, specialtyId: p.general });
    expect(walkIn).toMatchObject({ practitionerName: 'Carla Costa', estimatedWaitMinutes: 0 });
    // Carla now has one waiting; the next walk-in still goes to whoever is soonest, never refused.
    const next = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[5]!, specialtyId: p.general });
    expect(next.estimatedWaitMinutes).toBeGreaterThan(0);
    for (const practitionerId of [p.ana, p.bruno, p.carla]) expectNoDoubleBooking(practitionerId);
  });

  it('a walk-in who leaves before being called frees nothing and blocks nothing', async () => {
    t.now = t.at('2026-06-15T09:00');
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.ana });
    await t.ok(t.reception, 'queue.leftUnseen', { appointmentId: walkIn.appointmentId, reason: 'Could not wait' });
    // The time they waited in is bookable: they never held it.
    const booked = await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[3]!, specialtyId: p.general, practitionerId: p.ana });
    expect(booked.practitionerId).toBe(p.ana);
    expectNoDoubleBooking(p.ana);
  });
});

describe('a waiting walk-in and the clinic’s cloud', () => {
  const outbox = () =>
    t.desk.database.sqlite.prepare(`SELECT entity, op, data FROM sync_outbox WHERE entity = 'appointment' ORDER BY seq`).all() as Array<{
      entity: string;
      op: string;
      data: string;
    }>;

  it('is not sent while they wait (the cloud would take their arrival for a slot); the call sends them with their real slot', async () => {
    t.desk.database.sqlite.prepare('UPDATE sync_state SET tracking = 1').run();
    await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[0] });
    t.now = t.at('2026-06-15T09:05');
    const walkIn = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.ana });
    const left = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[3]!, specialtyId: p.general, practitionerId: p.ana });
    await t.ok(t.reception, 'queue.leftUnseen', { appointmentId: left.appointmentId, reason: '' });
    expect(outbox()).toHaveLength(1);

    t.now = t.at('2026-06-15T09:40');
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    const sent = outbox().map((entry) => JSON.parse(entry.data) as { isWalkIn: boolean; status: string; startsAt: number; endsAt: number });
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ isWalkIn: true, status: 'called', startsAt: t.at('2026-06-15T09:40'), endsAt: t.at('2026-06-15T10:10') });
    expect(walkIn.appointmentId).toBeGreaterThan(0);
  });
});

describe('a walk-in for the specialty', () => {
  it('is seen by whoever offering it is free first; one who asked for a practitioner waits for them', async () => {
    // Ana, Bruno and Carla are all with patients from 09:00.
    const visits: number[] = [];
    for (const [index, practitionerId] of [p.ana, p.bruno, p.carla].entries()) {
      t.now = t.at('2026-06-15T08:00');
      const id = await bookAt(t, p, '2026-06-15T09:00', { patientId: p.patients[index], practitionerId });
      t.now = t.at('2026-06-15T08:55');
      await t.ok(t.reception, 'checkin.checkIn', { appointmentId: id });
      t.now = t.at('2026-06-15T09:00');
      await t.ok(t.reception, 'queue.callNext', { practitionerId });
      await t.ok(t.reception, 'queue.start', { appointmentId: id });
      visits.push(id);
    }
    t.now = t.at('2026-06-15T09:05');
    const anyone = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[5]!, specialtyId: p.general });
    // Queued with Ana (as soon as the others, first by name).
    expect(anyone.practitionerName).toBe('Ana Almeida');
    const forAna = await t.ok(t.reception, 'checkin.walkIn', { patientId: p.patients[4]!, specialtyId: p.general, practitionerId: p.ana });

    // Bruno finishes first, with nobody waiting for him: he takes the walk-in for the specialty, not Ana's.
    t.now = t.at('2026-06-15T09:20');
    const brunoQueue = async () => (await t.ok(t.reception, 'queue.list', { practitionerId: p.bruno })).entries;
    await t.ok(t.reception, 'queue.finish', { appointmentId: visits[1]! });
    t.events.length = 0;
    const { called } = await t.ok(t.reception, 'queue.callNext', { practitionerId: p.bruno });
    expect(called).toMatchObject({ appointmentId: anyone.appointmentId, practitionerId: p.bruno, status: 'called', roomName: 'Room 2' });
    // Its slot starts where Bruno's 09:00–09:30 booking ends: never over anyone else's.
    expect(rowsOf(p.bruno).find((row) => row.id === anyone.appointmentId)).toMatchObject({
      starts_at: t.at('2026-06-15T09:30'),
      ends_at: t.at('2026-06-15T10:00'),
    });
    expectNoDoubleBooking(p.bruno);
    expect(await brunoQueue()).toHaveLength(1);
    // Nobody else for Bruno: Ana's own walk-in stays hers.
    await t.ok(t.reception, 'queue.start', { appointmentId: anyone.appointmentId });
    await t.ok(t.reception, 'queue.finish', { appointmentId: anyone.appointmentId });
    expect((await t.ok(t.reception, 'queue.callNext', { practitionerId: p.bruno })).called).toBeNull();
    const anas = (await t.ok(t.reception, 'queue.list', { practitionerId: p.ana })).entries;
    expect(anas.map((entry) => entry.appointmentId)).toContain(forAna.appointmentId);
  });
});
