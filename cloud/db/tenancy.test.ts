import { randomBytes } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../admin/tokens.service';
import { cloudClient } from '../cloud-client';
import { startCloudServer, type CloudServer } from '../server';
import { only, patient, seedClinic, startTestCloud, upsert, type Clinic, type TestCloud } from '../test-fixtures';
import { connectCloudDb, openCloudDb, type CloudDb, type Executor } from './cloud-db';
import { changesAfter, clinicState, ensureClinic } from './cloud.repository';
import { adminQuery, databaseUrlOf } from './postgres';
import { asAdmin, inClinic } from './tenancy.repository';

/**
 * Row-level security, the second wall: whatever a statement forgets, a request's transaction
 * sees and writes its own clinic's rows only. Statements here are written by hand on purpose:
 * they are the repository that forgot its WHERE.
 */

let cloud: TestCloud;
let other: CloudServer;
let db: CloudDb;
let a: Clinic;
let b: Clinic;

const raw = async <T>(ex: Executor, text: string, params: unknown[] = []) => (await ex.executeQuery<T>(CompiledQuery.raw(text, params))).rows;

beforeAll(async () => {
  cloud = await startTestCloud();
  other = await startCloudServer({ port: 0, databaseUrl: cloud.databaseUrl, clinic: 'other', tokens: { desk: ['other-desk'] } });
  a = await seedClinic(cloud.desk);
  b = await seedClinic(cloudClient(other.url, 'other-desk'));
  db = await openCloudDb(cloud.databaseUrl, 2);
});
afterAll(async () => {
  await db.destroy();
  await other.close();
  await cloud.close();
});

