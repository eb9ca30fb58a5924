import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';
import { AttemptLimiter } from '../rpc/attempt-limiter';
import type { DeviceRegistry } from './device-registry';
import { createPairingCode, listDevices, pairDevice, revokeDevice } from './devices.service';

type DevicesMethods = 'devices.createPairingCode' | 'devices.pair' | 'devices.whoAmI' | 'devices.list' | 'devices.revoke';

/**
 * A million codes and a few live at a time: wrong codes are limited per caller (5 in 5
 * minutes) and for the whole clinic (20 in 10 minutes), so that even many machines
 * guessing together get a few dozen tries in a code's lifetime.
 */
export function pairingLimiters() {
  return { perCaller: new AttemptLimiter(5, 5 * 60_000), overall: new AttemptLimiter(20, 10 * 60_000) };
}

export function devicesHandlers(registry: DeviceRegistry, limiters = pairingLimiters()): HandlerGroup<DevicesMethods> {
  return {
    'devices.createPairingCode': async (input, ctx) => createPairingCode(ctx.db, await ctx.request(), input),

    'devices.pair': async (input, ctx) => {
      if (!ctx.deviceBinding) throw new AppError('FORBIDDEN', 'This connection cannot be paired as a screen.');
      const key = ctx.workstation;
      const now = ctx.now();
      limiters.perCaller.check(key, now, 'Too many wrong codes.');
      limiters.overall.check('all', now, 'Too many wrong codes.');
      let paired;
      try {
        paired = await pairDevice(ctx.db, await ctx.request(), input.code);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') {
          limiters.perCaller.fail(key, now);
          limiters.overall.fail('all', now);
        }
        throw error;
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
