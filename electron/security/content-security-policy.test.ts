import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { startWebHost, type WebHost } from '../host/web-host';
import { serveAppRequest } from '../shell/app-protocol';
import { CONTENT_SECURITY_POLICY } from './content-security-policy';

describe('content security policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((part) => [part.split(' ')[0], part.slice(part.indexOf(' ') + 1)]));

  it('allows scripts, styles and fonts only from the app itself', () => {
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('font-src')).toBe("'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|\*|https?:/);
  });

  it('closes objects, base, framing and forms', () => {
    for (const name of ['object-src', 'base-uri', 'frame-ancestors', 'form-action']) expect(directives.get(name)).toBe("'none'");
  });

  it('lets media come from blob: and the camera for the kiosk', () => {
    expect(directives.get('media-src')).toBe("'self' blob: mediastream:");
    expect(directives.get('connect-src')).toBe("'self'");
  });
});

describe('both transports', () => {
  let dir: string;
  let rendererDir: string;
  let app: FrontDesk;
  let host: WebHost;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-csp-'));
    rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
    app = await startFrontDesk({ dataDir: join(dir, 'data') });
    host = await startWebHost({ app, rendererDir, port: 0 });
  });

  afterAll(async () => {
    await host?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('send the identical policy, on pages and on errors alike', async () => {
    for (const path of ['', 'display', 'kiosk', 'assets/missing.js']) {
      const overHttp = await fetch(`${host.url}${path}`);
      const overApp = await serveAppRequest(rendererDir, new Request(`app://front-desk/${path}`));
      expect(overHttp.status, path).toBe(overApp.status);
      expect(overHttp.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      expect(overApp.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
    }
  });
});
