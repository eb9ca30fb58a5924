import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { compact } from './changes.service';
import { openCloudDb, type CloudDb } from './db/cloud-db';
import { clinicState, ensureClinic, findOverlaps, runStatement, type Overlap } from './db/cloud.repository';
import { buildApp, type CloudPlugin, type RateLimitOptions } from './http/app';
import { adminRoutes } from './admin/admin.routes';
import { makeAuthenticator, type StaticTokens } from './http/auth';
import type { CloudContext } from './http/context';
import { startChangeNotifier, type ChangeNotifier } from './events/change-notifier';
import { eventStreams } from './events/event-streams';
import { createMetrics } from './http/metrics';
import { JoinThrottle, type JoinThrottleOptions } from './join.service';
import { startReconciler, type Reconciler } from './payments/reconcile';
import { secretBox } from './payments/secrets';

export { buildApp, type CloudPlugin } from './http/app';
export type { CloudContext } from './http/context';

/**
 * The reference cloud server: the contract of docs/cloud-api/openapi.json on Fastify, on
 * PostgreSQL. Its routes and limits are in http/; what a real deployment would do
 * differently is in docs/cloud-api/README.md.
 */

export interface CloudServerOptions {
  /** 0: any free port (tests). */
  port?: number;
  host?: string;
  /** postgres://… of the cloud's database (migrated on start). */
  databaseUrl: string;
  /** The clinic the static tokens belong to (made on first start). */
  clinic?: string;
  /**
   * Static bearer tokens, for tests and development: a desk may push and pull anything; the
   * portal creates patients and online bookings. They belong to the default clinic and cannot
   * be revoked but by restarting without them; tokens issued per desk (`npm run cloud:admin --
   * issue-token`, the admin API, joins) are the ones to deploy with.
   */
  tokens?: StaticTokens;
  /** The admin API's bearer token (CLOUD_ADMIN_TOKEN); none: the admin API is off (404). See admin/admin.routes.ts. */
  adminToken?: string;
  /** Tombstones older than the last this many changes are purged; older cursors get 410. */
  changeRetention?: number;
  bodyLimitBytes?: number;
  /** Comment lines on idle event streams, so proxies keep them open. */
  heartbeatMs?: number;
  now?: () => number;
  /** Structured logs (JSON, one line per request, never a body or a token); none: silent. */
  logger?: Logger;
  /** Wrong join codes allowed per source address (see JoinThrottle). */
  joinThrottle?: JoinThrottleOptions;
  /** How long a join code is good for (default 24 h). */
  joinCodeTtlMs?: number;
  /** Requests per token (or address) and window; false: none (default: DEFAULT_RATE_LIMIT). */
  rateLimit?: RateLimitOptions | false;
  /** Browser origins that may call the API (the patient portal's); none: no CORS headers. */
  corsOrigins?: readonly string[];
  /** GET /metrics asks for this bearer token; unset: open (bind the server to a private address). */
  metricsToken?: string;
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Behind a load balancer: Fastify's trustProxy (whose X-Forwarded-For gives the client's address). */
  trustProxy?: boolean | string | string[];
  /** More routes on this server (e.g. an admin API). */
  plugins?: readonly CloudPlugin[];
  /** CLOUD_SECRETS_KEY (32 bytes, base64): seals and opens the clinics' payment provider secrets; none: payments are off. */
  secretsKey?: string;
  /** The payment provider's timeout per request (default 10 s). */
  paymentTimeoutMs?: number;
  /**
   * The payments' reconciliation job, every `intervalMs` (see payments/reconcile.ts); off
   * unless given (tests run passes themselves with `reconcilePayments()`).
   */
  reconcile?: { intervalMs: number } | false;
}

export interface CloudServer {
  url: string;
  port: number;
  db: CloudDb;
  /** The clinic of the static tokens. */
  clinicId: number;
  /** The clinic's last seq. */
  lastSeq(): Promise<number>;
  /** Compaction now (keeping the last `keepLast` changes; default: the configured retention). */
  compact(keepLast?: number): Promise<{ purged: number; horizon: number }>;
  /** Pairs of overlapping active appointments: always empty (the exclusion constraints see to it). */
  overlaps(): Promise<Overlap[]>;
  /** A statement on the cloud's database, for tests and checks (never from a request). */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** One pass of the payments' reconciliation now, on this server's clock; how many payments it looked at. */
  reconcilePayments(): Promise<number>;
  close(): Promise<void>;
}

