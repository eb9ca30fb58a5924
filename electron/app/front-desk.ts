import { join } from 'node:path';
import { EventBus } from '../events/event-bus';
import type { OpenedDatabase } from '../db/database';
import { createDispatcher, type Dispatch } from '../rpc/dispatch';
import type { Session } from '../rpc/context';
import { lockIfIdle } from '../rpc/idle-lock';
import type { Handlers } from '../rpc/handlers';
import { SessionStore } from '../auth/session-store';
import { authHandlers } from '../auth/auth.handlers';
import { setupHandlers } from '../setup/setup.handlers';
import { staffHandlers } from '../staff/staff.handlers';
import { auditHandlers } from '../audit/audit.handlers';
import { reportsHandlers } from '../reports/reports.handlers';
import { settingsHandlers } from '../settings/settings.handlers';
import { readSettings, SettingsCache } from '../settings/settings.repository';
import { patientsHandlers } from '../patients/patients.handlers';
import { practiceHandlers } from '../practice/practice.handlers';
import { scheduleHandlers } from '../schedule/schedule.handlers';
import { appointmentsHandlers } from '../appointments/appointments.handlers';
import { boardHandlers } from '../board/board.handlers';
import { checkinHandlers } from '../checkin/checkin.handlers';
import { queueHandlers } from '../queue/queue.handlers';
import { kioskHandlers, type KioskPacing } from '../kiosk/kiosk.handlers';
import { displayHandlers } from '../display/display.handlers';
import { devicesHandlers, pairingLimiter } from '../devices/devices.handlers';
import { KioskThrottle } from '../kiosk/kiosk-throttle';
import { DeviceRegistry } from '../devices/device-registry';
import { NoShowTimer, sweepNoShows } from '../appointments/no-show.service';
import { displayState } from '../display/display.service';
import { holidaysHandlers } from '../holidays/holidays.handlers';
import { seriesHandlers } from '../series/series.handlers';
import { seedDemoClinic } from '../demo/demo-clinic';
import { noSecretCipher, type SecretCipher } from '../secrets/secret-cipher';
import { createFacesModule, type FacesModule } from '../faces/faces.module';
import { createSyncModule, type SyncModule } from '../sync/sync.module';
import { createBackupModule, type BackupModule } from '../backup/backup.module';
import { applyPendingRestore, type AppliedRestore } from '../backup/restore';
import { openCheckedDatabase } from '../backup/damaged-database';

export interface FrontDeskOptions {
  /** Folder that holds `front-desk.db`; created when missing. */
  dataDir: string;
  /** Fill an empty database with the demo clinic at start. */
  demo?: boolean;
  nativeBinding?: string | undefined;
  now?: () => number;
  /**
   * Run the automatic no-show timer. Default: only on the real clock; a caller that injects
   * a clock drives time itself and calls `runNoShowSweep` when it wants one.
   */
  noShowTimer?: boolean;
  /** How secrets are sealed at rest: Electron's safeStorage in the app; none in the browser host. */
  secretCipher?: SecretCipher;
  /** AWS endpoint overrides, the default credential chain, the cloud URL: process.env unless given. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Run the sync worker in the background (default: only on the real clock, like the no-show timer). */
  syncWorker?: boolean;
  /** How the kiosk pads its answers without a ticket (default: the real clock and timers). */
  kioskPacing?: KioskPacing;
  /** Run the backup scheduler (daily backup, weekly health check) on timers (default: only on the real clock). */
  backupScheduler?: boolean;
  /** A restore was staged (backup.restore): the host restarts the desk, which swaps it in at start. */
  requestRestart?: () => void;
}

/**
 * The main process without Electron: the database, the handlers and the event bus.
 * The Electron shell and the browser host are two transports in front of this.
 */
