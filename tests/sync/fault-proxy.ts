import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRandom } from '../../shared/random/seeded-random';

/**
 * A real HTTP proxy between a desk and the cloud that misbehaves on purpose: it drops
 * requests (the server never sees them), drops responses after the server committed,
 * sends requests twice, delays them, answers 500 or 429 (with Retry-After) itself, cuts
 * the network entirely (connections refused at once), or swallows it (a blackhole:
 * connections accepted, requests read, nothing ever answered). Faults are drawn per request from a seeded random source, so
 * a failing run can be replayed.
 */
export interface FaultPlan {
  /** Probabilities per request, checked in this order. */
  dropRequest?: number;
  error500?: number;
  error429?: number;
  dropResponse?: number;
  duplicate?: number;
  delay?: number;
  /** A delayed request waits between these (uniformly). */
  delayMinMs?: number;
  delayMs?: number;
  retryAfterSeconds?: number;
  /** Pulls ask for at most this many changes a page (the desk asks for 1,000): a few rows make several pages. */
  pullLimit?: number;
}

export interface FaultStats {
  requests: number;
  forwarded: number;
  droppedRequests: number;
  droppedResponses: number;
  duplicated: number;
  delayed: number;
  errors500: number;
  errors429: number;
  refusedWhileCut: number;
  /** Requests swallowed by the blackhole (held open, never answered). */
  blackholed: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly stats: FaultStats;
  setPlan(plan: FaultPlan): void;
  /** Cut: every connection is closed at once, as if the cable were out. */
  setCut(isCut: boolean): void;
  /** Blackhole: requests are accepted and never answered, until the desk gives up on them. */
  setBlackhole(isBlackhole: boolean): void;
  /**
   * Holds the server's answers to requests whose path starts with `pathPrefix` until the
   * returned release is called; `held` resolves when the first such answer is being held.
   */
  holdAnswers(pathPrefix: string): { held: Promise<void>; release: () => void };
  /** Called when a request has been answered by the server (before the answer is passed on, or dropped). */
  onServerAnswered: ((path: string) => void) | null;
  /** Every push the server answered (200), request and answer as JSON, delivered to the desk or not. */
  readonly pushes: Array<{ request: unknown; response: unknown }>;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export async function startFaultProxy(target: string, options: { seed?: number; plan?: FaultPlan } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const random = createRandom(options.seed ?? 1);
  let plan: FaultPlan = options.plan ?? {};
  let isCut = false;
  let isBlackhole = false;
  const sockets = new Set<Socket>();
  const stats: FaultStats = {
    requests: 0,
    forwarded: 0,
    droppedRequests: 0,
    droppedResponses: 0,
    duplicated: 0,
    delayed: 0,
    errors500: 0,
    errors429: 0,
    refusedWhileCut: 0,
    blackholed: 0,
  };
  let hold: { pathPrefix: string; gate: Promise<void>; onHeld: () => void } | null = null;
  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;

  const pathOf = (req: IncomingMessage, current: FaultPlan): string | undefined => {
    if (current.pullLimit === undefined || !req.url?.startsWith('/v1/changes')) return req.url;
    const url = new URL(req.url, 'http://proxy');
    url.searchParams.set('limit', String(current.pullLimit));
    return `${url.pathname}${url.search}`;
  };

  const forward = (req: IncomingMessage, body: Buffer, path: string | undefined): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host };
      const outgoing = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  /** The event stream is passed through as it comes (and cut with everything else). */
  const stream = (req: IncomingMessage, res: ServerResponse) => {
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    outgoing.on('error', () => res.destroy());
    res.on('close', () => outgoing.destroy());
    outgoing.end();
  };

  const fail = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) => {
    const body = JSON.stringify({ error: { code, message: `fault proxy: ${status}` } });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      stats.requests += 1;
      if (isCut) {
        stats.refusedWhileCut += 1;
        req.socket.destroy();
        return;
      }
      if (isBlackhole) {
        // Held open: the connection is closed by the desk's timeout, or when the proxy closes.
        stats.blackholed += 1;
        return;
      }
      if (req.url?.startsWith('/v1/events')) return stream(req, res);
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const current = plan;
      if (chance(current.dropRequest)) {
        stats.droppedRequests += 1;
        req.socket.destroy();
        return;
      }
      if (chance(current.error500)) {
        stats.errors500 += 1;
        return fail(res, 500, 'INTERNAL');
      }
      if (chance(current.error429)) {
        stats.errors429 += 1;
        return fail(res, 429, 'RATE_LIMITED', { 'Retry-After': String(current.retryAfterSeconds ?? 1) });
      }
      const isResponseDropped = chance(current.dropResponse);
      const isDuplicated = chance(current.duplicate);
      if (chance(current.delay)) {
        stats.delayed += 1;
        const min = current.delayMinMs ?? 0;
        await new Promise((resolve) => setTimeout(resolve, min + Math.floor(random() * Math.max(0, (current.delayMs ?? 200) - min))));
        // The desk gave up (or died) while the request waited: it never reaches the server.
        if (req.socket.destroyed) {
          stats.droppedRequests += 1;
          return;
        }
      }
      let answer: Upstream;
      try {
        stats.forwarded += 1;
        if (isDuplicated) {
          stats.duplicated += 1;
          // Both copies reach the server at once; the desk hears one answer.
          const [first] = await Promise.all([forward(req, body, pathOf(req, current)), forward(req, body, pathOf(req, current)).catch(() => null)]);
          answer = first;
        } else {
          answer = await forward(req, body, pathOf(req, current));
        }
      } catch {
        req.socket.destroy();
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/push' && answer.status === 200) {
        proxy.pushes.push({ request: JSON.parse(body.toString()) as unknown, response: JSON.parse(answer.body.toString()) as unknown });
      }
      proxy.onServerAnswered?.(req.url ?? '');
      if (hold && req.url?.startsWith(hold.pathPrefix)) {
        hold.onHeld();
        await hold.gate;
      }
      if (isResponseDropped || isCut) {
        stats.droppedResponses += 1;
        req.socket.destroy();
        return;
      }
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    stats,
    onServerAnswered: null,
    pushes: [],
    setPlan: (next) => {
      plan = next;
    },
    setBlackhole: (next) => {
      isBlackhole = next;
    },
    holdAnswers: (pathPrefix) => {
      let release = () => {};
      let onHeld = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const held = new Promise<void>((resolve) => (onHeld = resolve));
      hold = { pathPrefix, gate, onHeld };
      return {
        held,
        release: () => {
          hold = null;
          release();
        },
      };
    },
    setCut: (next) => {
      isCut = next;
      if (next) for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
