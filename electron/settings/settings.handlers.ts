import type { ClinicSettings } from '../../shared/settings/settings.contract';
import type { HandlerGroup } from '../rpc/handlers';
import { readSettings, writeSettings } from './settings.repository';

function publicView(settings: ClinicSettings): ClinicSettings {
  const { clinicName, timeZone, locale, currency, idleLockMinutes, slotStepMinutes, isDemo } = settings;
  return { clinicName, timeZone, locale, currency, idleLockMinutes, slotStepMinutes, isDemo };
}

export function settingsHandlers(): HandlerGroup<'settings.get' | 'settings.update'> {
  return {
    'settings.get': async (_input, ctx) => publicView(await readSettings(ctx.db)),
    'settings.update': async (input, ctx) => {
      await writeSettings(ctx.db, input);
      const settings = publicView(await readSettings(ctx.db));
      ctx.emit('settings.changed', {});
      return settings;
    },
  };
}
