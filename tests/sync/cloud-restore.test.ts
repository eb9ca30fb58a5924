import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudClient, replay } from '../../cloud/cloud-client';
import { createTestDatabase, restoreDatabase, type TestDatabase } from '../../cloud/db/test-database';
import { DESK_TOKEN } from '../../cloud/test-fixtures';
import { startCloudServer, type CloudServer } from '../../cloud/server';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * The cloud restored from a backup older than what the desks know. Their cursors are ahead
 * of it (410, reason AHEAD): what the cloud lost is on the desks, and goes back up. Nothing
 * acknowledged is deleted anywhere, and staff see what was sent again.
 */
describe('a cloud restored from an older backup', () => {
  let database: TestDatabase;
  let backup: TestDatabase | undefined;
  let server: CloudServer;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;

  const start = (port = 0) => startCloudServer({ port, databaseUrl: database.url, tokens: { desk: [DESK_TOKEN] } });

  beforeEach(async () => {
    database = await createTestDatabase();
    server = await start();
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 4);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await server.close();
    await database.drop();
    await backup?.drop();
  });

  const book = (desk: SyncDesk, patient: number, time: string, practitioner = practice.ana) =>
    desk.ok(desk.reception, 'appointments.book', {
      patientId: desk.localId('patients', a.uidOf('patients', patient)),
      specialtyId: desk.localId('specialties', a.uidOf('specialties', practice.general)),
      practitionerId: desk.localId('practitioners', a.uidOf('practitioners', practitioner)),
      startsAt: at(`2030-01-07T${time}`),
    });

  it('gets back from the desks every booking and move acknowledged after the backup, and deletes nothing', async () => {
    const x1 = await book(a, practice.patients[0]!, '09:00');
    const x2 = await book(a, practice.patients[1]!, '09:30');
    await a.sync();
    await b.sync();
    // A backup: a copy of the database (PostgreSQL copies a database nobody is connected to, so the cloud stops for a moment).
    const port = server.port;
    await server.close();
    backup = await database.copy();
    server = await start(port);

    // After the backup, all acknowledged by the cloud: two new bookings, a move at each desk.
    const x3 = await book(a, practice.patients[2]!, '11:00');
    const x4 = await book(b, practice.patients[3]!, '11:00', practice.bruno);
    await b.ok(b.reception, 'appointments.reschedule', { id: b.localId('appointments', a.uidOf('appointments', x1.id)), startsAt: at('2030-01-07T12:00') });
    await a.ok(a.reception, 'appointments.reschedule', { id: x2.id, startsAt: at('2030-01-07T12:30') });
    await a.sync();
    await b.sync();
    await a.sync();
    const acknowledged = a.appointments();
    expect(acknowledged).toHaveLength(4);
    expect(b.appointments()).toEqual(acknowledged);

    // The cloud is restored from the backup, on the same address.
    await server.close();
    await restoreDatabase(backup, database);
    server = await start(port);
    const cloudAppointments = async () => {
      const client = cloudClient(server.url, DESK_TOKEN);
      // The first request may meet a kept-alive socket of the server that was stopped.
      const { changes } = await client.pullAll().catch(() => client.pullAll());
      return [...replay(changes).values()].filter((row) => row.entity === 'appointment');
    };
    expect(await cloudAppointments()).toHaveLength(2);

    for (let round = 0; round < 3; round++) {
      await a.sync();
      await b.sync();
    }
    expect(a.appointments()).toEqual(acknowledged);
    expect(b.appointments()).toEqual(acknowledged);
    const onCloud = await cloudAppointments();
    expect(onCloud).toHaveLength(4);
    const byUid = new Map(onCloud.map((row) => [row.uid, row.data as { startsAt: number }]));
    for (const appointment of acknowledged) expect(byUid.get(appointment.uid)?.startsAt).toBe(appointment.startsAt);
    expect(await server.overlaps()).toEqual([]);

    // Staff are told what was sent again: at A its two new/moved rows the cloud lost.
    const resent = (await a.ok(a.reception, 'sync.issues', {})).problems.filter((problem) => problem.reason === 'RESENT');
    expect(resent.map((problem) => problem.entityId).sort()).toEqual(expect.arrayContaining([x2.id, x3.id].sort()));
    expect(await a.sync()).toMatchObject({ pending: 0, conflicts: 0 });
    void x4;
  });
});