export interface FrontDesk {
  readonly database: OpenedDatabase;
  readonly dispatch: Dispatch;
  readonly bus: EventBus;
  readonly sessions: SessionStore;
  readonly settings: SettingsCache;
  /** Paired screens by token, for the transports. */
  readonly devices: DeviceRegistry;
  readonly secretCipher: SecretCipher;
  readonly faces: FacesModule;
  readonly sync: SyncModule;
  readonly backup: BackupModule;
  /** The restore swapped in at this start, if one was waiting. */
  readonly restored: AppliedRestore | null;
  /** The app's clock: sessions are created, and idle-locked, on it. */
  now(): number;
  /** Whether a session is locked now (locking it if it has been idle too long): a locked session's event channels go quiet. */
  isLocked(session: Session): boolean;
  /**
   * Marks every booked appointment due at `at` (default: now) as a no-show and publishes
   * the events; what the no-show timer runs. Returns the appointments it changed.
   */
  runNoShowSweep(at?: number): Promise<number[]>;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'front-desk.db';

export async function startFrontDesk(options: FrontDeskOptions): Promise<FrontDesk> {
  const now = options.now ?? Date.now;
  // A restore staged before the restart takes the live database's place before anything opens it.
  const restored = await applyPendingRestore(options.dataDir, now());
  const database = await openCheckedDatabase(options.dataDir, join(options.dataDir, DATABASE_FILE), { nativeBinding: options.nativeBinding });
  const { db } = database;

  if (options.demo) {
    const settings = await readSettings(db);
    if (settings.setUpAt === null) await db.transaction().execute((trx) => seedDemoClinic(trx, { now: now(), locale: 'en' }));
  }

  const secretCipher = options.secretCipher ?? noSecretCipher;
  const bus = new EventBus();
  const sessions = new SessionStore();
  const settings = new SettingsCache();
  settings.set(await readSettings(db));
  const devices = new DeviceRegistry(database.sqlite, db, () => bus.publish('devices.changed', {}));
  bus.subscribe((event) => {
    if (event === 'settings.changed') void readSettings(db).then((fresh) => settings.set(fresh));
    if (event === 'devices.changed') devices.clear();
  });

  const env = options.env ?? process.env;
  // One set of kiosk limits for the typed and the face check-in, which the desk sees and may clear.
  const kioskThrottle = new KioskThrottle();
  const faces = createFacesModule({ db, bus, now, secretCipher, env, kioskThrottle });
  const sync = createSyncModule({ db, bus, now, secretCipher, env, sessions, autoStart: options.syncWorker ?? options.now === undefined });

  const backup = createBackupModule({
    dataDir: options.dataDir,
    db,
    sqlite: database.sqlite,
    nativeBinding: options.nativeBinding,
    now,
    timeZone: () => settings.get().timeZone,
    changed: () => bus.publish('backup.changed', {}),
    autoStart: options.backupScheduler ?? options.now === undefined,
    requestRestart: options.requestRestart,
  });

  const handlers: Handlers = {
    ...authHandlers(sessions),
    ...setupHandlers(sync.joiner),
    ...staffHandlers(sessions),
    ...auditHandlers(),
    ...reportsHandlers(),
    ...settingsHandlers({ dataDir: options.dataDir }),
    ...patientsHandlers(),
    ...practiceHandlers(),
    ...holidaysHandlers(),
    ...seriesHandlers(),
    ...scheduleHandlers(),
    ...appointmentsHandlers(),
    ...boardHandlers(),
    ...checkinHandlers(),
    ...queueHandlers(),
    ...kioskHandlers(options.kioskPacing, kioskThrottle),
    ...displayHandlers(),
    ...devicesHandlers(devices, pairingLimiter(), kioskThrottle),
    ...faces.handlers,
    ...sync.handlers,
    ...backup.handlers,
  };

  const dispatch = createDispatcher({ db, handlers, bus, now, idleLockMinutes: () => settings.get().idleLockMinutes });

  // The waiting-room view follows the settings (privacy above all: switching to tickets only
  // must take the names off the screens now, not at the next check-in). Bursts of changes
  // are folded into one refresh.
  let closed = false;
  let refreshing: Promise<void> | null = null;
  let isRefreshDue = false;
  const refreshDisplays = (): void => {
    isRefreshDue = true;
    if (refreshing || closed) return;
    refreshing = (async () => {
      while (isRefreshDue && !closed) {
        isRefreshDue = false;
        const state = await displayState(db, await readSettings(db), now());
        if (!closed) bus.publish('display.changed', state);
      }
    })()
      .catch((error: unknown) => console.error('display refresh failed:', error))
      .finally(() => {
        refreshing = null;
      });
  };
  bus.subscribe((event) => {
    if (event === 'settings.changed') refreshDisplays();
  });

  const sweepAndPublish = async (at: number) => {
    const sweep = await sweepNoShows(db, at);
    for (const [event, payload] of sweep.events) bus.publish(event, payload as never);
    return sweep;
  };
  const runNoShowSweep = async (at = now()): Promise<number[]> => (await sweepAndPublish(at)).ids;
  const noShows = new NoShowTimer(async () => (await sweepAndPublish(now())).nextAt, now);
  if (options.noShowTimer ?? options.now === undefined) noShows.start();

  return {
    database,
    dispatch,
    bus,
    sessions,
    settings,
    devices,
    secretCipher,
    faces,
    sync,
    backup,
    restored,
    now,
    isLocked: (session) => lockIfIdle(session, now(), settings.get().idleLockMinutes),
    runNoShowSweep,
    close: async () => {
      if (closed) return;
      closed = true;
      await noShows.stop();
      await sync.close();
      await backup.close();
      await faces.close();
      await refreshing;
      await database.close();
    },
  };
}
