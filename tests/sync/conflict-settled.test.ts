import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { bookOnline } from './invariants';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * A conflict is about one appointment; whenever that appointment is settled, in whichever
 * way (the desk's move applied, the cloud's row taken, the cloud's later changes pulled), the
 * conflict goes with it, and the desk follows the cloud's later changes of the row again.
 */
describe('a conflict superseded by a change at another desk', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;
  /** X: booked at A for 10:00 with Ana, known to both desks. */
  let x: { uid: string; atA: number; atB: number };

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    const booked = await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    await a.sync();
    await b.sync();
    const uid = a.uidOf('appointments', booked.id);
    x = { uid, atA: booked.id, atB: b.localId('appointments', uid) };
    expect(x.atB).not.toBeNaN();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await cloud.close();
  });

  /** A, not having pulled yet, moves X onto 11:00, which the portal took meanwhile: the cloud refuses it. */
  async function conflictAtA(): Promise<void> {
    const taken = await bookOnline(
      cloud,
      {
        practitionerUid: a.uidOf('practitioners', practice.ana),
        roomUid: a.uidOf('rooms', practice.room1),
        specialtyUid: a.uidOf('specialties', practice.general),
      },
      at('2030-01-07T11:00'),
    );
    expect(taken).not.toBeNull();
    await a.ok(a.reception, 'appointments.reschedule', { id: x.atA, startsAt: at('2030-01-07T11:00') });
    expect(await a.sync()).toMatchObject({ conflicts: 1, pending: 0 });
  }

  const startAt = (desk: SyncDesk, id: number) =>
    desk.desk.database.sqlite.prepare('SELECT starts_at AS startsAt, status FROM appointments WHERE id = ?').get(id) as { startsAt: number; status: string };
  const conflictRows = (desk: SyncDesk) => desk.desk.database.sqlite.prepare('SELECT count(*) FROM sync_conflicts').pluck().get();

  it('clears the conflict when the way out meets a newer cloud row, and keeps following the cloud', async () => {
    await conflictAtA();
    await b.ok(b.reception, 'appointments.reschedule', { id: x.atB, startsAt: at('2030-01-07T12:00') });
    await b.sync();

    // "Another time" at A: based on the version A had, so the cloud's newer row wins.
    await a.ok(a.reception, 'appointments.reschedule', { id: x.atA, startsAt: at('2030-01-07T14:00') });
    const status = await a.sync();
    expect(status).toMatchObject({ conflicts: 0, pending: 0 });
    expect(conflictRows(a)).toBe(0);
    expect(startAt(a, x.atA).startsAt).toBe(at('2030-01-07T12:00'));
    const problems = await a.ok(a.reception, 'sync.issues', {});
    expect(problems.problems.map((problem) => problem.reason)).toContain('SUPERSEDED');

    // Later changes at B reach A: a move, then a cancellation.
    await b.ok(b.reception, 'appointments.reschedule', { id: x.atB, startsAt: at('2030-01-07T15:00') });
    await b.sync();
    await a.sync();
    expect(startAt(a, x.atA).startsAt).toBe(at('2030-01-07T15:00'));
    await b.ok(b.reception, 'appointments.cancel', { id: x.atB, reason: 'Patient called' });
    await b.sync();
    expect(await a.sync()).toMatchObject({ conflicts: 0, pending: 0 });
    expect(startAt(a, x.atA).status).toBe('cancelled');
    expect(a.appointments()).toEqual(b.appointments());
  });

  it('clears the conflict when the cloud changes the row and this desk has nothing pending for it', async () => {
    await conflictAtA();
    await b.ok(b.reception, 'appointments.reschedule', { id: x.atB, startsAt: at('2030-01-07T12:00') });
    await b.sync();

    expect(await a.sync()).toMatchObject({ conflicts: 0, pending: 0 });
    expect(conflictRows(a)).toBe(0);
    expect(startAt(a, x.atA).startsAt).toBe(at('2030-01-07T12:00'));
    const problems = await a.ok(a.reception, 'sync.issues', {});
    expect(problems.problems.find((problem) => problem.entityId === x.atA)).toMatchObject({ reason: 'SUPERSEDED' });
    // The online booking A could not apply while X sat on its slot is on the board now.
    expect(a.appointments()).toEqual(b.appointments());
  });

  it('clears the conflict when the cloud cancels the appointment, so no way out is left dangling', async () => {
    await conflictAtA();
    await b.ok(b.reception, 'appointments.cancel', { id: x.atB, reason: 'Patient called' });
    await b.sync();
    expect(await a.sync()).toMatchObject({ conflicts: 0, pending: 0 });
    expect(startAt(a, x.atA).status).toBe('cancelled');
  });

  it('says where the time was taken: at another desk, naming the practitioner when the room is taken too', async () => {
    const atB = await b.ok(b.reception, 'appointments.book', {
      patientId: b.localId('patients', a.uidOf('patients', practice.patients[1]!)),
      specialtyId: b.localId('specialties', a.uidOf('specialties', practice.general)),
      practitionerId: b.localId('practitioners', a.uidOf('practitioners', practice.ana)),
      startsAt: at('2030-01-07T11:00'),
    });
    await b.sync();
    await a.ok(a.reception, 'appointments.reschedule', { id: x.atA, startsAt: at('2030-01-07T11:00') });
    expect(await a.sync()).toMatchObject({ conflicts: 1 });
    const { conflicts } = await a.ok(a.reception, 'sync.issues', {});
    expect(conflicts).toEqual([
      {
        appointmentId: x.atA,
        // B's booking waits (parked) while A's sits on its slot: where it came from is the cloud's word.
        clash: { kind: 'practitioner', startsAt: atB.startsAt, endsAt: atB.endsAt, appointmentId: null, takenBy: 'desk' },
        refusedAt: clock.now,
      },
    ]);
  });

  it('says "taken online" for a booking from the portal', async () => {
    await conflictAtA();
    const { conflicts } = await a.ok(a.reception, 'sync.issues', {});
    expect(conflicts[0]!.clash).toMatchObject({ kind: 'practitioner', takenBy: 'online' });
  });
});
