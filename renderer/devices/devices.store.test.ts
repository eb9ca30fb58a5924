import { describe, expect, it } from 'vitest';
import type { Device } from '../../shared/devices/devices.contract';
import { createFakeTransport, fail, flush } from '../test/fake-transport';
import { createDevicesStore, deviceStatus, isThrottled, ONLINE_WITHIN_MS, sortDevices } from './devices.store';
import { DAY_MS } from '../../shared/time/units';

const NOW = 1_900_000_000_000;

function device(over: Partial<Device> & Pick<Device, 'id'>): Device {
  return {
    name: `Screen ${over.id}`,
    role: 'display',
    createdAt: NOW - DAY_MS,
    lastSeenAt: null,
    revokedAt: null,
    throttledUntil: null,
    hasPrinter: false,
    ...over,
  };
}

describe('devices store', () => {
  it('refetches the list when a screen pairs or is revoked elsewhere, once the list is on screen', async () => {
    let devices = [device({ id: 1 })];
    const fake = createFakeTransport({ 'devices.list': () => devices });
    const store = createDevicesStore(fake.transport);
    const disconnect = store.getState().connect();
    fake.emit('devices.changed', {});
    await flush();
    expect(fake.callsOf('devices.list')).toHaveLength(0);

    await store.getState().load();
    expect(store.getState().devices.map((d) => d.id)).toEqual([1]);
    devices = [device({ id: 1 }), device({ id: 2, role: 'kiosk', lastSeenAt: NOW })];
    fake.emit('devices.changed', {});
    expect(store.getState().status).toBe('ready');
    await flush();
    expect(fake.callsOf('devices.list')).toHaveLength(2);
    expect(store.getState().devices.map((d) => d.id)).toEqual([2, 1]);
    disconnect();
  });

  it('keeps the error of a failed load for the card to show', async () => {
    const fake = createFakeTransport({ 'devices.list': () => fail('FORBIDDEN') });
    const store = createDevicesStore(fake.transport);
    await store.getState().load();
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.code).toBe('FORBIDDEN');
  });

  it('creates a pairing code for a role and a name, and revokes in place', async () => {
    const fake = createFakeTransport({
      'devices.list': () => [device({ id: 1, lastSeenAt: NOW }), device({ id: 2, lastSeenAt: NOW - 1000 })],
      'devices.createPairingCode': () => ({ code: '482915', expiresAt: NOW + 300_000 }),
      'devices.revoke': ({ id }) => device({ id, lastSeenAt: NOW, revokedAt: NOW }),
    });
    const store = createDevicesStore(fake.transport);
    const pairing = await store.getState().createPairingCode('kiosk', ' Entrance tablet ');
    expect(fake.callsOf('devices.createPairingCode')[0]?.input).toEqual({ role: 'kiosk', name: ' Entrance tablet ' });
    expect(pairing).toEqual({ code: '482915', expiresAt: NOW + 300_000, role: 'kiosk', name: 'Entrance tablet' });

    await store.getState().load();
    await store.getState().revoke(1);
    // The revoked screen goes to the end of the list.
    expect(store.getState().devices.map((d) => [d.id, d.revokedAt !== null])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it('tells online, offline, never connected and revoked apart', () => {
    expect(deviceStatus(device({ id: 1 }), NOW)).toBe('neverSeen');
    expect(deviceStatus(device({ id: 1, lastSeenAt: NOW - ONLINE_WITHIN_MS }), NOW)).toBe('online');
    expect(deviceStatus(device({ id: 1, lastSeenAt: NOW - ONLINE_WITHIN_MS - 1 }), NOW)).toBe('offline');
    expect(deviceStatus(device({ id: 1, lastSeenAt: NOW, revokedAt: NOW }), NOW)).toBe('revoked');
    expect(
      sortDevices([device({ id: 1, revokedAt: NOW }), device({ id: 2, createdAt: NOW - 5 }), device({ id: 3, lastSeenAt: NOW })]).map((d) => d.id),
    ).toEqual([3, 2, 1]);
  });

  it('shows a kiosk that waits after wrong check-ins until its time, and clears it at the desk', async () => {
    const waiting = device({ id: 3, role: 'kiosk', lastSeenAt: NOW, throttledUntil: NOW + 20_000 });
    expect(isThrottled(waiting, NOW)).toBe(true);
    expect(isThrottled(waiting, NOW + 20_000)).toBe(false);
    expect(isThrottled({ ...waiting, revokedAt: NOW }, NOW)).toBe(false);
    const fake = createFakeTransport({ 'devices.list': () => [waiting], 'devices.clearThrottle': () => ({ ...waiting, throttledUntil: null }) });
    const store = createDevicesStore(fake.transport);
    await store.getState().load();
    await store.getState().clearThrottle(3);
    expect(fake.callsOf('devices.clearThrottle')).toEqual([{ method: 'devices.clearThrottle', input: { id: 3 } }]);
    expect(isThrottled(store.getState().devices[0]!, NOW)).toBe(false);
  });
});
