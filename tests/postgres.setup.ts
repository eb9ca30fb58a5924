import { startTestPostgres } from '../cloud/db/test-database';

/** vitest and Playwright globalSetup: one PostgreSQL for the whole run (see cloud/db/test-database.ts). */
export default async function setup(): Promise<() => Promise<void>> {
  return startTestPostgres();
}
