import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, type MigrationProvider } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../database';
import { migrations } from './index';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * For migration tests: each test gets an empty database file and a migrator over the
 * static map, to migrate up to the step before the one under test. Call it at the top of
 * the file; its properties hold the current test's.
 */
export function useMigrationDatabase(): { readonly database: OpenedDatabase; readonly migrator: Migrator } {
  let dir = '';
  const current = {} as { database: OpenedDatabase; migrator: Migrator };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fd-'));
    current.database = openDatabase(join(dir, 'front-desk.db'));
    current.migrator = new Migrator({ db: current.database.db, provider });
  });
  afterEach(async () => {
    await current.database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return current;
}
