import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCloudDb } from './cloud-db';
import { adminQuery, createDatabase, startEmbeddedPostgres } from './postgres';

/**
 * PostgreSQL for tests: one server per test run (vitest's and Playwright's globalSetup call
 * `startTestPostgres`), a fresh database per cloud, copied from a migrated template (fast).
 * TEST_DATABASE_URL names an existing server (a role that may create databases) instead.
 */

const ADMIN_ENV = 'FD_TEST_PG_ADMIN_URL';
const TEMPLATE_ENV = 'FD_TEST_PG_TEMPLATE';

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Starts (or finds) the server and makes the template; the returned function undoes both. */
export async function startTestPostgres(): Promise<() => Promise<void>> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopServer = () => Promise.resolve();
  if (!adminUrl) {
    // os.tmpdir(): a fresh clone, a copy of the repo run as root (.ci/run): always writable, and reachable by the postgres user.
    const root = mkdtempSync(join(tmpdir(), 'fd-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: join(root, 'data'), persistent: false });
    adminUrl = server.adminUrl;
    stopServer = async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    };
  }
  const template = `fd_template_${randomBytes(4).toString('hex')}`;
  const db = await openCloudDb(await createDatabase(adminUrl, template), 1);
  await db.destroy();
  process.env[ADMIN_ENV] = adminUrl;
  process.env[TEMPLATE_ENV] = template;
  const admin = adminUrl;
  return async () => {
    await adminQuery(admin, [`DROP DATABASE IF EXISTS ${quote(template)} WITH (FORCE)`]).catch(() => {});
    await stopServer();
  };
}

export interface TestDatabase {
  url: string;
  /** A copy of this database as it is now (a backup), by name. */
  copy(name?: string): Promise<TestDatabase>;
  drop(): Promise<void>;
}

function testDatabase(adminUrl: string, name: string, url: string): TestDatabase {
  return {
    url,
    copy: async (copyName = `${name}_copy_${randomBytes(3).toString('hex')}`) =>
      testDatabase(adminUrl, copyName, await createDatabase(adminUrl, copyName, name)),
    drop: () => adminQuery(adminUrl, [`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`]),
  };
}

/** A fresh, migrated database with no clinic yet. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env[ADMIN_ENV];
  const template = process.env[TEMPLATE_ENV];
  if (!adminUrl || !template) throw new Error('No test PostgreSQL: the test runner’s globalSetup (tests/postgres.setup.ts) starts it.');
  const name = `fd_test_${randomBytes(6).toString('hex')}`;
  return testDatabase(adminUrl, name, await createDatabase(adminUrl, name, template));
}

/** Replaces database `target` by a copy of `source` (a restore from a backup); nobody may be connected to either. */
export async function restoreDatabase(source: TestDatabase, target: TestDatabase): Promise<void> {
  const adminUrl = process.env[ADMIN_ENV]!;
  const targetName = new URL(target.url).pathname.slice(1);
  const sourceName = new URL(source.url).pathname.slice(1);
  await adminQuery(adminUrl, [`DROP DATABASE ${quote(targetName)} WITH (FORCE)`]);
  await createDatabase(adminUrl, targetName, sourceName);
}
