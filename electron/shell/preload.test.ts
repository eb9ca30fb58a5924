import { beforeAll, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcListeners: new Map<string, (event: unknown, message: unknown) => void>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'pong' })),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => electron.ipcListeners.set(channel, listener),
  },
}));

import type { FrontDeskBridge } from '../../shared/contract/bridge';
import { EVENT_CHANNEL, INVOKE_CHANNEL, PRINT_CHANNEL } from '../ipc/channels';

let bridge: FrontDeskBridge;

beforeAll(async () => {
  await import('./preload');
  bridge = electron.exposed.get('frontDesk') as FrontDeskBridge;
});

describe('preload', () => {
  it('exposes exactly invoke, on and print, as window.frontDesk', () => {
    expect([...electron.exposed.keys()]).toEqual(['frontDesk']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'print']);
  });

  it('sends a print request on the print channel, as it is (main parses it)', async () => {
    electron.invoke.mockResolvedValueOnce({ outcome: 'printed' } as never);
    await expect(bridge.print!({ action: 'print', title: 'Day list', paper: 'a4' })).resolves.toEqual({ outcome: 'printed' });
    expect(electron.invoke).toHaveBeenLastCalledWith(PRINT_CHANNEL, { action: 'print', title: 'Day list', paper: 'a4' });
  });

  it('invokes on the one invoke channel', async () => {
    await expect(bridge.invoke('auth.status', { a: 1 })).resolves.toEqual({ ok: true, value: 'pong' });
    expect(electron.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'auth.status', { a: 1 }, { background: true });
  });

  it('delivers only the payload of the events listened to, until unsubscribed', () => {
    const deliver = electron.ipcListeners.get(EVENT_CHANNEL)!;
    const seen: unknown[] = [];
    const stop = bridge.on('settings.changed', (payload) => seen.push(payload));
    deliver({ sender: 'the IPC event must not leak' }, { event: 'settings.changed', payload: { n: 1 } });
    deliver({}, { event: 'practice.changed', payload: { n: 2 } });
    stop();
    deliver({}, { event: 'settings.changed', payload: { n: 3 } });
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('keeps delivering when one listener throws', () => {
    const deliver = electron.ipcListeners.get(EVENT_CHANNEL)!;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: unknown[] = [];
    bridge.on('patients.changed', () => {
      throw new Error('broken store');
    });
    bridge.on('patients.changed', (payload) => seen.push(payload));
    deliver({}, { event: 'patients.changed', payload: { patientIds: [1] } });
    expect(seen).toEqual([{ patientIds: [1] }]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
