import type { SyncStatus } from '../../shared/sync/sync.contract';
import type { HandlerGroup } from '../rpc/handlers';
import { createJoinCode } from './sync-join';
import { dismissProblem, getIssues, getSettings, updateSettings, type SyncEnv } from './sync.service';

export type SyncMethods = 'sync.status' | 'sync.settings' | 'sync.updateSettings' | 'sync.createJoinCode' | 'sync.now' | 'sync.issues' | 'sync.dismissProblem';

/** What the handlers ask of the worker that the sync module runs. */
export interface SyncWorker {
  status(): Promise<SyncStatus>;
  /** A round now (hurried while the cloud is known to be away); see the module. */
  syncNow(): Promise<void>;
  /** Called once new settings are saved: the worker picks them up after the commit (or stops). */
  settingsSaved(): void;
}

export function syncHandlers(env: SyncEnv, worker: SyncWorker): HandlerGroup<SyncMethods> {
  return {
    'sync.status': () => worker.status(),
    'sync.settings': (_input, ctx) => getSettings(env, ctx.db),
    'sync.updateSettings': async (input, ctx) => {
      const settings = await updateSettings(env, ctx.db, input, ctx.now());
      ctx.emit('sync.changed', {});
      worker.settingsSaved();
      return settings;
    },
    'sync.createJoinCode': async (_input, ctx) => {
      const joinCode = await createJoinCode(env);
      // Who let a desk in, and until when the code was good; never the code itself.
      ctx.audit({ action: 'sync.joinCodeCreated', detail: { expiresAt: joinCode.expiresAt } });
      return joinCode;
    },
    'sync.now': async () => {
      await worker.syncNow();
      return worker.status();
    },
    'sync.issues': (_input, ctx) => getIssues(ctx.db),
    'sync.dismissProblem': async (input, ctx) => {
      await dismissProblem(ctx.db, input.id);
      ctx.emit('sync.changed', {});
      return { ok: true as const };
    },
  };
}
