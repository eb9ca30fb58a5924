import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeBindingPath, parseLaunchArgs } from './launch-options';

describe('parseLaunchArgs', () => {
  it('defaults to no data dir and no demo', () => {
    expect(parseLaunchArgs(['.'], '/work')).toEqual({ dataDir: null, demo: false, kioskWindow: false });
  });

  it('reads --demo and --data-dir in both spellings, relative to the working directory', () => {
    expect(parseLaunchArgs(['.', '--demo', '--data-dir', 'tmp/x'], '/work')).toEqual({ dataDir: resolve('/work', 'tmp/x'), demo: true, kioskWindow: false });
    expect(parseLaunchArgs(['--data-dir=/var/fd'], '/work')).toEqual({ dataDir: resolve('/var/fd'), demo: false, kioskWindow: false });
  });

  it('reads --kiosk-window', () => {
    expect(parseLaunchArgs(['.', '--kiosk-window'], '/work')).toEqual({ dataDir: null, demo: false, kioskWindow: true });
    expect(parseLaunchArgs(['.', '--kiosk'], '/work').kioskWindow).toBe(false);
  });

  it('ignores Chromium switches and a --data-dir without a value', () => {
    expect(parseLaunchArgs(['--no-sandbox', '--inspect=9229', '--data-dir', '--demo'], '/work')).toEqual({ dataDir: null, demo: true, kioskWindow: false });
  });
});

describe('nativeBindingPath', () => {
  it('uses the per-version build under .native in development', () => {
    expect(nativeBindingPath({ isPackaged: false, appPath: '/repo', resourcesPath: '/ignored', electronVersion: '39.8.9' })).toBe(
      join('/repo', '.native', 'electron-39.8.9', 'better_sqlite3.node'),
    );
  });

  it('uses the extra resource when packaged', () => {
    expect(nativeBindingPath({ isPackaged: true, appPath: '/opt/app.asar', resourcesPath: '/opt/resources', electronVersion: '39.8.9' })).toBe(
      join('/opt/resources', 'native', 'better_sqlite3.node'),
    );
  });
});
