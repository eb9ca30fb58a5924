import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinRequest, PULL_PAGE_MAX, pushRequest, type CursorRefusal, type ErrorResponse } from '../shared/sync/cloud-api';
import { compact, PORTAL_HIDDEN, pullPage } from './changes.service';
import { openCloudDb, type CloudDb } from './db/cloud-db';
import { clinicState, ensureClinic, findOverlaps, runStatement, type Overlap } from './db/cloud.repository';
import { JoinThrottle, mintJoinCode, redeemJoinCode, type JoinThrottleOptions } from './join.service';
import { findToken } from './admin/tokens.service';
import { applyPush, type Principal } from './push.service';

/**
 * The reference cloud server: the contract of docs/cloud-api/openapi.yaml over node:http,
 * on PostgreSQL. Small on purpose; what a real deployment would do differently is in
 * docs/cloud-api/README.md.
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
  tokens?: { desk: readonly string[]; portal?: readonly string[] };
  /** The admin API's bearer token (CLOUD_ADMIN_TOKEN); none: the admin API is off (404). See admin/admin.routes.ts. */
  adminToken?: string;
  /** Tombstones older than the last this many changes are purged; older cursors get 410. */
  changeRetention?: number;
  bodyLimitBytes?: number;
  /** Comment lines on idle event streams, so proxies keep them open. */
  heartbeatMs?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Wrong join codes allowed per source address (see JoinThrottle). */
  joinThrottle?: JoinThrottleOptions;
  /** How long a join code is good for (default 24 h). */
  joinCodeTtlMs?: number;
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
  close(): Promise<void>;
}

/** The clinic static tokens belong to when none is named. */
export const DEFAULT_CLINIC = 'default';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
export const DEFAULT_CHANGE_RETENTION = 100_000;
const DEFAULT_PAGE = 500;

type ErrorCode = ErrorResponse['error']['code'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly reason?: CursorRefusal,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorResponse = { error: { code: error.code, message: error.message.slice(0, 500), ...(error.reason ? { reason: error.reason } : {}) } };
  sendJson(res, error.status, JSON.stringify(body), error.headers);
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * Compares digests in constant time, so the answer's timing says nothing about a token's
 * prefix; a token no static one matches may be one the cloud issued (found by its hash, on
 * every request: a revoked one is refused at once).
 */
interface Caller {
  principal: Principal;
  clinicId: number;
}

function makeAuthenticator(
  tokens: CloudServerOptions['tokens'] = { desk: [] },
  db: CloudDb,
  clinicId: number,
  now: () => number,
): (header: string | undefined) => Promise<Caller | null> {
  const known: Array<[Buffer, Principal]> = [
    ...tokens.desk.map((token): [Buffer, Principal] => [digest(token), 'desk']),
    ...(tokens.portal ?? []).map((token): [Buffer, Principal] => [digest(token), 'portal']),
  ];
  return async (header) => {
    const match = header === undefined ? null : /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header);
    if (!match) return null;
    const presented = digest(match[1]!);
    let principal: Principal | null = null;
    for (const [expected, who] of known) if (timingSafeEqual(expected, presented)) principal = who;
    if (principal !== null) return { principal, clinicId };
    const found = await findToken(db, match[1]!, now());
    return found && { principal: found.principal, clinicId: found.clinicId };
  };
}

