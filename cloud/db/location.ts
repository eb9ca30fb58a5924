import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, startEmbeddedPostgres } from './postgres';

/**
 * Where the cloud's database is on its own computer: `npm run cloud` without DATABASE_URL
 * runs PostgreSQL itself in `<data-dir>/postgres`, and leaves the server's address in
 * `<data-dir>/database-url` for the console commands beside it (join-code, cloud:admin).
 */

export const EMBEDDED_DATABASE = 'front_desk_cloud';
export const URL_FILE = 'database-url';

export interface Database {
  url: string;
  stop(): Promise<void>;
}

/** The embedded server on `dataDir` (started now, stopped by `stop`). */
export async function embeddedDatabase(dataDir: string, log?: (line: string) => void): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), persistent: true, log });
  const url = await createDatabase(postgres.adminUrl, EMBEDDED_DATABASE);
  return { url, stop: () => postgres.stop() };
}
