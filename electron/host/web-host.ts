import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import sirv from 'sirv';
import { httpStatusOf, type RpcResult } from '../../shared/contract/errors';
import { eventAudience } from '../../shared/contract/events';
import type { CallerRole } from '../../shared/contract/method';
import type { FrontDesk } from '../app/front-desk';
import type { DeviceBinding, SessionBinding } from '../rpc/context';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';
import { createHostCheck, isLoopbackAddress } from './host-check';

export const SESSION_COOKIE = 'fd_session';
/** A paired screen's token: HttpOnly like the session, but kept across browser restarts. */
export const DEVICE_COOKIE = 'fd_device';
/** The longest a browser keeps a cookie (400 days); a screen is re-paired after that. */
const DEVICE_COOKIE_MAX_AGE_S = 400 * 86_400;
/** Requests must carry this header: a cross-site form or image cannot, and a cross-site fetch that sets it needs a CORS preflight we never grant. */
export const CSRF_HEADER = 'x-front-desk';
/**
 * `0` on a call a person made (a click, a key press); anything else, or none, is a background
 * call (a poll, a refresh after a push event), which does not keep the session from locking.
 */
export const BACKGROUND_HEADER = 'x-front-desk-background';
const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** How often open staff streams are checked for a session that has locked. */
const LOCK_CHECK_MS = 5_000;

export interface WebHostOptions {
  app: FrontDesk;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Names the host answers to besides its own address (`--host-name`); the admin adds more in the settings. */
  hostNames?: readonly string[];
  /** How often to close the streams of sessions that have locked (tests shorten it). */
  lockCheckMs?: number;
  /**
   * HTTPS on the LAN (host-tls.ts): TLS on the port; plain HTTP on the same port is served
   * only to this computer and redirected to HTTPS for everyone else. Absent: plain HTTP
   * (a host bound to loopback).
   */
  tls?: { credentials(): Promise<{ key: string; cert: string; caCert: string }> };
  /** Send the app's "now" on every answer (`X-Front-Desk-Test-Now`): on a test clock, so a test's browser can keep the same time. */
  exposeClock?: boolean;
}

export const TEST_NOW_HEADER = 'x-front-desk-test-now';

export interface WebHost {
  server: Server;
  url: string;
  /** Whether the port speaks TLS (then `url` is https). */
  isTls: boolean;
  close(): Promise<void>;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
}

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

function sendError(res: ServerResponse, result: Extract<RpcResult<unknown>, { ok: false }>): void {
  sendJson(res, httpStatusOf[result.error.code], result);
}