/** The clinic static tokens belong to when none is named. */
export const DEFAULT_CLINIC = 'default';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
export const DEFAULT_CHANGE_RETENTION = 100_000;

/** The version /v1/health reports: the package's. */
/** Set by scripts/build-cloud.mjs in the bundle, which has no package.json beside it. */
declare const __FRONT_DESK_VERSION__: string | undefined;

export const SERVER_VERSION =
  typeof __FRONT_DESK_VERSION__ === 'string'
    ? __FRONT_DESK_VERSION__
    : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function startCloudServer(options: CloudServerOptions): Promise<CloudServer> {
  const db = await openCloudDb(options.databaseUrl);
  const now = options.now ?? Date.now;
  let clinicId: number;
  try {
    clinicId = await ensureClinic(db, options.clinic ?? DEFAULT_CLINIC, now());
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const retention = options.changeRetention ?? DEFAULT_CHANGE_RETENTION;
  let secrets;
  try {
    secrets = options.secretsKey ? secretBox(options.secretsKey) : undefined;
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const metrics = createMetrics(db);
  const logger = options.logger ?? pino({ level: 'silent' });
  // Event streams hear of every push to the database, made on this server or any other.
  let notifier: ChangeNotifier;
  try {
    notifier = await startChangeNotifier({ databaseUrl: options.databaseUrl, log: (line) => logger.warn(line) });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const events = eventStreams({
    notifier,
    lastSeqOf: async (clinic) => (await clinicState(db, clinic)).lastSeq,
    heartbeatMs: options.heartbeatMs,
    onCount: (open) => metrics.eventStreams.set(open),
  });
  const context: CloudContext = {
    db,
    clinicId,
    now,
    authenticate: makeAuthenticator(options.tokens, db, clinicId, now),
    metrics,
    events,
    retention,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    joinThrottle: new JoinThrottle(options.joinThrottle),
    joinCodeTtlMs: options.joinCodeTtlMs,
    version: SERVER_VERSION,
    metricsToken: options.metricsToken,
    secrets,
    paymentTimeoutMs: options.paymentTimeoutMs,
  };
  const reconcilerOptions = {
    db,
    now,
    secrets,
    timeoutMs: options.paymentTimeoutMs,
    intervalMs: options.reconcile ? options.reconcile.intervalMs : 0,
    log: (message: string, fields?: Record<string, unknown>) => logger.warn(fields ?? {}, message),
  };
  const onDemand = startReconciler(reconcilerOptions, { timer: false });
  let reconciler: Reconciler | null = null;

  let app;
  try {
    app = await buildApp(context, {
      logger,
      rateLimit: options.rateLimit,
      corsOrigins: options.corsOrigins,
      requestTimeoutMs: options.requestTimeoutMs,
      connectionTimeoutMs: options.connectionTimeoutMs,
      trustProxy: options.trustProxy,
      plugins: [
        // The admin API (off, answering 404, without an admin token).
        async (admin) => admin.register(adminRoutes, { db, adminToken: options.adminToken, now, secrets, log: (line) => logger.info(line) }),
        ...(options.plugins ?? []),
      ],
    });
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await app?.close();
    await notifier.close();
    await db.destroy();
    throw error;
  }
  if (options.reconcile) reconciler = startReconciler(reconcilerOptions);
  const { port, address } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    db,
    clinicId,
    lastSeq: async () => (await clinicState(db, clinicId)).lastSeq,
    compact: (keepLast = retention) => compact(db, clinicId, keepLast),
    overlaps: () => findOverlaps(db, clinicId),
    query: <T>(text: string, params: readonly unknown[] = []) => runStatement<T>(db, text, params),
    reconcilePayments: () => onDemand.runOnce(),
    close: () => {
      closed ??= (async () => {
        await reconciler?.stop();
        await onDemand.stop();
        events.closeAll();
        await app.close();
        await notifier.close().catch(() => {});
        await db.destroy().catch(() => {});
      })();
      return closed;
    },
  };
}
