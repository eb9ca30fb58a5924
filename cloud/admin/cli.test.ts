import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudClient } from '../cloud-client';
import { openCloudDb, type CloudDb } from '../db/cloud-db';
import { createTestDatabase, type TestDatabase } from '../db/test-database';
import { startCloudServer, type CloudServer } from '../server';
import { patient, rawRequest, seedClinic, upsert } from '../test-fixtures';
import { runAdmin } from './cli';

/** `npm run cloud:admin`: clinics and the tokens of their desks, from the cloud's own computer. */

const NOW = Date.UTC(2030, 0, 7, 9);
const MINUTE = 60_000;

let database: TestDatabase;
let db: CloudDb;
let server: CloudServer;
let clock = NOW;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openCloudDb(database.url, 2);
  // No static tokens: every desk here has one the cloud issued.
  server = await startCloudServer({ port: 0, databaseUrl: database.url, now: () => clock });
});
afterAll(async () => {
  await server.close();
  await db.destroy();
  await database.drop();
});

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(db, argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, clock);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const LISBON = ['--time-zone', 'Europe/Lisbon', '--languages', 'pt-PT,en', '--currency', 'EUR'];

/** The token printed by issue-token: the one indented line. */
const tokenIn = (out: string) => /^ {2}(\S+)$/m.exec(out)![1]!;

