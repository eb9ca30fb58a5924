import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { testClock } from '../app/test-clock';
import { startWebHost, TEST_NOW_HEADER, type WebHost } from './web-host';

const opened: Array<{ dir: string; app: FrontDesk; host: WebHost }> = [];

async function hostOn(clock: (() => number) | undefined, exposeClock: boolean): Promise<WebHost> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-host-clock-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  const app = await startFrontDesk({ dataDir: join(dir, 'data'), demo: true, ...(clock ? { now: clock, noShowTimer: false, syncWorker: false } : {}) });
  const host = await startWebHost({ app, rendererDir, port: 0, exposeClock });
  opened.push({ dir, app, host });
  return host;
}

afterEach(async () => {
  for (const { dir, app, host } of opened.splice(0)) {
    await host.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('on a test clock, the host runs the demo clinic at that moment and tells its clock on every answer', async () => {
  // The Sunday Lisbon's clocks go forward, ten minutes before they do.
  const at = Date.UTC(2027, 2, 28, 0, 50);
  const host = await hostOn(testClock({ at, frozen: true }), true);
  const page = await fetch(host.url);
  expect(Number(page.headers.get(TEST_NOW_HEADER))).toBe(at);
  const status = await fetch(`${host.url}api/rpc/auth.status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-front-desk': '1' },
    body: '{}',
  });
  expect(Number(status.headers.get(TEST_NOW_HEADER))).toBe(at);
});

it('on the real clock, the host does not tell its clock', async () => {
  const host = await hostOn(undefined, false);
  expect((await fetch(host.url)).headers.get(TEST_NOW_HEADER)).toBeNull();
});
