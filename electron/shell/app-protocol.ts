import { readFile as readFileCallback, realpath as realpathCallback, stat as statCallback } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { APP_HOST, APP_SCHEME } from '../ipc/app-origin';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';

// The callback forms, promisified: in a packaged app dist/renderer is inside app.asar, and
// these are the fs functions Electron's asar support is documented to cover.
const readFile = promisify(readFileCallback);
const realpath = promisify(realpathCallback);
const stat = promisify(statCallback);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};

/** Headers on every response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export type ResolvedRequest = { kind: 'file'; path: string; isFallback: boolean } | { kind: 'refused'; status: 400 | 403 | 404 | 405 };

/**
 * Maps an app:// request onto a file under `root` (dist/renderer). Paths that try to leave
 * the root, by `..`, an encoded separator or a symbolic link, are refused. Extension-less
 * paths that match no file are client-side routes (/display, /kiosk) and get index.html; a
 * missing asset (`/assets/x.js`) is a 404, not an HTML page the browser would try to run.
 */
export async function resolveAppRequest(root: string, method: string, url: string): Promise<ResolvedRequest> {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refused', status: 405 };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST || parsed.port !== '') return { kind: 'refused', status: 404 };

  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return { kind: 'refused', status: 400 };

  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, `.${pathname}`);
  if (!isInside(realRoot, candidate)) return { kind: 'refused', status: 403 };

  const found = await existingFile(candidate.endsWith(sep) || pathname.endsWith('/') ? join(candidate, 'index.html') : candidate);
  if (found) {
    // A symbolic link inside dist/renderer must not lead outside it.
    return isInside(realRoot, await realpath(found)) ? { kind: 'file', path: found, isFallback: false } : { kind: 'refused', status: 403 };
  }
  if (extname(pathname) !== '') return { kind: 'refused', status: 404 };
  const index = join(realRoot, 'index.html');
  return (await existingFile(index)) ? { kind: 'file', path: index, isFallback: true } : { kind: 'refused', status: 404 };
}

/** The whole protocol handler: `protocol.handle('app', (request) => serveAppRequest(root, request))`. */
export async function serveAppRequest(root: string, request: Request): Promise<Response> {
  const resolved = await resolveAppRequest(root, request.method, request.url);
  if (resolved.kind === 'refused') {
    return new Response(null, { status: resolved.status, headers: { ...SECURITY_HEADERS, ...(resolved.status === 405 ? { Allow: 'GET, HEAD' } : {}) } });
  }
  const body = await readFile(resolved.path);
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': contentTypes[extname(resolved.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(body.byteLength),
  };
  return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function existingFile(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}
