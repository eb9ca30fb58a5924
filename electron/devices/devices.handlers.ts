import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter } from '../security/attempt-limiter';
import type { DeviceRegistry } from './device-registry';
import { createPairingCode, listDevices, pairDevice, revokeDevice } from './devices.service';

type DevicesMethods = 'devices.createPairingCode' | 'devices.pair' | 'devices.whoAmI' | 'devices.list' | 'devices.revoke';

/**
 * A million codes and a few live at a time: wrong codes are limited per source (5 in 5
 * minutes, counted before the look-up, so codes sent together each take a slot). Not for
 * the whole clinic: one machine guessing must not keep every screen from pairing.
 */
export function pairingLimiter(): AttemptLimiter {
  return new AttemptLimiter({ kind: 'window', limit: 5, windowMs: 5 * 60_000 });
}

export function devicesHandlers(registry: DeviceRegistry, limiter = pairingLimiter()): HandlerGroup<DevicesMethods> {
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

    'devices.list': (_input, ctx) => listDevices(ctx.db),

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
