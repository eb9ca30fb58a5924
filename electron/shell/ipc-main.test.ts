import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The shell's registration, with Electron replaced: what reaches ipcMain.handle is what a
// real renderer's ipcRenderer.invoke would reach.
const electron = vi.hoisted(() => ({ handle: vi.fn(), removeHandler: vi.fn() }));
vi.mock('electron', () => ({ ipcMain: { handle: electron.handle, removeHandler: electron.removeHandler } }));

import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { INVOKE_CHANNEL } from '../ipc/channels';
import { IpcBridge } from '../ipc/ipc-bridge';
import { registerIpcBridge } from './ipc-main';

type Handler = (event: unknown, method: unknown, input: unknown) => Promise<unknown>;

let dir: string;
let app: FrontDesk;
let bridge: IpcBridge;
let handler: Handler;
let unregister: () => void;

function event(options: { id?: number; url?: string; subFrame?: boolean; noFrame?: boolean; disposed?: boolean } = {}) {
  const frame = options.noFrame ? null : { url: options.url ?? 'app://front-desk/', parent: options.subFrame ? { url: 'app://front-desk/' } : null };
  const sender = { id: options.id ?? 1 };
  if (options.disposed) {
    return Object.defineProperty({ sender }, 'senderFrame', {
      get() {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    });
  }
  return { sender, senderFrame: frame };
}

beforeEach(async () => {
  electron.handle.mockClear();
  electron.removeHandler.mockClear();
  dir = mkdtempSync(join(tmpdir(), 'fd-ipc-main-'));
  app = await startFrontDesk({ dataDir: dir });
  bridge = new IpcBridge({ dispatch: app.dispatch, sessions: app.sessions, bus: app.bus, workstation: 'desk', log: () => undefined });
  bridge.addWindow({ id: 1, send: () => undefined });
  unregister = registerIpcBridge(bridge);
  expect(electron.handle).toHaveBeenCalledTimes(1);
  expect(electron.handle.mock.calls[0]![0]).toBe(INVOKE_CHANNEL);
  handler = electron.handle.mock.calls[0]![1] as Handler;
});

afterEach(async () => {
  unregister();
  bridge.dispose();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('registerIpcBridge', () => {
  it("answers our window's main frame", async () => {
    await expect(handler(event(), 'auth.status', {})).resolves.toMatchObject({ ok: true, value: { isSetUp: false } });
  });

  it('checks the sender from the IPC event', async () => {
    const refused = { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not call Front Desk.' } };
    await expect(handler(event({ id: 2 }), 'auth.status', {})).resolves.toEqual(refused);
    await expect(handler(event({ subFrame: true }), 'auth.status', {})).resolves.toEqual(refused);
    await expect(handler(event({ url: 'https://evil.example/' }), 'auth.status', {})).resolves.toEqual(refused);
    await expect(handler(event({ url: 'file:///tmp/index.html' }), 'auth.status', {})).resolves.toEqual(refused);
    await expect(handler(event({ noFrame: true }), 'auth.status', {})).resolves.toEqual(refused);
    await expect(handler(event({ disposed: true }), 'auth.status', {})).resolves.toEqual(refused);
  });

  it('checks the method name and the input schema', async () => {
    await expect(handler(event(), 'db.exec', { sql: 'DROP TABLE staff' })).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await expect(handler(event(), 'auth.signIn', { username: 'x' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { fields: [expect.objectContaining({ path: 'password' })] } },
    });
    await expect(handler(event(), 'settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('unregisters its one channel', () => {
    unregister();
    expect(electron.removeHandler).toHaveBeenCalledWith(INVOKE_CHANNEL);
  });
});
