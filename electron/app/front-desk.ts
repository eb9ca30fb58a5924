import { join } from 'node:path';
import { EventBus } from '../events/event-bus';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { createDispatcher, type Dispatch } from '../rpc/dispatch';
import type { Handlers } from '../rpc/handlers';
import { SessionStore } from '../auth/session-store';
import { authHandlers } from '../auth/auth.handlers';
import { settingsHandlers } from '../settings/settings.handlers';
import { readSettings, SettingsCache } from '../settings/settings.repository';
import { patientsHandlers } from '../patients/patients.handlers';
import { practiceHandlers } from '../practice/practice.handlers';
import { scheduleHandlers } from '../schedule/schedule.handlers';
import { appointmentsHandlers } from '../appointments/appointments.handlers';
import { boardHandlers } from '../board/board.handlers';
import { queueHandlers } from '../queue/queue.handlers';
import { seedDemoClinic } from '../demo/demo-clinic';

export interface FrontDeskOptions {
  /** Folder that holds `front-desk.db`; created when missing. */
  dataDir: string;
  /** Fill an empty database with the demo clinic at start. */
  demo?: boolean;
  nativeBinding?: string | undefined;
  now?: () => number;
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
  close(): Promise<void>;
}

export const DATABASE_FILE = 'front-desk.db';

export async function startFrontDesk(options: FrontDeskOptions): Promise<FrontDesk> {
  const now = options.now ?? Date.now;
  const database = await openMigratedDatabase(join(options.dataDir, DATABASE_FILE), { nativeBinding: options.nativeBinding });
  const { db } = database;

  if (options.demo) {
    const settings = await readSettings(db);
    if (settings.setUpAt === null) await db.transaction().execute((trx) => seedDemoClinic(trx, { now: now(), locale: 'en' }));
  }

  const bus = new EventBus();
  const sessions = new SessionStore();
  const settings = new SettingsCache();
  settings.set(await readSettings(db));
  bus.subscribe((event) => {
    if (event === 'settings.changed') void readSettings(db).then((fresh) => settings.set(fresh));
  });

  const handlers: Handlers = {
    ...authHandlers(sessions),
    ...settingsHandlers(),
    ...patientsHandlers(),
    ...practiceHandlers(),
    ...scheduleHandlers(),
    ...appointmentsHandlers(),
    ...boardHandlers(),
    ...queueHandlers(),
  };

  const dispatch = createDispatcher({ db, handlers, bus, now, idleLockMinutes: () => settings.get().idleLockMinutes });

  let closed = false;
  return {
    database,
    dispatch,
    bus,
    sessions,
    settings,
    close: async () => {
      if (closed) return;
      closed = true;
      await database.close();
    },
  };
}
