import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudClient } from '../cloud-client';
import { startCloudServer, type CloudServer } from '../server';
import { appointment, only, patient, rawRequest, seedClinic, startTestCloud, upsert, type TestCloud } from '../test-fixtures';
import { openCloudDb } from './cloud-db';
import { cloudMigrations } from './migrations';

/** The cloud's database itself: many clinics in one, and invariants the database keeps whatever the code does. */

let cloud: TestCloud;
let other: CloudServer | null = null;

beforeEach(async () => {
  cloud = await startTestCloud();
});
afterEach(async () => {
  await other?.close();
  other = null;
  await cloud.close();
});

describe('the cloud database', () => {
  it('migrates once: opening it again changes nothing', async () => {
    const db = await openCloudDb(cloud.databaseUrl, 1);
    await db.destroy();
    expect(await cloud.server.query('SELECT name FROM kysely_migration ORDER BY name')).toEqual(Object.keys(cloudMigrations).map((name) => ({ name })));
  });

  it('keeps clinics apart: another clinic on the same database sees none of its rows, and may use the same uids', async () => {
    const clinic = await seedClinic(cloud.desk);
    other = await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, clinic: 'other', tokens: { desk: ['other-desk'] } });
    const otherDesk = cloudClient(other.url, 'other-desk');
    expect((await otherDesk.pullAll()).changes).toEqual([]);
    // The same patient uid, in the other clinic: its own row at version 1.
    expect(only((await otherDesk.push('o', [upsert('patient', clinic.patientUid, patient('Someone else'))])).results)).toMatchObject({
      status: 'applied',
      version: 1,
    });
    // A reference to a row of the first clinic is not a reference in the other.
    const booking = only((await otherDesk.push('o', [upsert('appointment', randomUUID(), appointment(clinic))])).results);
    expect(booking).toMatchObject({ status: 'rejected', reason: 'MISSING_REFERENCE' });
    // Each clinic's feed, seqs and epoch are its own.
    expect(await other.lastSeq()).toBe(1);
    expect((await cloud.desk.pullAll()).changes.find((c) => c.uid === clinic.patientUid)?.data).toMatchObject({ fullName: 'Maria Silva' });
    // A join code minted in the other clinic brings a desk into the other clinic only.
    const json = { 'Content-Type': 'application/json' };
    const { code } = (await rawRequest(other.url, '/v1/join-codes', { token: 'other-desk', method: 'POST', headers: json, body: '{}' })).json() as {
      code: string;
    };
    const joined = await rawRequest(cloud.server.url, '/v1/join', {
      token: null,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ code, deskName: 'Other reception' }),
    });
    const { token } = joined.json() as { token: string };
    expect((await cloudClient(cloud.server.url, token).pullAll()).changes.map((c) => c.uid)).toEqual([clinic.patientUid]);
    expect((await cloudClient(cloud.server.url, token).pullAll()).changes[0]!.data).toMatchObject({ fullName: 'Someone else' });
  });

  it('refuses overlapping active appointments by itself (the exclusion constraints), whatever writes them', async () => {
    const insert = (uid: string, practitioner: string, room: string | null, startsAt: number, status = 'booked') =>
      cloud.server.query(
        'INSERT INTO appointment_spans (clinic_id, uid, practitioner_uid, room_uid, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [cloud.server.clinicId, uid, practitioner, room, startsAt, startsAt + 1000, status],
      );
    await insert('a', 'p1', 'r1', 0);
    await expect(insert('b', 'p1', null, 500)).rejects.toMatchObject({ code: '23P01', constraint: 'spans_no_practitioner_overlap' });
    await expect(insert('c', 'p2', 'r1', 999)).rejects.toMatchObject({ code: '23P01', constraint: 'spans_no_room_overlap' });
    // Touching is not overlapping; a cancelled appointment holds no time.
    await insert('d', 'p1', 'r1', 1000);
    await insert('e', 'p1', 'r1', 500, 'cancelled');
    expect(await cloud.server.overlaps()).toEqual([]);
  });

  it('never deletes a clinic (its busy tables carry clinic_id without a foreign key)', async () => {
    await seedClinic(cloud.desk);
    await expect(cloud.server.query('DELETE FROM clinics WHERE id = $1', [cloud.server.clinicId])).rejects.toThrow(/CLINIC_NOT_DELETABLE/);
    await expect(cloud.server.query('TRUNCATE clinics CASCADE')).rejects.toThrow(/CLINIC_NOT_DELETABLE/);
    expect(await cloud.server.query('SELECT count(*)::int AS n FROM rows WHERE clinic_id = $1', [cloud.server.clinicId])).toEqual([{ n: 6 }]);
  });
});