/** 421: this server does not answer to the name in Host. Plain text, and the name is not echoed back. */
function sendMisdirected(res: ServerResponse): void {
  const text = 'Misdirected request: Front Desk does not answer to this address. An admin can add a name in Settings.\n';
  res.writeHead(421, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    Connection: 'close',
  });
  res.end(text);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The browser host: the same UI and the same contract as the Electron windows, over HTTP.
 * `POST /api/rpc/<method>` runs one method through the shared dispatcher (same zod parsing,
 * same roles); `GET /api/events` streams push events as server-sent events, each stream only
 * those its caller's role may receive (`eventAudience`). Sessions are an HttpOnly,
 * SameSite=Strict cookie; so is a paired screen's device token (`fd_device`, set by
 * `devices.pair`), which other clients may send as `Authorization: Bearer <token>` instead.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { app } = options;
  const host = options.host ?? '127.0.0.1';
  const assets = sirv(options.rendererDir, { single: true, dev: false, etag: true, gzip: false, brotli: false });
  /** An open event stream, and what it was opened with: a staff session, a device token, or both. */
  interface Stream {
    res: ServerResponse;
    sessionToken: string | null;
    deviceToken: string | null;
  }
  const streams = new Set<Stream>();
  const unsubscribers: Array<() => void> = [];

  /** A staff session that is signed in and not locked; a locked one may open no stream and hears nothing. */
  const openSession = (token: string | null) => {
    const session = app.sessions.get(token);
    return session && !app.isLocked(session) ? session : null;
  };

  /**
   * Who a stream speaks for now: a session that ended or locked, or a device revoked,
   * closes it. A stream opened with both a session and a device token (a paired screen in a
   * browser where somebody once signed in) would outlive the lock as the device; it is
   * closed too, and the screen's page reopens it as the device alone.
   */
  const roleOf = (stream: Stream): CallerRole | null => {
    if (stream.sessionToken) return openSession(stream.sessionToken)?.role ?? null;
    return (stream.deviceToken ? app.devices.identify(stream.deviceToken)?.role : undefined) ?? null;
  };

  const closeStream = (stream: Stream) => {
    stream.res.end();
    streams.delete(stream);
  };

  const unsubscribe = app.bus.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    const audience = eventAudience[event];
    for (const stream of streams) {
      const role = roleOf(stream);
      if (!role) {
        closeStream(stream);
        continue;
      }
      // A display's stream carries the waiting-room view and nothing else.
      if (audience.includes(role)) stream.res.write(frame);
    }
  });

  const heartbeat = setInterval(() => {
    // The app's clock (a test clock in test runs): presence is judged on it.
    const now = app.now();
    for (const stream of streams) {
      stream.res.write(': keep-alive\n\n');
      if (stream.deviceToken) app.devices.seen(stream.deviceToken, now);
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // A session locks by the clock, not by a call: its streams are closed as soon as it does.
  const lockCheck = setInterval(() => {
    for (const stream of streams) if (stream.sessionToken && !openSession(stream.sessionToken)) closeStream(stream);
  }, options.lockCheckMs ?? LOCK_CHECK_MS);
  lockCheck.unref();

  const cookieOptionsFor = (req: IncomingMessage) => {
    const secure = isLoopbackAddress(host) || (req.socket as { encrypted?: boolean }).encrypted === true;
    return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure };
  };

  /** The device token a request carries: the cookie a paired browser holds, or a bearer token from another client. */
  const deviceTokenOf = (req: IncomingMessage): string | null => {
    const bearer = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(req.headers.authorization ?? '');
    if (bearer) return bearer[1]!;
    return parseCookie(req.headers.cookie ?? '')[DEVICE_COOKIE] ?? null;
  };

  const deviceBindingFor = (req: IncomingMessage, setCookies: string[]): DeviceBinding => {
    const token = deviceTokenOf(req);
    return {
      current: () => {
        const device = token ? app.devices.identify(token) : null;
        if (device && token) app.devices.seen(token, app.now());
        return device;
      },
      pair: (fresh) => {
        setCookies.push(serializeCookie(DEVICE_COOKIE, fresh, { ...cookieOptionsFor(req), maxAge: DEVICE_COOKIE_MAX_AGE_S }));
      },
    };
  };

  const bindingFor = (req: IncomingMessage, setCookies: string[]): SessionBinding => {
    const cookies = parseCookie(req.headers.cookie ?? '');
    let token = cookies[SESSION_COOKIE] ?? null;
    const cookieOptions = cookieOptionsFor(req);
    return {
      current: () => app.sessions.get(token),
      signIn: (staff) => {
        if (token) app.sessions.delete(token);
        const session = app.sessions.create(staff, app.now());
        token = session.token;
        setCookies.push(serializeCookie(SESSION_COOKIE, session.token, cookieOptions));
        return session;
      },
      signOut: () => {
        if (token) app.sessions.delete(token);
        token = null;
        setCookies.push(serializeCookie(SESSION_COOKIE, '', { ...cookieOptions, maxAge: 0 }));
      },
    };
  };

  const isSameOrigin = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (!origin) return true; // same-origin GET/HEAD and non-browser clients send none
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (req.method !== 'POST') {
      sendJson(res, 405, { ok: false, error: { code: 'VALIDATION', message: 'Use POST.' } }, { Allow: 'POST' });
      return;
    }
    if (!isSameOrigin(req) || req.headers[CSRF_HEADER] !== '1') {
      sendError(res, { ok: false, error: { code: 'FORBIDDEN', message: 'This request did not come from Front Desk.' } });
      return;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendError(res, { ok: false, error: { code: 'VALIDATION', message: 'Send the input as application/json.' } });
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(req);
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendError(res, { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'That request is too large.' } });
      } else {
        sendError(res, { ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' } });
      }
      return;
    }
    const setCookies: string[] = [];
    const source = req.socket.remoteAddress ?? '?';
    const workstation = `web ${source}`;
    const result = await app.dispatch(
      {
        transport: 'http',
        workstation,
        source,
        auth: bindingFor(req, setCookies),
        device: deviceBindingFor(req, setCookies),
        isBackground: req.headers[BACKGROUND_HEADER] !== '0',
      },
      method,
      input,
    );
    const headers: Record<string, string | string[]> = setCookies.length ? { 'Set-Cookie': setCookies } : {};
    if (result.ok) sendJson(res, 200, result, headers);
    else sendJson(res, httpStatusOf[result.error.code], result, headers);
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse): void => {
    const sessionToken = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE] ?? null;
    const deviceToken = deviceTokenOf(req);
    const stream: Stream = {
      res,
      // A locked session may not listen; a paired screen's device token in the same browser still may.
      sessionToken: openSession(sessionToken) ? sessionToken : null,
      deviceToken: deviceToken && app.devices.identify(deviceToken) ? deviceToken : null,
    };
    if (!stream.sessionToken && !stream.deviceToken) {
      sendError(res, { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in, or pair this screen, first.' } });
      return;
    }
    if (stream.deviceToken) app.devices.seen(stream.deviceToken, app.now());
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // The retry hint keeps a reconnecting display snappy after the host restarts.
    res.write('retry: 1000\nevent: hello\ndata: {}\n\n');
    streams.add(stream);
    req.on('close', () => streams.delete(stream));
  };

  // Set once listening, when the port is known; until then nothing is answered.
  let isServedName: (hostHeader: string | undefined) => boolean = () => false;

  const handle: RequestListener = (req, res) => {
    securityHeaders(res);
    if (options.exposeClock) res.setHeader(TEST_NOW_HEADER, String(app.now()));
    // Before cookies, files, RPC or events: a page rebound to our address must get nothing.
    if (!isServedName(req.headers.host)) {
      sendMisdirected(res);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://front-desk.invalid');
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/events') {
        handleEvents(req, res);
        return;
      }
      const match = /^\/api\/rpc\/([A-Za-z][A-Za-z0-9.]{0,80})$/.exec(url.pathname);
      if (!match) {
        sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_METHOD', message: 'No such endpoint.' } });
        return;
      }
      handleRpc(req, res, match[1]!).catch((error: unknown) => {
        console.error('browser host request failed:', error);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    // The clinic's certificate authority, for a tablet or TV to trust once: public, like any certificate.
    if (url.pathname === '/ca.crt' && options.tls) {
      options.tls.credentials().then(
        ({ caCert }) => {
          res.writeHead(200, {
            'Content-Type': 'application/x-x509-ca-cert',
            'Content-Disposition': 'attachment; filename="front-desk-ca.crt"',
            'Cache-Control': 'no-store',
          });
          res.end(req.method === 'HEAD' ? undefined : caCert);
        },
        (error: unknown) => {
          console.error('certificate authority unavailable:', error);
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
      return;
    }
    assets(req, res, () => {
      res.writeHead(404).end();
    });
  };

  // Node answers a request without Host with 400 itself; we want our 421 for it too.
  const plain = createServer({ requireHostHeader: false }, handle);
  const tlsContext = async () => {
    const { key, cert } = await options.tls!.credentials();
    return { key, cert };
  };
  const secure = options.tls ? createHttpsServer({ requireHostHeader: false, ...(await tlsContext()) }, handle) : null;
  /** Plain HTTP on a TLS port: this computer is served, anyone else is sent to HTTPS (no password crosses the LAN in the clear). */
  const redirect = createServer({ requireHostHeader: false }, (req, res) => {
    if (isLoopbackAddress(req.socket.remoteAddress ?? '')) {
      handle(req, res);
      return;
    }
    securityHeaders(res);
    if (!isServedName(req.headers.host)) {
      sendMisdirected(res);
      return;
    }
    res.writeHead(308, { Location: `https://${req.headers.host}${req.url ?? '/'}`, 'Cache-Control': 'no-store', Connection: 'close' }).end();
  });
  for (const http of [plain, secure, redirect]) {
    if (!http) continue;
    http.requestTimeout = 30_000;
    http.headersTimeout = 10_000;
  }
  // One port for both: a TLS handshake starts with byte 0x16 (a handshake record), HTTP with a method name.
  // A connection that says nothing is not kept waiting for ever (nor does it keep close() waiting).
  const undecided = new Set<Socket>();
  const server: Server = secure
    ? createNetServer({ pauseOnConnect: true }, (socket: Socket) => {
        undecided.add(socket);
        socket.setTimeout(10_000, () => socket.destroy());
        socket.once('close', () => undecided.delete(socket));
        socket.once('readable', () => {
          undecided.delete(socket);
          socket.setTimeout(0);
          const first = socket.read(1) as Buffer | null;
          if (first === null) {
            socket.destroy();
            return;
          }
          socket.unshift(first);
          (first[0] === 0x16 ? secure : redirect).emit('connection', socket);
        });
      })
    : plain;
  if (secure && options.tls) {
    // A name added in Settings needs a certificate that covers it: re-issued, and used for new connections.
    unsubscribers.push(
      app.bus.subscribe((event) => {
        if (event === 'settings.changed')
          void tlsContext().then(
            (context) => secure.setSecureContext(context),
            (error: unknown) => console.error('TLS certificate not renewed:', error),
          );
      }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const cliNames = options.hostNames ?? [];
  isServedName = createHostCheck({
    boundHost: host,
    boundAddress: address.address,
    port: address.port,
    extraNames: () => [...cliNames, ...app.settings.get().hostNames],
  });
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    url: `${secure ? 'https' : 'http'}://${shownHost}:${address.port}/`,
    isTls: secure !== null,
    close: async () => {
      unsubscribe();
      for (const stop of unsubscribers) stop();
      clearInterval(heartbeat);
      clearInterval(lockCheck);
      for (const stream of streams) stream.res.end();
      streams.clear();
      for (const http of [plain, secure, redirect]) http?.closeAllConnections();
      for (const socket of undecided) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