describe('row-level security', () => {
  it('runs requests as a role that is neither a superuser nor the tables’ owner', async () => {
    const [who] = await inClinic(db, cloud.server.clinicId, (trx) =>
      raw<{ role: string; superuser: boolean; bypass: boolean }>(
        trx,
        `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    );
    expect(who).toEqual({ role: 'front_desk_app', superuser: false, bypass: false });
    const owners = await raw<{ owner: string }>(db, `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`);
    expect(owners.map((row) => row.owner)).not.toContain('front_desk_app');
  });

  it('forces a policy on every table with a clinic in it', async () => {
    const tables = await asAdmin(db, (trx) =>
      raw<{ table: string; enabled: boolean; forced: boolean; policies: number }>(
        trx,
        `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
           (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND (c.relname = 'clinics' OR EXISTS (
           SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND NOT a.attisdropped))
         ORDER BY 1`,
      ),
    );
    expect(tables.map((t) => t.table)).toEqual(['appointment_spans', 'clinics', 'desk_tokens', 'join_codes', 'mutations', 'refs', 'rows']);
    for (const table of tables) expect(table, table.table).toMatchObject({ enabled: true, forced: true, policies: 2 });
  });

  it('shows a clinic’s transaction its own rows only, even to a statement with no WHERE', async () => {
    const all = await asAdmin(db, (trx) => raw<{ clinic_id: number }>(trx, 'SELECT DISTINCT clinic_id FROM rows ORDER BY 1'));
    expect(all.map((row) => row.clinic_id)).toEqual([cloud.server.clinicId, other.clinicId].sort());
    const seen = await inClinic(db, cloud.server.clinicId, (trx) => raw<{ clinic_id: number; uid: string }>(trx, 'SELECT clinic_id, uid FROM rows'));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((row) => row.clinic_id))).toEqual(new Set([cloud.server.clinicId]));
    expect(seen.map((row) => row.uid)).not.toContain(b.patientUid);
    const clinics = await inClinic(db, other.clinicId, (trx) => raw<{ slug: string }>(trx, 'SELECT slug FROM clinics'));
    expect(clinics).toEqual([{ slug: 'other' }]);
  });

  it('gives a repository call for another clinic than the transaction’s nothing', async () => {
    const rows = await inClinic(db, cloud.server.clinicId, (trx) => changesAfter(trx, other.clinicId, 0, 0, 100, []));
    expect(rows).toEqual([]);
    // The clinic's own state is not there either: the caller learns nothing of B.
    await expect(inClinic(db, cloud.server.clinicId, (trx) => clinicState(trx, other.clinicId))).resolves.toBeUndefined();
  });

  it('refuses a write into another clinic, and a write that moves a row there', async () => {
    const write = inClinic(db, cloud.server.clinicId, (trx) =>
      raw(trx, `INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid) VALUES ($1, 'room', 'x', 'room', 'y')`, [other.clinicId]),
    );
    await expect(write).rejects.toMatchObject({ code: '42501' });
    const move = inClinic(db, cloud.server.clinicId, (trx) => raw(trx, 'UPDATE rows SET clinic_id = $1 WHERE uid = $2', [other.clinicId, a.patientUid]));
    await expect(move).rejects.toMatchObject({ code: '42501' });
    // An update or delete with no WHERE reaches the transaction's clinic only.
    const touched = await inClinic(db, other.clinicId, (trx) => raw<{ uid: string }>(trx, 'UPDATE rows SET updated_by = updated_by RETURNING uid'));
    expect(touched.map((row) => row.uid)).toContain(b.patientUid);
    expect(touched.map((row) => row.uid)).not.toContain(a.patientUid);
  });

  it('shows a statement outside any clinic’s transaction nothing, and lets it write nothing', async () => {
    expect(await raw(db, 'SELECT * FROM rows')).toEqual([]);
    expect(await raw(db, 'SELECT * FROM desk_tokens')).toEqual([]);
    await expect(
      raw(db, `INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid) VALUES ($1, 'room', 'x', 'room', 'y')`, [cloud.server.clinicId]),
    ).rejects.toMatchObject({
      code: '42501',
    });
    // A clinic's transaction leaves nothing behind on its connection.
    await inClinic(db, cloud.server.clinicId, (trx) => raw(trx, 'SELECT 1'));
    expect(await raw(db, `SELECT current_user AS role, current_setting('app.clinic_id', true) AS clinic`)).toEqual([{ role: 'front_desk_app', clinic: '' }]);
  });

  it('keeps a desk of one clinic to its clinic through the API, even with the other clinic’s uids', async () => {
    const mine = await cloud.desk.pullAll();
    expect(mine.changes.map((change) => change.uid)).not.toContain(b.patientUid);
    // B's patient uid, pushed by A's desk: a new row of A; B's stays as it was.
    const before = await other.query<{ data: string; version: number }>('SELECT data, version FROM rows WHERE clinic_id = $1 AND uid = $2', [
      other.clinicId,
      b.patientUid,
    ]);
    expect(only((await cloud.desk.push('a', [upsert('patient', b.patientUid, patient('Not B’s patient'))])).results)).toMatchObject({
      status: 'applied',
      version: 1,
    });
    const after = await other.query('SELECT data, version FROM rows WHERE clinic_id = $1 AND uid = $2', [other.clinicId, b.patientUid]);
    expect(after).toEqual(before);
    expect((await cloudClient(other.url, 'other-desk').pullAll()).changes.find((change) => change.uid === b.patientUid)?.data).toMatchObject({
      fullName: 'Maria Silva',
    });
  });
});

describe('row-level security with a connecting role that is not a superuser (a deployment)', () => {
  it('holds the tables’ owner to the policies too (FORCE), but on the admin path it says it takes', async () => {
    const suffix = randomBytes(4).toString('hex');
    const owner = `fd_owner_${suffix}`;
    const name = `fd_owned_${suffix}`;
    const password = randomBytes(12).toString('hex');
    const adminUrl = process.env.FD_TEST_PG_ADMIN_URL!;
    // front_desk_app exists in this server already (made by the template's migration): granted, as a deployment's DBA would.
    await adminQuery(adminUrl, [
      `CREATE ROLE ${owner} LOGIN PASSWORD '${password}'`,
      `GRANT front_desk_app TO ${owner}`,
      `CREATE DATABASE ${name} OWNER ${owner}`,
    ]);
    const url = new URL(databaseUrlOf(adminUrl, name));
    url.username = owner;
    url.password = password;
    const ownerServer = await startCloudServer({ port: 0, databaseUrl: url.toString(), clinic: 'one', tokens: { desk: ['one-desk'] } });
    const owned = await openCloudDb(url.toString(), 2);
    const plain = connectCloudDb(url.toString(), 1);
    try {
      const one = await seedClinic(cloudClient(ownerServer.url, 'one-desk'));
      const two = await ensureClinic(owned, 'two', 0);
      await inClinic(owned, two, (trx) =>
        raw(trx, `INSERT INTO refs (clinic_id, from_entity, from_uid, to_entity, to_uid) VALUES ($1, 'room', 'x', 'room', 'y')`, [two]),
      );
      // The owner, outside the admin path: nothing.
      expect(await raw(plain, 'SELECT * FROM rows')).toEqual([]);
      expect(await raw(plain, 'SELECT * FROM clinics')).toEqual([]);
      // On it: every clinic.
      const clinics = await asAdmin(owned, (trx) => raw<{ slug: string }>(trx, 'SELECT slug FROM clinics ORDER BY slug'));
      expect(clinics).toEqual([{ slug: 'one' }, { slug: 'two' }]);
      // A request's transaction: its clinic only.
      const refs = await inClinic(owned, two, (trx) => raw<{ clinic_id: number }>(trx, 'SELECT clinic_id FROM refs'));
      expect(refs).toEqual([{ clinic_id: two }]);
      const rows = await inClinic(owned, two, (trx) => raw(trx, 'SELECT * FROM rows'));
      expect(rows).toEqual([]);
      expect((await cloudClient(ownerServer.url, 'one-desk').pullAll()).changes.map((change) => change.uid)).toContain(one.patientUid);
      // A token the cloud issued is found by the owner's function, and its desk syncs its clinic only.
      const { token } = await issueToken(owned, 'two', 'Desk of two', 'desk', 0);
      expect((await cloudClient(ownerServer.url, token).pullAll()).changes).toEqual([]);
    } finally {
      await plain.destroy();
      await owned.destroy();
      await ownerServer.close();
      await adminQuery(adminUrl, [`DROP DATABASE ${name} WITH (FORCE)`, `DROP OWNED BY ${owner}`, `DROP ROLE ${owner}`]);
    }
  }, 30_000);
});
