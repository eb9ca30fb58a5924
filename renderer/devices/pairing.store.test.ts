import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcError } from '../transport/rpc-error';
import { createFakeTransport, fail, type FakeHandlers } from '../test/fake-transport';
import { createPairingStore, isBadPairingCode } from './pairing.store';
import { screenForPath } from './screen-for-path';

function setup(handlers: FakeHandlers) {
  const fake = createFakeTransport(handlers);
  const store = createPairingStore(fake.transport, { role: 'display', probe: (t) => t.call('display.state', {}), retryMs: 5_000 });
  return { fake, store };
}

afterEach(() => vi.useRealTimers());

describe('pairing store', () => {
  it('lets a paired display, or signed-in staff, straight in', async () => {
    let device: { role: 'display'; name: string } | null = { role: 'display', name: 'TV' };
    const { store } = setup({
      'devices.whoAmI': () => ({ device }),
      'display.state': () => ({}) as never,
    });
    await store.getState().check();
    expect(store.getState()).toMatchObject({ phase: 'ready', device: { name: 'TV' } });
    device = null;
    await store.getState().check();
    expect(store.getState()).toMatchObject({ phase: 'ready', device: null });
  });

  it('asks an unknown browser for a code, pairs it, reopens the event stream and loads the app', async () => {
    let isPaired = false;
    const { fake, store } = setup({
      'devices.whoAmI': () => ({ device: isPaired ? { role: 'display', name: 'TV' } : null }),
      'display.state': () => (isPaired ? ({} as never) : fail('UNAUTHENTICATED')),
      'devices.pair': ({ code }) => {
        if (code !== '123456') fail('NOT_FOUND');
        isPaired = true;
        return { role: 'display', name: 'TV' };
      },
    });
    await store.getState().check();
    expect(store.getState().phase).toBe('unpaired');

    expect(await store.getState().pair('12345')).toBe(false);
    expect(store.getState().pairError?.code).toBe('VALIDATION');
    expect(fake.callsOf('devices.pair')).toHaveLength(0);

    expect(await store.getState().pair('999999')).toBe(false);
    expect(isBadPairingCode(store.getState().pairError!)).toBe(true);
    expect(store.getState().phase).toBe('unpaired');

    expect(await store.getState().pair(' 123456 ')).toBe(true);
    expect(fake.restarts).toBe(1);
    expect(store.getState()).toMatchObject({ phase: 'ready', pairError: null, device: { role: 'display' } });
  });

  it('says a screen paired as a kiosk is not a display, and offers to pair it again', async () => {
    const { store } = setup({
      'devices.whoAmI': () => ({ device: { role: 'kiosk', name: 'Entrance tablet' } }),
      'display.state': () => fail('FORBIDDEN'),
    });
    await store.getState().check();
    expect(store.getState()).toMatchObject({ phase: 'forbidden', device: { role: 'kiosk' } });
    store.getState().startRepair();
    expect(store.getState().phase).toBe('unpaired');
  });

  it('keeps trying by itself while the host cannot be reached', async () => {
    vi.useFakeTimers();
    let isUp = false;
    const { fake, store } = setup({
      'devices.whoAmI': () => (isUp ? { device: null } : fail('INTERNAL', { offline: true })),
      'display.state': () => ({}) as never,
    });
    await store.getState().check();
    expect(store.getState().phase).toBe('unreachable');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.callsOf('devices.whoAmI')).toHaveLength(2);
    isUp = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(store.getState().phase).toBe('ready');
    store.getState().dispose();
  });

  it('goes back to pairing when the app loses its access (a revoked token)', async () => {
    const { store } = setup({ 'devices.whoAmI': () => ({ device: null }), 'display.state': () => ({}) as never });
    await store.getState().check();
    store.getState().lost(new RpcError('INTERNAL', 'a glitch'));
    expect(store.getState().phase).toBe('ready');
    store.getState().lost(new RpcError('UNAUTHENTICATED', 'revoked'));
    expect(store.getState().phase).toBe('unpaired');
  });
});

describe('screen for a path', () => {
  it('opens the display and the kiosk by their paths, in the browser and the app, and the desk otherwise', () => {
    expect(screenForPath('/display')).toBe('display');
    expect(screenForPath('/display/')).toBe('display');
    expect(screenForPath('/kiosk')).toBe('kiosk');
    expect(screenForPath('/kiosk/check-in')).toBe('kiosk');
    expect(screenForPath('/')).toBe('reception');
    expect(screenForPath('/index.html')).toBe('reception');
    expect(screenForPath('/displays')).toBe('reception');
  });
});
