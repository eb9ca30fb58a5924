import { createStore } from 'zustand/vanilla';
import { DEVICE_ONLINE_WITHIN_MS, type Device, type DeviceRoleName } from '../../shared/devices/devices.contract';
import type { Transport } from '../transport/transport';
import type { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

export interface PairingCode {
  code: string;
  expiresAt: number;
  role: DeviceRoleName;
  name: string;
}

/** Paired screens (waiting-room displays, kiosks) and the one-time codes that pair them. */
export interface DevicesState {
  devices: Device[];
  status: LoadStatus;
  error: RpcError | null;

  load(options?: { quiet?: boolean }): Promise<void>;
  createPairingCode(role: DeviceRoleName, name: string): Promise<PairingCode>;
  revoke(id: number): Promise<Device>;
  /** Lets a kiosk that waits after wrong check-ins try again at once. */
  clearThrottle(id: number): Promise<Device>;
  /** Whether a kiosk has a ticket printer beside it. */
  setPrinter(id: number, hasPrinter: boolean): Promise<Device>;
  connect(): () => void;
}

/** Active screens first (most recently seen first), revoked ones last. */
export function sortDevices(devices: readonly Device[]): Device[] {
  return [...devices].sort((a, b) => {
    if ((a.revokedAt === null) !== (b.revokedAt === null)) return a.revokedAt === null ? -1 : 1;
    return (b.lastSeenAt ?? b.createdAt) - (a.lastSeenAt ?? a.createdAt) || a.name.localeCompare(b.name);
  });
}

/** A screen counts as online when it was seen this recently (displays keep a live connection, kiosks a heartbeat). */
export const ONLINE_WITHIN_MS = DEVICE_ONLINE_WITHIN_MS;

export type DeviceStatus = 'revoked' | 'online' | 'offline' | 'neverSeen';

/** Whether a kiosk waits now after wrong check-ins (the desk may let it try again). */
export function isThrottled(device: Device, now: number): boolean {
  return device.revokedAt === null && device.throttledUntil !== null && device.throttledUntil > now;
}

export function deviceStatus(device: Device, now: number): DeviceStatus {
  if (device.revokedAt !== null) return 'revoked';
  if (device.lastSeenAt === null) return 'neverSeen';
  return now - device.lastSeenAt <= ONLINE_WITHIN_MS ? 'online' : 'offline';
}

export function createDevicesStore(transport: Transport) {
  const latest = createLatest();
  return createStore<DevicesState>()((set, get) => ({
    devices: [],
    status: 'idle',
    error: null,

    async load({ quiet = false } = {}) {
      const ticket = latest.next();
      if (!quiet || get().status === 'idle') set({ status: 'loading', error: null });
      try {
        const devices = await transport.call('devices.list', {});
        if (!latest.isLatest(ticket)) return;
        set({ devices: sortDevices(devices), status: 'ready', error: null });
      } catch (error) {
        if (!latest.isLatest(ticket)) return;
        set({ status: 'error', error: toRpcError(error) });
      }
    },

    async createPairingCode(role, name) {
      const { code, expiresAt } = await transport.call('devices.createPairingCode', { role, name });
      return { code, expiresAt, role, name: name.trim() };
    },

    async revoke(id) {
      const revoked = await transport.call('devices.revoke', { id });
      set((state) => ({ devices: sortDevices(state.devices.map((device) => (device.id === id ? revoked : device))) }));
      return revoked;
    },

    async clearThrottle(id) {
      const cleared = await transport.call('devices.clearThrottle', { id });
      set((state) => ({ devices: sortDevices(state.devices.map((device) => (device.id === id ? cleared : device))) }));
      return cleared;
    },

    async setPrinter(id, hasPrinter) {
      const updated = await transport.call('devices.setPrinter', { id, hasPrinter });
      set((state) => ({ devices: sortDevices(state.devices.map((device) => (device.id === id ? updated : device))) }));
      return updated;
    },

    connect() {
      // Only a screen that shows the list refetches it (doctors may not list devices at all).
      const refresh = () => {
        if (get().status !== 'idle') void get().load({ quiet: true });
      };
      const off = [transport.subscribe('devices.changed', refresh), transport.onReconnect(refresh)];
      return () => off.forEach((unsubscribe) => unsubscribe());
    },
  }));
}

export type DevicesStore = ReturnType<typeof createDevicesStore>;
