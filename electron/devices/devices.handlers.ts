import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter } from '../security/attempt-limiter';
import type { KioskThrottle } from '../kiosk/kiosk-throttle';
import type { Device } from '../../shared/devices/devices.contract';
import type { DeviceRegistry } from './device-registry';
import { clearDeviceThrottle, createPairingCode, listDevices, pairDevice, revokeDevice, setPrinter } from './devices.service';

type DevicesMethods =
  'devices.createPairingCode' | 'devices.pair' | 'devices.whoAmI' | 'devices.list' | 'devices.clearThrottle' | 'devices.setPrinter' | 'devices.revoke';

/** Which kiosks must wait (kept in memory by the kiosk's handlers), and the desk's way to let one try again. */
export type KioskWaits = Pick<KioskThrottle, 'throttledUntil' | 'clearKiosk'>;

const noWaits: KioskWaits = { throttledUntil: () => null, clearKiosk: () => undefined };

/**
 * A million codes and a few live at a time: wrong codes are limited per source (5 in 5
 * minutes, counted before the look-up, so codes sent together each take a slot). Not for
 * the whole clinic: one machine guessing must not keep every screen from pairing.
 */
export function pairingLimiter(): AttemptLimiter {
  return new AttemptLimiter({ kind: 'window', limit: 5, windowMs: 5 * 60_000 });
}

export function devicesHandlers(registry: DeviceRegistry, limiter = pairingLimiter(), waits: KioskWaits = noWaits): HandlerGroup<DevicesMethods> {
  const withWait = (device: Device, now: number): Device =>
    device.role === 'kiosk' && device.revokedAt === null ? { ...device, throttledUntil: waits.throttledUntil(device.id, now) } : device;
  return {
    'devices.createPairingCode': async (input, ctx) => createPairingCode(ctx.db, await ctx.request(), input),

    'devices.pair': async (input, ctx) => {
      if (!ctx.deviceBinding) throw new AppError('FORBIDDEN', 'This connection cannot be paired as a screen.');
      const now = ctx.now();
      const attempt = limiter.reserve(`pair:${ctx.source}`, now, 'Too many wrong codes.');
      let paired;
      try {
        paired = await pairDevice(ctx.db, await ctx.request(), input.code);
        attempt.succeed();
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') attempt.fail(now);
        throw error;
      } finally {
        attempt.release();
      }
      ctx.deviceBinding.pair(paired.token);
      ctx.emit('devices.changed', {});
      return { role: paired.device.role, name: paired.device.name };
    },

    'devices.whoAmI': (_input, ctx) => ({ device: ctx.device ? { role: ctx.device.role, name: ctx.device.name } : null }),

    'devices.list': async (_input, ctx) => (await listDevices(ctx.db)).map((device) => withWait(device, ctx.now())),

    'devices.clearThrottle': async (input, ctx) => {
      const now = ctx.now();
      const device = await clearDeviceThrottle(ctx.db, await ctx.request(), input.id, waits.throttledUntil(input.id, now));
      waits.clearKiosk(input.id);
      ctx.emit('devices.changed', {});
      return withWait(device, now);
    },

    'devices.setPrinter': async (input, ctx) => {
      const device = await setPrinter(ctx.db, await ctx.request(), input.id, input.hasPrinter);
      ctx.emit('devices.changed', {});
      return withWait(device, ctx.now());
    },

    'devices.revoke': async (input, ctx) => {
      const device = await revokeDevice(ctx.db, await ctx.request(), input.id);
      // At once: the next look-up of its token reads the table, where this connection
      // already sees the revocation; the commit then makes it so for good.
      registry.forget(device.id);
      ctx.emit('devices.changed', {});
      return device;
    },
  };
}
