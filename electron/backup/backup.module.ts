import type { HandlerGroup } from '../rpc/handlers';
import { HOUR_MS, MINUTE_MS } from '../../shared/time/units';
import { backupHandlers, type BackupMethods } from './backup.handlers';
import { BackupService, type BackupDeps } from './backup.service';

export interface BackupModuleDeps extends BackupDeps {
  readonly now: () => number;
  /** Run the scheduler on timers (default: only on the real clock; tests call `tick`). */
  readonly autoStart: boolean;
  /** What a restore asks for once its answer has gone: the app relaunches, the browser host reopens. */
  readonly requestRestart?: (() => void) | undefined;
}

export interface BackupModule {
  readonly handlers: HandlerGroup<BackupMethods>;
  readonly service: BackupService;
  /** One scheduler turn at the module's clock: what the timer runs. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** The first turn waits a little after start (the desk opens first); then one an hour. */
const FIRST_TICK_MS = MINUTE_MS;
const TICK_EVERY_MS = HOUR_MS;

/**
 * The backup scheduler runs in the main process on the injected clock. A turn is cheap when
 * nothing is due (a JSON file read); a backup is SQLite's online backup, copied a step at a
 * time between the event loop's turns, so the desk keeps answering meanwhile.
 */
export function createBackupModule(deps: BackupModuleDeps): BackupModule {
  const service = new BackupService(deps);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let isClosed = false;
  const tick = async (): Promise<void> => {
    if (isClosed) return;
    running = service.tick(deps.now()).catch((error: unknown) => console.error('backup scheduler:', error));
    await running;
    running = null;
  };
  const schedule = (delay: number): void => {
    if (isClosed) return;
    timer = setTimeout(() => void tick().finally(() => schedule(TICK_EVERY_MS)), delay);
    timer.unref?.();
  };
  if (deps.autoStart) schedule(FIRST_TICK_MS);
  const requestRestart = (): void => {
    // After the answer has gone back to the admin's screen.
    if (deps.requestRestart) setTimeout(deps.requestRestart, 500).unref?.();
  };
  return {
    handlers: backupHandlers(service, requestRestart),
    service,
    tick,
    close: async () => {
      isClosed = true;
      if (timer) clearTimeout(timer);
      await running;
      await service.whenIdle();
    },
  };
}
