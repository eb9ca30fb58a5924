// The Electron main process: one instance, one database, one reception window, and the
// waiting-room display and kiosk windows on demand. Everything that can be decided without
// Electron lives in plain modules (../ipc, ../ipc/print-request, ./app-protocol, ./web-policy, ./launch-options,
// ./quit-guard, ./screens, ./screen-windows, ./app-menu) and is tested under Node.
import { app, BrowserWindow, dialog, Menu, safeStorage, screen, session } from 'electron';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { DatabaseDamagedError } from '../backup/damaged-database';
import { stageRestore } from '../backup/restore';
import { damagedDialogWords } from './damaged-dialog';
import { APP_ENTRY_URL } from '../ipc/app-origin';
import { EVENT_CHANNEL } from '../ipc/channels';
import { IpcBridge, type WindowOptions } from '../ipc/ipc-bridge';
import { safeStorageCipher } from '../secrets/safe-storage-cipher';
import { readSettings } from '../settings/settings.repository';
import { appMenuTemplate } from './app-menu';
import { registerIpcBridge } from './ipc-main';
import { registerPrint } from './print';
import { nativeBindingPath, parseLaunchArgs } from './launch-options';
import { createQuitGuard } from './quit-guard';
import { ScreenWindows, type ScreenWindowsHost } from './screen-windows';
import { screenUrl } from './screens';
import { createAppWindow, hardenWebContents, installAppProtocol, installSessionPolicy, registerAppScheme, type AppWindowOptions } from './windows';

registerAppScheme();
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  run();
} else {
  // A second launch hands over to the first (see 'second-instance') and leaves.
  app.quit();
}

