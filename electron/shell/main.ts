// The Electron main process: one instance, one database, one reception window. Everything
// that can be decided without Electron lives in plain modules (../ipc, ./app-protocol,
// ./web-policy, ./launch-options, ./quit-guard) and is tested under Node.
import { app, BrowserWindow, dialog, session } from 'electron';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { APP_ENTRY_URL } from '../ipc/app-origin';
import { EVENT_CHANNEL } from '../ipc/channels';
import { IpcBridge } from '../ipc/ipc-bridge';
import { registerIpcBridge } from './ipc-main';
import { nativeBindingPath, parseLaunchArgs } from './launch-options';
import { createQuitGuard } from './quit-guard';
import { createAppWindow, hardenWebContents, installAppProtocol, installSessionPolicy, registerAppScheme } from './windows';

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

  const openDeskWindow = (ipc: IpcBridge): void => {
    const devIcon = join(app.getAppPath(), 'resources', 'icon.png');
    const window = createAppWindow({
      preload: join(__dirname, 'preload.cjs'),
      devTools: !app.isPackaged,
      icon: !app.isPackaged && existsSync(devIcon) ? devIcon : undefined,
    });
    const windowId = window.webContents.id;
    ipc.addWindow({
      id: windowId,
      send: (message) => {
        if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
      },
    });
    window.on('closed', () => {
      ipc.removeWindow(windowId);
      if (deskWindow === window) deskWindow = null;
    });
    deskWindow = window;
    window.loadURL(APP_ENTRY_URL).catch((error: unknown) => console.error(`front-desk: the window did not load: ${messageOf(error)}`));
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('second-instance', () => {
    if (!deskWindow) {
      if (bridge) openDeskWindow(bridge);
      return;
    }
    if (deskWindow.isMinimized()) deskWindow.restore();
    deskWindow.show();
    deskWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (bridge && BrowserWindow.getAllWindows().length === 0) openDeskWindow(bridge);
  });

  app.on(
    'will-quit',
    createQuitGuard(
      async () => {
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
      const nativeBinding = nativeBindingPath({
        isPackaged: app.isPackaged,
        appPath: app.getAppPath(),
        resourcesPath: process.resourcesPath,
        electronVersion: process.versions.electron,
      });
      if (!existsSync(nativeBinding)) {
        throw new Error(`The database driver built for Electron is missing (${nativeBinding}). Run: node scripts/native-electron.mjs`);
      }
      // Migrations run here, before any window exists.
      frontDesk = await startFrontDesk({ dataDir: launch.dataDir ?? join(app.getPath('userData'), 'data'), demo: launch.demo, nativeBinding });

      installSessionPolicy(session.defaultSession);
      installAppProtocol(join(__dirname, '..', 'renderer'));
      bridge = new IpcBridge({ dispatch: frontDesk.dispatch, sessions: frontDesk.sessions, bus: frontDesk.bus, workstation: hostname() });
      unregisterIpc = registerIpcBridge(bridge);
      openDeskWindow(bridge);
    })
    .catch(async (error: unknown) => {
      console.error(`Front Desk could not start: ${messageOf(error)}`);
      dialog.showErrorBox('Front Desk could not start', messageOf(error));
      await frontDesk?.close().catch(() => undefined);
      app.exit(1);
    });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
