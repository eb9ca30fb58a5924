import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudClient, replay } from '../../cloud/cloud-client';
import { createTestDatabase, type TestDatabase } from '../../cloud/db/test-database';
import { DESK_TOKEN } from '../../cloud/test-fixtures';
import { startCloudServer, type CloudServer } from '../../cloud/server';
import { stageRestore } from '../../electron/backup/restore';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * A desk restored from its own backup (its disk failed, its database was damaged). The cloud
 * holds what the desk pushed after the backup, and other desks' changes; the backup may hold
 * changes the cloud never got. The restored desk pulls everything again under the "lost state"
 * rule: newer rows come down, what the cloud lacks goes back up, nothing is deleted.
 */
describe('a desk restored from its own backup', () => {
  let database: TestDatabase;
  let server: CloudServer;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;
  let dataDir: string;
  let folder: string;

  beforeEach(async () => {
    database = await createTestDatabase();
    server = await startCloudServer({ port: 0, databaseUrl: database.url, tokens: { desk: [DESK_TOKEN] } });
    clock = { now: at('2030-01-07T08:00') };
    dataDir = mkdtempSync(join(tmpdir(), 'fd-restore-a-'));
    folder = mkdtempSync(join(tmpdir(), 'fd-restore-backups-'));
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: server.url, token: DESK_TOKEN, dataDir });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 6);
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
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  const book = (desk: SyncDesk, patient: number, time: string, practitioner = practice.ana) =>
    desk.ok(desk.reception, 'appointments.book', {
      patientId: desk.localId('patients', a.uidOf('patients', patient)),
      specialtyId: desk.localId('specialties', a.uidOf('specialties', practice.general)),
      practitionerId: desk.localId('practitioners', a.uidOf('practitioners', practitioner)),
      startsAt: at(`2030-01-07T${time}`),
    });

  it('pulls everything again: gets back what it pushed after the backup, sends what only the backup had, loses nothing acknowledged', async () => {
    const x1 = await book(a, practice.patients[0]!, '09:00');
    await a.sync();
    // Booked just before the backup and never pushed: the backup is the only place it survives.
    const x2 = await book(a, practice.patients[1]!, '09:30');
    await a.ok(a.admin, 'backup.setFolder', { folder });
    const backup = await a.ok(a.admin, 'backup.run', {});
    // The desk goes on after the backup, offline for x2 (the push of x2 and what follows never reach the cloud)...
    const uidX2 = a.uidOf('appointments', x2.id);
    a.desk.database.sqlite.prepare(`DELETE FROM sync_outbox WHERE uid = ?`).run(uidX2);
    // ...and online for the rest: a booking and a move, acknowledged by the cloud. Desk B books too.
    const x3 = await book(a, practice.patients[2]!, '11:00');
    await a.ok(a.reception, 'appointments.reschedule', { id: x1.id, startsAt: at('2030-01-07T12:00') });
    await a.sync();
    await book(b, practice.patients[3]!, '10:00', practice.bruno);
    await b.sync();
    const uidX1 = a.uidOf('appointments', x1.id);
    const uidX3 = a.uidOf('appointments', x3.id);

    // A's database is lost; it is restored from the backup (staged, then swapped in at start).
    await a.close();
    const staged = await stageRestore({ file: backup.file!, dataDir, now: clock.now, staffId: null, workstation: 'test' });
    expect(staged.isSyncResent).toBe(true);
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: server.url, token: DESK_TOKEN, dataDir });
    expect(a.desk.restored).toMatchObject({ from: backup.file });
    // The replaced database is kept aside, not deleted.
    expect(readdirSync(dataDir).filter((name) => name.startsWith('before-restore-'))).toHaveLength(1);
    // The backup's state: x1 at 09:00, x2 not yet sent, no x3; and a full resync of the "lost state" kind is due.
    expect(a.appointments().map((row) => [row.uid, row.startsAt])).toEqual(
      [
        [uidX1, at('2030-01-07T09:00')],
        [uidX2, at('2030-01-07T09:30')],
      ].sort(),
    );
    expect(a.desk.database.sqlite.prepare(`SELECT cursor, resync_lost FROM sync_state`).get()).toEqual({ cursor: null, resync_lost: 1 });

    for (let round = 0; round < 3; round++) {
      await a.sync();
      await b.sync();
    }
    // A has everything the cloud acknowledged (its own move and booking after the backup, B's booking)...
    const atA = a.appointments();
    expect(atA.find((row) => row.uid === uidX1)?.startsAt).toBe(at('2030-01-07T12:00'));
    expect(atA.some((row) => row.uid === uidX3)).toBe(true);
    expect(atA).toHaveLength(4);
    // ...the cloud and B have what only the backup had...
    expect(b.appointments()).toEqual(atA);
    const { changes } = await cloudClient(server.url, DESK_TOKEN).pullAll();
    const onCloud = [...replay(changes).values()].filter((row) => row.entity === 'appointment');
    expect(onCloud.map((row) => row.uid).sort()).toEqual(atA.map((row) => row.uid));
    expect(await server.overlaps()).toEqual([]);
    // ...and the resync is over, nothing left to send.
    expect(a.desk.database.sqlite.prepare(`SELECT resync_lost FROM sync_state`).get()).toEqual({ resync_lost: 0 });
    expect(await a.sync()).toMatchObject({ pending: 0, conflicts: 0 });
    // The backup's older rows did not overwrite the cloud's newer ones (x1 was not sent back at
    // 09:00); x2 went up from the backup's outbox as the change it was, so nothing is listed as RESENT.
    const issues = await a.ok(a.reception, 'sync.issues', {});
    expect(issues.problems.filter((problem) => problem.reason === 'RESENT')).toEqual([]);
  }, 60_000);
});