function run(): void {
  let frontDesk: FrontDesk | null = null;
  let bridge: IpcBridge | null = null;
  let unregisterIpc: (() => void) | null = null;
  let deskWindow: BrowserWindow | null = null;
  let screens: ScreenWindows | null = null;
  const cleanups: Array<() => void> = [];

  /** A window on the bridge: its calls are answered, and it hears the events its role may hear. */
  const openWindow = (
    ipc: IpcBridge,
    url: string,
    options: Omit<AppWindowOptions, 'preload' | 'devTools'> & WindowOptions,
    onClosed: () => void,
  ): BrowserWindow => {
    const { deviceRole, ...windowOptions } = options;
    const window = createAppWindow({ ...windowOptions, preload: join(__dirname, 'preload.cjs'), devTools: !app.isPackaged });
    const windowId = window.webContents.id;
    ipc.addWindow(
      {
        id: windowId,
        send: (message) => {
          if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
        },
      },
      deviceRole ? { deviceRole } : {},
    );
    window.on('closed', () => {
      ipc.removeWindow(windowId);
      onClosed();
    });
    window.loadURL(url).catch((error: unknown) => console.error(`front-desk: ${url} did not load: ${messageOf(error)}`));
    return window;
  };

  const openDeskWindow = (ipc: IpcBridge): void => {
    const devIcon = join(app.getAppPath(), 'resources', 'icon.png');
    const window = openWindow(ipc, APP_ENTRY_URL, { icon: !app.isPackaged && existsSync(devIcon) ? devIcon : undefined }, () => {
      if (deskWindow === window) deskWindow = null;
    });
    deskWindow = window;
  };

  const screenHost = (ipc: IpcBridge): ScreenWindowsHost => ({
    layout: () => ({
      screens: screen.getAllDisplays().map(({ id, bounds }) => ({ id, bounds })),
      primaryId: screen.getPrimaryDisplay().id,
    }),
    open: (role, shape, show, onClosed) => {
      const window = openWindow(
        ipc,
        screenUrl(role),
        {
          deviceRole: role,
          shape,
          show,
          hasMenu: false,
          autoplayPolicy: role === 'display' ? 'no-user-gesture-required' : undefined,
        },
        onClosed,
      );
      return {
        focus: () => bringForward(window),
        close: () => {
          if (!window.isDestroyed()) window.close();
        },
      };
    },
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('second-instance', () => {
    if (!deskWindow) {
      if (bridge) openDeskWindow(bridge);
      return;
    }
    bringForward(deskWindow);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    // The desk, even when the display is still up on the waiting-room TV.
    if (bridge && !deskWindow) openDeskWindow(bridge);
  });

  app.on(
    'will-quit',
    createQuitGuard(
      async () => {
        for (const cleanup of cleanups.splice(0)) cleanup();
        unregisterIpc?.();
        bridge?.dispose();
        await frontDesk?.close();
      },
      () => app.quit(),
    ),
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      const launch = parseLaunchArgs(process.argv.slice(1), process.cwd());
      const nativeBinding = electronNativeBinding();
      if (!existsSync(nativeBinding)) {
        throw new Error(`The database driver built for Electron is missing (${nativeBinding}). Run: node scripts/native-electron.mjs`);
      }
      // Migrations run here, before any window exists.
      frontDesk = await startFrontDesk({
        dataDir: launch.dataDir ?? join(app.getPath('userData'), 'data'),
        demo: launch.demo,
        nativeBinding,
        // After 'ready': safeStorage cannot tell before then whether a keyring exists.
        secretCipher: safeStorageCipher(safeStorage, process.platform),
        // A restore staged from Settings is swapped in at start.
        requestRestart: () => {
          app.relaunch();
          app.quit();
        },
      });

      installSessionPolicy(session.defaultSession);
      installAppProtocol(join(__dirname, '..', 'renderer'));
      bridge = new IpcBridge({
        dispatch: frontDesk.dispatch,
        sessions: frontDesk.sessions,
        bus: frontDesk.bus,
        workstation: hostname(),
        now: frontDesk.now,
        isLocked: frontDesk.isLocked,
      });
      unregisterIpc = registerIpcBridge(bridge);
      const unregisterPrint = registerPrint(bridge.isOurWindow);
      cleanups.push(unregisterPrint);

      const screenWindows = new ScreenWindows(screenHost(bridge), {
        useSecondScreen: frontDesk.settings.get().displayOnSecondScreen,
        isKioskMode: launch.kioskWindow,
      });
      screens = screenWindows;
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate({ platform: process.platform, locale: app.getLocale(), isDevelopment: !app.isPackaged, openScreen: (role) => screens?.open(role) }),
        ),
      );
      const onDisplaysChanged = () => screenWindows.displaysChanged();
      screen.on('display-added', onDisplaysChanged);
      screen.on('display-removed', onDisplaysChanged);
      // The primary monitor can change without one being added or removed.
      screen.on('display-metrics-changed', onDisplaysChanged);
      cleanups.push(() => {
        screen.removeListener('display-added', onDisplaysChanged);
        screen.removeListener('display-removed', onDisplaysChanged);
        screen.removeListener('display-metrics-changed', onDisplaysChanged);
      });
      const { db } = frontDesk.database;
      cleanups.push(
        frontDesk.bus.subscribe((event) => {
          if (event !== 'settings.changed') return;
          // Read from the database: the settings cache is refreshed by a listener of its own,
          // asynchronously, so it may not have the new value yet.
          readSettings(db)
            .then((settings) => screens?.setUseSecondScreen(settings.displayOnSecondScreen))
            .catch((error: unknown) => console.error(`front-desk: could not re-read the settings: ${messageOf(error)}`));
        }),
      );
      cleanups.push(() => {
        screens = null;
        screenWindows.dispose();
      });

      openDeskWindow(bridge);
      screenWindows.start();
    })
    .catch(async (error: unknown) => {
      console.error(`Front Desk could not start: ${messageOf(error)}`);
      if (error instanceof DatabaseDamagedError && error.latestBackup !== null && (await offerRestore(error))) {
        app.relaunch();
        app.exit(0);
        return;
      }
      dialog.showErrorBox('Front Desk could not start', messageOf(error));
      await frontDesk?.close().catch(() => undefined);
      app.exit(1);
    });
}

/**
 * The database file is damaged: rather than fail, offer the last good backup. It is checked and
 * staged now, swapped in at the relaunch; the damaged file is kept aside, never deleted.
 */
function electronNativeBinding(): string {
  return nativeBindingPath({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    electronVersion: process.versions.electron,
  });
}

async function offerRestore(error: DatabaseDamagedError): Promise<boolean> {
  if (error.latestBackup === null) return false;
  const text = damagedDialogWords(app.getLocale(), error.latestBackup);
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'Front Desk',
    message: text.message,
    detail: text.detail,
    buttons: text.buttons,
    defaultId: 0,
    cancelId: 1,
  });
  if (response !== 0) return false;
  try {
    await stageRestore({
      file: error.latestBackup,
      dataDir: dirname(error.file),
      now: Date.now(),
      nativeBinding: electronNativeBinding(),
      staffId: null,
      workstation: hostname(),
    });
    return true;
  } catch (restoreError) {
    dialog.showErrorBox(text.failed, messageOf(restoreError));
    return false;
  }
}

function bringForward(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
