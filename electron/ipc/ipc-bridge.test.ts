import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import type { Dispatch } from '../rpc/dispatch';
import type { EventMessage } from './channels';
import { IpcBridge, MAX_INPUT_BYTES } from './ipc-bridge';
import type { SenderInfo } from './sender-policy';

let dir: string;
let app: FrontDesk;
let bridge: IpcBridge;
let dispatchCalls: number;
let sent: Map<number, EventMessage[]>;
let logged: string[];

const from = (webContentsId: number, frameUrl = 'app://front-desk/', isMainFrame = true): SenderInfo => ({ webContentsId, frameUrl, isMainFrame });

function addWindow(id: number, options = {}): void {
  sent.set(id, []);
  bridge.addWindow({ id, send: (message) => sent.get(id)!.push(message) }, options);
}

async function createClinicAndSignIn(windowId: number): Promise<void> {
  const created = await bridge.handleInvoke(from(windowId), 'setup.createClinic', {
    clinicName: 'Test Clinic',
    timeZone: 'Europe/Lisbon',
    locale: 'en',
    admin: { username: 'boss', displayName: 'The Boss', password: 'correct horse' },
  });
  expect(created).toEqual({ ok: true, value: { ok: true } });
  const signedIn = await bridge.handleInvoke(from(windowId), 'auth.signIn', { username: 'boss', password: 'correct horse' });
  expect(signedIn.ok).toBe(true);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-ipc-'));
  app = await startFrontDesk({ dataDir: dir });
  dispatchCalls = 0;
  const counting: Dispatch = (caller, method, input) => {
    dispatchCalls += 1;
    return app.dispatch(caller, method, input);
  };
  sent = new Map();
  logged = [];
  bridge = new IpcBridge({ dispatch: counting, sessions: app.sessions, bus: app.bus, workstation: 'desk-pc', log: (line) => logged.push(line) });
  addWindow(1);
  addWindow(2);
});