describe('cloud:admin', () => {
  it('creates clinics with their settings and lists them; a slug is taken once', async () => {
    expect(await admin('create-clinic', '--slug', 'lisbon', '--name', 'Clínica de Lisboa', ...LISBON)).toMatchObject({ code: 0 });
    const again = await admin('create-clinic', '--slug', 'lisbon', '--name', 'Another', ...LISBON);
    expect(again).toMatchObject({ code: 1, err: 'A clinic with the slug "lisbon" exists already.' });
    const { code, out } = await admin('list-clinics');
    expect(code).toBe(0);
    expect(out).toMatch(/^lisbon\s+Clínica de Lisboa\s+Europe\/Lisbon\s+pt-PT,en\s+EUR\s+120 min notice, 90 days ahead\s+2030-01-07T09:00:00Z$/m);
    // How soon and how far ahead patients may book online.
    expect(await admin('set-clinic', '--clinic', 'lisbon', '--portal-min-notice', '1440', '--portal-horizon', '30')).toMatchObject({ code: 0 });
    expect((await admin('list-clinics')).out).toMatch(/^lisbon\s.*1440 min notice, 30 days ahead/m);
  });

  it('refuses bad input with the reason and exit code 2, and writes nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['create-clinic', '--slug', 'porto', '--name', 'Porto', '--time-zone', 'Europe/Porto', '--languages', 'pt-PT', '--currency', 'EUR'], /time zone/],
      [['create-clinic', '--slug', 'porto', '--name', 'Porto', '--time-zone', 'europe/lisbon', '--languages', 'pt-PT', '--currency', 'EUR'], /time zone/],
      [['create-clinic', '--slug', 'porto', '--name', 'Porto', ...LISBON.slice(0, 2), '--languages', 'pt_PT', '--currency', 'EUR'], /language tag/],
      [['create-clinic', '--slug', 'porto', '--name', 'Porto', ...LISBON.slice(0, 4), '--currency', 'EURO'], /currency/],
      [['create-clinic', '--slug', 'Porto!', '--name', 'Porto', ...LISBON], /slug/],
      [['create-clinic', '--name', 'Porto', ...LISBON], /--slug is required/],
      [['create-clinic', '--slug', 'porto', '--nmae', 'Porto', ...LISBON], /Unknown option/],
      [['issue-token', '--clinic', 'lisbon'], /--desk is required/],
      [['issue-token', '--clinic', 'lisbon', '--desk', 'D', '--kind', 'admin'], /kind/],
      [['revoke-token', '--clinic', 'lisbon', 'abc'], /token’s id/],
      [['set-clinic', '--clinic', 'lisbon'], /nothing to change/],
      [['set-clinic', '--clinic', 'lisbon', '--portal-min-notice', 'soon'], /portalMinNoticeMinutes/],
      [['set-clinic', '--clinic', 'lisbon', '--portal-horizon', '0'], /portalHorizonDays/],
      [['make-coffee'], /Unknown command: make-coffee/],
    ];
    for (const [argv, reason] of cases) {
      const result = await admin(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toMatch(reason);
    }
    expect((await admin('list-clinics')).out).not.toMatch(/porto/i);
  });

  it('names an unknown clinic or token, exit code 1', async () => {
    expect(await admin('issue-token', '--clinic', 'nowhere', '--desk', 'D')).toMatchObject({ code: 1, err: 'There is no clinic with the slug "nowhere".' });
    expect(await admin('list-desks', '--clinic', 'nowhere')).toMatchObject({ code: 1 });
    expect(await admin('set-clinic', '--clinic', 'nowhere', '--name', 'X')).toMatchObject({ code: 1 });
    expect(await admin('revoke-token', '--clinic', 'lisbon', '999999')).toMatchObject({ code: 1, err: 'The clinic "lisbon" has no token 999999.' });
  });

  it('changes a clinic’s settings', async () => {
    await admin('create-clinic', '--slug', 'madeira', '--name', 'Madeira', ...LISBON);
    const { code, out } = await admin('set-clinic', '--clinic', 'madeira', '--time-zone', 'Atlantic/Madeira', '--languages', 'pt-PT');
    expect(code).toBe(0);
    expect(out).toMatch(/^madeira\s+Madeira\s+Atlantic\/Madeira\s+pt-PT\s+EUR/m);
  });

  it('issues a token once, for one desk of one clinic; it syncs that clinic only, shows when it last synced, and is refused once revoked', async () => {
    await admin('create-clinic', '--slug', 'faro', '--name', 'Faro', ...LISBON);
    const lisbonDesk = cloudClient(server.url, tokenIn((await admin('issue-token', '--clinic', 'lisbon', '--desk', 'Reception')).out));
    const issued = await admin('issue-token', '--clinic', 'faro', '--desk', 'Front desk 2');
    expect(issued.code).toBe(0);
    const token = tokenIn(issued.out);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const faroDesk = cloudClient(server.url, token);

    const lisbonClinic = await seedClinic(lisbonDesk);
    await faroDesk.push('faro', [upsert('patient', lisbonClinic.patientUid, patient('Faro’s own'))]);
    const faroRows = (await faroDesk.pullAll()).changes;
    expect(faroRows.map((change) => change.data)).toEqual([expect.objectContaining({ fullName: 'Faro’s own' })]);

    // Last synced moves at most once a minute.
    clock = NOW + 30_000;
    await faroDesk.pullAll();
    let desks = (await admin('list-desks', '--clinic', 'faro')).out;
    expect(desks).toMatch(/^(\d+)\s+Front desk 2\s+desk\s+admin\s+2030-01-07T09:00:00Z\s+2030-01-07T09:00:00Z\s+-\s+[0-9a-f]{8}…$/m);
    expect(desks).not.toContain(token);
    clock = NOW + MINUTE + 1;
    await faroDesk.pullAll();
    desks = (await admin('list-desks', '--clinic', 'faro')).out;
    expect(desks).toMatch(/Front desk 2\s+desk\s+admin\s+2030-01-07T09:00:00Z\s+2030-01-07T09:01:00\.001Z\s+-/);
    // Lisbon's desks are not Faro's.
    expect(desks).not.toContain('Reception');

    const id = /^(\d+)\s+Front desk 2/m.exec(desks)![1]!;
    expect(await admin('revoke-token', '--clinic', 'lisbon', id)).toMatchObject({ code: 1 });
    expect((await rawRequest(server.url, '/v1/changes', { token })).status).toBe(200);
    expect(await admin('revoke-token', '--clinic', 'faro', id)).toMatchObject({ code: 0 });
    expect((await rawRequest(server.url, '/v1/changes', { token })).status).toBe(401);
    expect((await admin('list-desks', '--clinic', 'faro')).out).toMatch(/Front desk 2\s+desk\s+admin\s+\S+\s+\S+\s+2030-01-07T09:01:00\.001Z/);
    // The other clinic's desk goes on.
    expect((await lisbonDesk.pullAll()).changes.length).toBeGreaterThan(0);
    clock = NOW;
  });

  it('issues portal tokens, which sync as the portal', async () => {
    const token = tokenIn((await admin('issue-token', '--clinic', 'lisbon', '--desk', 'Online booking', '--kind', 'portal')).out);
    expect((await rawRequest(server.url, '/v1/events', { token })).status).toBe(403);
    const pulled = (await cloudClient(server.url, token).pullAll()).changes;
    expect(pulled.length).toBeGreaterThan(0);
    expect(pulled.filter((change) => change.entity === 'patient')).toEqual([]);
    expect((await admin('list-desks', '--clinic', 'lisbon')).out).toMatch(/Online booking\s+portal\s+admin/);
  });

  it('runs as a command: npm run cloud:admin', async () => {
    const run = promisify(execFile);
    const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const cli = join(__dirname, 'cli.ts');
    const made = await run(tsx, [cli, 'create-clinic', '--slug', 'braga', '--name', 'Braga', ...LISBON], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    expect(made.stdout).toContain('Clinic "braga" created.');
    const refused = await run(tsx, [cli, '--database-url', database.url, 'list-desks', '--clinic', 'nowhere']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 1, stderr: 'There is no clinic with the slug "nowhere".\n' });
  }, 30_000);
});
