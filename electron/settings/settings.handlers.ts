import { clinicSettings, type ClinicSettings } from '../../shared/settings/settings.contract';
import type { HandlerGroup } from '../rpc/handlers';
import { hostAuthorityFingerprint } from '../host/host-tls';
import { readSettings, writeSettings } from './settings.repository';

/** Only the contract's keys: `setUpAt` and anything else stored stays in the main process. */
function publicView(settings: ClinicSettings): ClinicSettings {
  return clinicSettings.parse(Object.fromEntries(Object.keys(clinicSettings.shape).map((key) => [key, settings[key as keyof ClinicSettings]])));
}

export function settingsHandlers(deps: { dataDir: string }): HandlerGroup<'settings.get' | 'settings.update' | 'settings.hostCertificate'> {
  return {
    'settings.hostCertificate': async () => ({ fingerprint: hostAuthorityFingerprint(deps.dataDir) }),
    'settings.get': async (_input, ctx) => publicView(await readSettings(ctx.db)),
    'settings.update': async (input, ctx) => {
      await writeSettings(ctx.db, input);
      const settings = publicView(await readSettings(ctx.db));
      ctx.emit('settings.changed', {});
      return settings;
    },
  };
}