/**
 * Reads the body up to `limit` bytes. A larger body is read to its end (up to a hard cap)
 * and thrown away, so the client can still read our 413 instead of a reset connection.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const hardCap = limit * 4;
  if (declared > hardCap) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`, { Connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > hardCap) break;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`, { Connection: 'close' });
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function requireJson(req: IncomingMessage): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(type)) {
    throw new HttpError(415, 'INVALID_REQUEST', 'The body must be application/json (UTF-8).');
  }
}

function parseJson(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new HttpError(400, 'INVALID_REQUEST', 'The body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'INVALID_REQUEST', 'The body is not valid JSON.');
  }
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const first = issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  return `Invalid request: ${first.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`;
}

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
  const authenticate = makeAuthenticator(options.tokens, db, clinicId, now);
  const joinThrottle = new JoinThrottle(options.joinThrottle);
  const retention = options.changeRetention ?? DEFAULT_CHANGE_RETENTION;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const log = options.log ?? (() => {});
  // Event streams by clinic. One process for now: a push here tells the streams here; the
  // LISTEN/NOTIFY increment calls broadcast from the notification instead.
  const streams = new Map<number, Set<ServerResponse>>();

  const lastSeqOf = async (clinic: number) => (await clinicState(db, clinic)).lastSeq;

  function broadcast(clinic: number, seq: number): void {
    const frame = `id: ${seq}\nevent: changes\ndata: {"seq":${seq}}\n\n`;
    for (const stream of streams.get(clinic) ?? []) stream.write(frame);
  }

  async function openEvents(req: IncomingMessage, res: ServerResponse, clinic: number): Promise<void> {
    const seq = await lastSeqOf(clinic);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tell buffering proxies (nginx) to pass events through as they come.
      'X-Accel-Buffering': 'no',
    });
    // The current seq at once: a client that missed events while reconnecting pulls if it is behind.
    res.write(`retry: 5000\n\nid: ${seq}\nevent: changes\ndata: {"seq":${seq}}\n\n`);
    const clinicStreams = streams.get(clinic) ?? new Set<ServerResponse>();
    streams.set(clinic, clinicStreams);
    clinicStreams.add(res);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 25_000);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      clinicStreams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://cloud.invalid');
    } catch {
      throw new HttpError(400, 'INVALID_REQUEST', 'The request target is not a URL.');
    }
    const route = `${req.method} ${url.pathname}`;
    const routes = ['POST /v1/push', 'GET /v1/changes', 'GET /v1/events', 'GET /v1/health', 'POST /v1/join-codes', 'POST /v1/join'];
    if (!routes.includes(route)) {
      const allowed = routes.filter((r) => r.endsWith(` ${url.pathname}`)).map((r) => r.split(' ')[0]!);
      if (allowed.length > 0) throw new HttpError(405, 'INVALID_REQUEST', `Use ${allowed.join(', ')} here.`, { Allow: allowed.join(', ') });
      throw new HttpError(404, 'INVALID_REQUEST', `No such endpoint: ${url.pathname.slice(0, 100)}`);
    }

    if (route === 'GET /v1/health') return sendJson(res, 200, '{"status":"ok"}');
    if (route === 'POST /v1/join') return join(req, res);

    const caller = await authenticate(req.headers.authorization);
    if (!caller) {
      throw new HttpError(401, 'UNAUTHORIZED', 'A valid bearer token is required.', { 'WWW-Authenticate': 'Bearer realm="front-desk-cloud"' });
    }
    const { principal } = caller;

    if (route === 'POST /v1/push') {
      requireJson(req);
      const parsed = pushRequest.safeParse(parseJson(await readBody(req, bodyLimit)));
      if (!parsed.success) throw new HttpError(400, 'INVALID_REQUEST', describeIssues(parsed.error.issues));
      const outcome = await applyPush(db, caller.clinicId, parsed.data, principal, now());
      if (outcome.applied > 0) {
        // Compaction only once changes have gone past the retention (a transaction saved on most pushes).
        if (outcome.lastSeq - retention > outcome.horizon) await compact(db, caller.clinicId, retention);
        broadcast(caller.clinicId, outcome.lastSeq);
      }
      log(`push ${parsed.data.clientId} (${principal}): ${parsed.data.mutations.length} mutations, ${outcome.applied} applied`);
      return sendJson(res, 200, JSON.stringify({ results: outcome.results }));
    }

    if (route === 'GET /v1/changes') {
      for (const key of url.searchParams.keys()) {
        if (key !== 'cursor' && key !== 'limit') throw new HttpError(400, 'INVALID_REQUEST', `Unknown query parameter: ${key.slice(0, 50)}`);
        if (url.searchParams.getAll(key).length > 1) throw new HttpError(400, 'INVALID_REQUEST', `${key} is given more than once.`);
      }
      const limitText = url.searchParams.get('limit');
      const limit = limitText === null ? DEFAULT_PAGE : /^[1-9]\d{0,5}$/.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= PULL_PAGE_MAX)) throw new HttpError(400, 'INVALID_REQUEST', `limit must be an integer from 1 to ${PULL_PAGE_MAX}.`);
      const cursor = url.searchParams.get('cursor');
      const page = await pullPage(db, caller.clinicId, cursor === '' ? null : cursor, limit, principal === 'portal' ? PORTAL_HIDDEN : []);
      if ('ok' in page) throw new HttpError(page.status, page.status === 410 ? 'CURSOR_EXPIRED' : 'INVALID_REQUEST', page.message, {}, page.reason);
      return sendJson(res, 200, page.body);
    }

    if (route === 'POST /v1/join-codes') {
      if (principal !== 'desk') throw new HttpError(403, 'FORBIDDEN', 'Only a front desk may let another desk join.');
      const minted = await mintJoinCode(db, caller.clinicId, now(), `desk:${(req.headers['user-agent'] ?? '').slice(0, 60)}`, options.joinCodeTtlMs);
      log('join code created by a desk');
      return sendJson(res, 201, JSON.stringify(minted));
    }

    if (principal !== 'desk') throw new HttpError(403, 'FORBIDDEN', 'The event stream is for front desks.');
    await openEvents(req, res, caller.clinicId);
  }

  /**
   * A join code for a desk token. Every refused code gets the same answer, whether it was
   * never issued, has expired or was used: a guesser learns nothing but "no".
   */
  async function join(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = joinThrottle.waitMs(address, now());
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new HttpError(429, 'RATE_LIMITED', `Too many wrong join codes from this address; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
    }
    requireJson(req);
    const parsed = joinRequest.safeParse(parseJson(await readBody(req, 4096)));
    if (!parsed.success) throw new HttpError(400, 'INVALID_REQUEST', describeIssues(parsed.error.issues));
    const token = await redeemJoinCode(db, parsed.data.code, parsed.data.deskName, now());
    if (token === null) {
      joinThrottle.fail(address, now());
      throw new HttpError(403, 'FORBIDDEN', 'This join code is not valid: it may be mistyped, used already or expired.');
    }
    log(`desk joined: ${parsed.data.deskName.slice(0, 100)}`);
    return sendJson(res, 201, JSON.stringify({ token }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(res, error);
      const code = (error as { code?: unknown }).code;
      // Too many connections, a server shutting down, a deadlock or serialisation failure: worth a retry.
      if (typeof code === 'string' && (code.startsWith('53') || code.startsWith('57P') || code === '40P01' || code === '40001')) {
        return sendError(res, new HttpError(503, 'UNAVAILABLE', 'The database is busy; try again shortly.', { 'Retry-After': '1' }));
      }
      log(`error on ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, new HttpError(500, 'INTERNAL', 'The server failed; the request may be retried.'));
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  // Malformed HTTP: answer 400 and hang up, never crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    db,
    clinicId,
    lastSeq: () => lastSeqOf(clinicId),
    compact: (keepLast = retention) => compact(db, clinicId, keepLast),
    overlaps: () => findOverlaps(db, clinicId),
    query: <T>(text: string, params: readonly unknown[] = []) => runStatement<T>(db, text, params),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const clinicStreams of streams.values()) for (const stream of clinicStreams) stream.end();
        streams.clear();
        server.close(() => {
          void db.destroy().then(resolve, resolve);
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
