import { join, resolve } from 'node:path';

export interface LaunchOptions {
  /** Where the database lives; the shell defaults to a folder under Electron's userData. */
  dataDir: string | null;
  /** Fill an empty database with the demo clinic. */
  demo: boolean;
  /** `--kiosk-window`: this machine is a check-in kiosk; the kiosk opens at start, locked full screen. */
  kioskWindow: boolean;
}

/**
 * Reads the app's own flags from the command line and ignores everything else: Electron and
 * Chromium put their own switches (`--no-sandbox`, `--inspect`, the app path) in argv too.
 */
export function parseLaunchArgs(argv: readonly string[], cwd: string): LaunchOptions {
  const options: LaunchOptions = { dataDir: null, demo: false, kioskWindow: false };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--demo') options.demo = true;
    else if (arg === '--kiosk-window') options.kioskWindow = true;
    else if (arg.startsWith('--data-dir=')) options.dataDir = resolve(cwd, arg.slice('--data-dir='.length));
    else if (arg === '--data-dir' && argv[index + 1] !== undefined && !argv[index + 1]!.startsWith('--')) {
      options.dataDir = resolve(cwd, argv[index + 1]!);
      index += 1;
    }
  }
  return options;
}

export const NATIVE_ADDON_FILE = 'better_sqlite3.node';

/**
 * Where the Electron-ABI build of better-sqlite3 is. In development scripts/native-electron.mjs
 * builds it into `<app>/.native/electron-<version>/`; electron-builder ships it as an extra
 * resource in `<resources>/native/`. node_modules/better-sqlite3 keeps Node's build for tests.
 */
export function nativeBindingPath(app: { isPackaged: boolean; appPath: string; resourcesPath: string; electronVersion: string }): string {
  return app.isPackaged
    ? join(app.resourcesPath, 'native', NATIVE_ADDON_FILE)
    : join(app.appPath, '.native', `electron-${app.electronVersion}`, NATIVE_ADDON_FILE);
}
