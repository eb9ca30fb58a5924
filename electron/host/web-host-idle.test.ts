import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { startWebHost, type WebHost } from './web-host';

/** A locked session's event stream is closed, and no new one opens, over the real browser host (issue 11, Medium 4). */

const MINUTE = 60_000;
let dir: string;
let app: FrontDesk;
let host: WebHost;
let clock: number;

async function rpc(method: string, input: unknown, cookie?: string, background = false) {
  const response = await fetch(`${host.url}api/rpc/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-front-desk': '1',
      'x-front-desk-background': background ? '1' : '0',
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as any, setCookie: response.headers.getSetCookie() };
}

async function signIn(): Promise<string> {
  const signedIn = await rpc('auth.signIn', { username: 'boss', password: 'correct horse' });
  expect(signedIn.body).toMatchObject({ ok: true });
  return signedIn.setCookie[0]!.split(';')[0]!;
}

/** Reads an event stream until `needle` arrives; resolves 'ended' if the server closes it first. */
function streamReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  return {
    text: () => received,
    async until(needle: string): Promise<'found' | 'ended'> {
      while (!received.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        received += decoder.decode(value);
      }
      return 'found';
    },
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-host-idle-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Front Desk</title>');
  clock = Date.now();
  app = await startFrontDesk({ dataDir: join(dir, 'data'), now: () => clock });
  host = await startWebHost({ app, rendererDir, port: 0, lockCheckMs: 50 });
  await rpc('setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
});

afterEach(async () => {
  await host.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser host idle lock', () => {
  it("closes a session's event stream when it locks, delivers no more events, and refuses a new one while locked", async () => {
    const cookie = await signIn();
    const other = await signIn();
    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, { headers: { cookie }, signal: controller.signal });
    const stream = streamReader(response);
    expect(await stream.until('event: hello')).toBe('found');

    // Polls in the background while nobody is at the desk.
    for (let minute = 1; minute <= 11; minute++) {
      clock += MINUTE;
      await rpc('queue.list', {}, cookie, true);
      // Somebody keeps working at the other desk.
      await rpc('settings.get', {}, other);
    }
    // Another desk, still active, changes something every stream of an admin would hear.
    expect((await rpc('settings.update', { idleLockMinutes: 12 }, other)).status).toBe(200);
    expect(await stream.until('event: settings.changed')).toBe('ended');
    expect(stream.text()).not.toContain('settings.changed');
    controller.abort();

    const again = await fetch(`${host.url}api/events`, { headers: { cookie } });
    expect(again.status).toBe(401);
    expect((await rpc('auth.status', {}, cookie, true)).body).toMatchObject({ ok: true, value: { isLocked: true } });
  });

  it('closes the stream on its own when the session locks, with no event to send', { timeout: 5_000 }, async () => {
    const cookie = await signIn();
    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, { headers: { cookie }, signal: controller.signal });
    const stream = streamReader(response);
    expect(await stream.until('event: hello')).toBe('found');
    clock += 11 * MINUTE;
    expect(await stream.until('never sent')).toBe('ended');
    controller.abort();
  });

  it('opens a stream again after unlocking', async () => {
    const cookie = await signIn();
    clock += 11 * MINUTE;
    expect((await fetch(`${host.url}api/events`, { headers: { cookie } })).status).toBe(401);
    expect((await rpc('auth.unlock', { password: 'correct horse' }, cookie)).status).toBe(200);
    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, { headers: { cookie }, signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
  });
});
