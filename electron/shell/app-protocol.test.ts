import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAppRequest, serveAppRequest } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from '../security/content-security-policy';

let dir: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fd-protocol-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Front Desk</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(dir, 'secret.db'), 'SQLite format 3');
  symlinkSync(join(dir, 'secret.db'), join(root, 'assets', 'link.js'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveAppRequest(root, new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves files with their type and the security headers', async () => {
    const response = await get('app://front-desk/assets/index-abc.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('serves index.html at the root and for client routes', async () => {
    for (const url of ['app://front-desk/', 'app://front-desk', 'app://front-desk/display', 'app://front-desk/kiosk/check-in?code=1']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('<title>Front Desk</title>');
    }
  });

  it('answers a missing asset with 404, not with the page', async () => {
    expect((await get('app://front-desk/assets/missing.js')).status).toBe(404);
  });

  it('refuses every way out of the renderer folder', async () => {
    const attempts = [
      'app://front-desk/..%2fsecret.db',
      'app://front-desk/%2e%2e/secret.db',
      'app://front-desk/assets/..%2f..%2fsecret.db',
      'app://front-desk/..%5csecret.db',
      'app://front-desk/%2e%2e%5c%2e%2e%5csecret.db',
      'app://front-desk/assets/link.js',
      'app://front-desk/%00index.html',
      'app://front-desk/%E0%A4%A',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text(), url).not.toContain('SQLite');
    }
  });

  it('answers only its own host and only GET and HEAD', async () => {
    expect((await get('app://other-host/index.html')).status).toBe(404);
    const post = await get('app://front-desk/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get('app://front-desk/', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('resolves a path that merely looks like a parent reference inside the root', async () => {
    writeFileSync(join(root, '..notes.txt'), 'inside');
    expect(await resolveAppRequest(root, 'GET', 'app://front-desk/..notes.txt')).toMatchObject({ kind: 'file', isFallback: false });
  });
});
