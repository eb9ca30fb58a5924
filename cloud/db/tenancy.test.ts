import { randomBytes } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../admin/tokens.service';
import { cloudClient } from '../cloud-client';
import { startCloudServer, type CloudServer } from '../server';
import { only, patient, seedClinic, startTestCloud, upsert, type Clinic, type TestCloud } from '../test-fixtures';
import { connectCloudDb, openCloudDb, type CloudDb, type Executor } from './cloud-db';
import { changesAfter, clashWith, clinicState, ensureClinic } from './cloud.repository';
import { batchFacts } from './push-batch.repository';
import { mutationFacts } from './push.repository';
import { adminQuery, databaseUrlOf } from './postgres';
import { asAdmin, inClinic, startAsApp } from './tenancy.repository';

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

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows of tables an explained plan read (returned or filtered out), over all its loops. */
function rowsRead(explained: unknown): number {
  const walk = (node: PlanNode): number =>
    (node['Relation Name'] !== undefined
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * (node['Actual Loops'] ?? 1)
      : 0) + (node.Plans ?? []).reduce((sum, child) => sum + walk(child), 0);
  return (explained as Array<{ Plan: PlanNode }>).reduce((sum, entry) => sum + walk(entry.Plan), 0);
}

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
    expect(tables.map((t) => t.table)).toEqual([
      'appointment_spans',
      'clinic_payment_providers',
      'clinics',
      'desk_tokens',
      'join_codes',
      'mutations',
      'payment_events',
      'payment_refunds',
      'payments',
      'refs',
      'rows',
    ]);
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

describe('row-level security and the push path', () => {
  it('finds clashes through an index range, not by reading the practitioner’s every appointment (only leakproof operators reach an index scan)', async () => {
    const clinic = cloud.server.clinicId;
    await cloud.server.query(
      `INSERT INTO appointment_spans (clinic_id, uid, practitioner_uid, room_uid, starts_at, ends_at, status)
       SELECT $1, 'bulk-' || g, $2, $3, g::bigint * 3600000, g::bigint * 3600000 + 1200000, 'booked' FROM generate_series(1, 20000) g`,
      [clinic, a.practitionerUids[1], a.roomUids[1]],
    );
    await cloud.server.query(
      `INSERT INTO rows (clinic_id, entity, uid, version, deleted, data, seq, updated_by, updated_at)
       SELECT $1, 'appointment', 'bulk-' || g, 1, false, '{}', 1000000 + g, 'bulk', 0 FROM generate_series(1, 20000) g`,
      [clinic],
    );
    await cloud.server.query('ANALYZE appointment_spans');
    await cloud.server.query('ANALYZE rows');
    const span = {
      uid: 'new',
      practitionerUid: a.practitionerUids[1],
      roomUid: a.roomUids[1],
      startsAt: 5000 * 3600000,
      endsAt: 5000 * 3600000 + 600000,
      status: 'booked',
    };
    // The statements the push path runs, captured as sent, then explained in the clinic's transaction.
    const captured: CompiledQuery[] = [];
    const pool = new pg.Pool({ connectionString: cloud.databaseUrl, max: 1 });
    const logged = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool, onCreateConnection: startAsApp }),
      log: (event) => void captured.push(event.query),
    });
    try {
      await inClinic(logged, clinic, async (trx) => {
        await clashWith(trx, clinic, 'practitioner', span.practitionerUid, span.uid, span.startsAt, span.endsAt);
        await clashWith(trx, clinic, 'room', span.roomUid, span.uid, span.startsAt, span.endsAt);
        await mutationFacts(trx, clinic, { mutationId: 'm', entity: 'appointment', uid: span.uid, refs: [], username: null, activeSpan: span });
        await batchFacts(trx, clinic, { mutationIds: ['m'], rows: [['appointment', span.uid]], deleted: [], spans: [span], usernames: [] });
      });
      const asked = captured.filter((query) => query.sql.includes('appointment_spans'));
      expect(asked).toHaveLength(4);
      for (const query of asked) {
        const [plan] = await inClinic(db, clinic, (trx) =>
          raw<{ 'QUERY PLAN': unknown }>(trx, `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, [...query.parameters]),
        );
        // A few rows around the time asked for, not the 20,000 of the practitioner (or room), nor the clinic's every appointment row.
        expect(rowsRead(plan!['QUERY PLAN']), query.sql).toBeLessThan(50);
      }
    } finally {
      await logged.destroy();
    }
  });
});