afterEach(async () => {
  bridge.dispose();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('IpcBridge: who may call', () => {
  it('answers our window through the dispatcher', async () => {
    const result = await bridge.handleInvoke(from(1), 'auth.status', {});
    expect(result).toMatchObject({ ok: true, value: { isSetUp: false, staff: null } });
    expect(dispatchCalls).toBe(1);
  });

  it('refuses unknown windows, sub-frames and foreign origins before the dispatcher sees anything', async () => {
    for (const sender of [from(99), from(1, 'app://front-desk/', false), from(1, 'https://evil.example/'), from(1, null as never)]) {
      const result = await bridge.handleInvoke(sender, 'auth.status', {});
      expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'This window may not call Front Desk.' } });
    }
    expect(dispatchCalls).toBe(0);
    expect(logged).toHaveLength(4);
    expect(logged[0]).toContain('webContents 99 is not a Front Desk window');
  });

  it('refuses a closed window', async () => {
    bridge.removeWindow(2);
    expect(await bridge.handleInvoke(from(2), 'auth.status', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('IpcBridge: what may be called', () => {
  it('accepts only contract method names', async () => {
    for (const method of ['nope.nothing', 'constructor', '__proto__', 'toString', 42, null, { method: 'auth.status' }, 'x'.repeat(10_000)]) {
      const result = await bridge.handleInvoke(from(1), method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
    expect(dispatchCalls).toBe(0);
  });

  it('leaves input checking to the contract schema', async () => {
    const result = await bridge.handleInvoke(from(1), 'auth.signIn', { username: 'boss', password: 'x', extra: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(dispatchCalls).toBe(1);
  });

  it('refuses oversized and non-JSON input', async () => {
    const huge = await bridge.handleInvoke(from(1), 'auth.signIn', { username: 'boss', password: 'x'.repeat(MAX_INPUT_BYTES) });
    expect(huge).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const bigint = await bridge.handleInvoke(from(1), 'auth.status', { n: 1n });
    expect(bigint).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(dispatchCalls).toBe(0);
  });

  it('treats a missing input as empty', async () => {
    expect(await bridge.handleInvoke(from(1), 'auth.status', undefined)).toMatchObject({ ok: true });
  });
});

describe('IpcBridge: one session per window', () => {
  it('a sign-in in one window does not sign in another', async () => {
    await createClinicAndSignIn(1);
    expect(await bridge.handleInvoke(from(1), 'settings.get', {})).toMatchObject({ ok: true, value: { clinicName: 'Test Clinic' } });
    expect(await bridge.handleInvoke(from(2), 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('records the machine and the window in the audit log', async () => {
    await createClinicAndSignIn(1);
    const row = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.signIn').executeTakeFirstOrThrow();
    expect(row.workstation).toBe('desk-pc window 1');
  });

  it('sign-out ends the session', async () => {
    await createClinicAndSignIn(1);
    expect(await bridge.handleInvoke(from(1), 'auth.signOut', {})).toEqual({ ok: true, value: { ok: true } });
    expect(await bridge.handleInvoke(from(1), 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('closing the window ends its session in the store', async () => {
    await createClinicAndSignIn(1);
    const deleteSpy = vi.spyOn(app.sessions, 'delete');
    bridge.removeWindow(1);
    expect(deleteSpy).toHaveBeenCalledTimes(1);
    const token = deleteSpy.mock.calls[0]![0];
    expect(app.sessions.get(token)).toBeNull();
  });
});

describe('IpcBridge: push events', () => {
  it('reach signed-in windows, and built-in display windows only what a display may receive, after the write commits', async () => {
    addWindow(3, { deviceRole: 'display' });
    await createClinicAndSignIn(1);
    await vi.waitFor(() => expect(sent.get(3)!.length).toBeGreaterThan(0)); // the setup's settings refresh the display
    for (const messages of sent.values()) messages.length = 0;

    const updated = await bridge.handleInvoke(from(1), 'settings.update', { clinicName: 'Renamed Clinic' });
    expect(updated.ok).toBe(true);
    expect(sent.get(1)).toEqual([{ event: 'settings.changed', payload: {} }]);
    // Settings shape the waiting-room view: the display gets a fresh one, never settings.changed itself.
    await vi.waitFor(() => expect(sent.get(3)).toHaveLength(1));
    expect(sent.get(3)![0]).toMatchObject({ event: 'display.changed', payload: { clinicName: 'Renamed Clinic' } });
    expect(sent.get(1)!.map((message) => message.event)).toEqual(['settings.changed', 'display.changed']);
    expect(sent.get(2)).toEqual([]);
  });

  it('a failed write sends nothing', async () => {
    await createClinicAndSignIn(1);
    for (const messages of sent.values()) messages.length = 0;
    const refused = await bridge.handleInvoke(from(1), 'settings.update', { idleLockMinutes: 0 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(sent.get(1)).toEqual([]);
  });

  it('a window that cannot receive does not stop the others', async () => {
    bridge.addWindow(
      {
        id: 4,
        send: () => {
          throw new Error('Object has been destroyed');
        },
      },
      { deviceRole: 'display' },
    );
    addWindow(5, { deviceRole: 'display' });
    const state = await bridge.handleInvoke(from(5), 'display.state', {});
    app.bus.publish('display.changed', (state as unknown as { value: never }).value);
    expect(sent.get(5)!.map((message) => message.event)).toEqual(['display.changed']);
    expect(logged.some((line) => line.includes('could not send display.changed to window 4'))).toBe(true);
  });

  it('dispose stops forwarding and signs every window out', async () => {
    await createClinicAndSignIn(1);
    const before = app.bus.size;
    bridge.dispose();
    expect(app.bus.size).toBe(before - 1);
    app.bus.publish('practice.changed', {});
    expect(sent.get(1)).not.toContainEqual({ event: 'practice.changed', payload: {} });
  });
});

describe('IpcBridge: built-in display and kiosk windows', () => {
  it('act as their device role without pairing, and no further', async () => {
    await createClinicAndSignIn(1);
    addWindow(6, { deviceRole: 'display' });
    addWindow(7, { deviceRole: 'kiosk' });

    expect(await bridge.handleInvoke(from(6), 'devices.whoAmI', {})).toEqual({
      ok: true,
      value: { device: { role: 'display', name: 'Waiting-room display (this computer)' } },
    });
    expect(await bridge.handleInvoke(from(2), 'devices.whoAmI', {})).toEqual({ ok: true, value: { device: null } });
    expect(await bridge.handleInvoke(from(6), 'display.state', {})).toMatchObject({ ok: true, value: { clinicName: 'Test Clinic' } });
    expect(await bridge.handleInvoke(from(6), 'kiosk.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await bridge.handleInvoke(from(6), 'patients.search', { query: 'a' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await bridge.handleInvoke(from(7), 'kiosk.info', {})).toMatchObject({ ok: true, value: { clinicName: 'Test Clinic' } });
    expect(await bridge.handleInvoke(from(7), 'display.state', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await bridge.handleInvoke(from(2), 'display.state', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });

    // Pairing is for screens on the LAN: a window of the app has nothing to pair, and the code stays unused.
    const code = await bridge.handleInvoke(from(1), 'devices.createPairingCode', { role: 'display', name: 'TV' });
    expect(code.ok).toBe(true);
    const paired = await bridge.handleInvoke(from(2), 'devices.pair', { code: (code as { value: { code: string } }).value.code });
    expect(paired).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await bridge.handleInvoke(from(1), 'devices.list', {})).toEqual({ ok: true, value: [] });
  });
});
