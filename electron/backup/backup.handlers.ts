import type { HandlerGroup } from '../rpc/handlers';
import type { BackupService } from './backup.service';

export type BackupMethods = 'backup.status' | 'backup.run' | 'backup.setFolder' | 'backup.list' | 'backup.restore';

/** Thin: the service holds the rules; the restart after a restore is the host's (electron/backup/backup.module.ts). */
export function backupHandlers(service: BackupService, requestRestart: () => void): HandlerGroup<BackupMethods> {
  return {
    'backup.status': (_input, ctx) => service.status(ctx.now()),
    'backup.run': async (_input, ctx) => {
      const attempt = await service.run(ctx.now());
      ctx.audit({ action: 'backup.run', entity: 'backup', detail: { file: attempt.file, size: attempt.size } });
      return attempt;
    },
    'backup.setFolder': async (input, ctx) => {
      const status = await service.setFolder(input.folder, ctx.now());
      ctx.audit({ action: 'backup.setFolder', entity: 'backup', detail: { folder: status.folder } });
      return status;
    },
    'backup.list': () => service.list(),
    'backup.restore': async (input, ctx) => {
      const staged = await service.restore(input.name, { now: ctx.now(), staffId: ctx.session?.staffId ?? null, workstation: ctx.workstation });
      ctx.audit({ action: 'backup.restore', entity: 'backup', detail: { name: input.name, asideFolder: staged.asideFolder, syncResent: staged.isSyncResent } });
      requestRestart();
      return { restartRequired: true as const, asideFolder: staged.asideFolder };
    },
  };
}
