#!/usr/bin/env node
// npm start: builds, then runs the desktop app. Where Electron's binary was never downloaded
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1), runs the browser host on the demo clinic instead.
//
//   npm start [-- <args>]      args go to Electron, or to the browser host (--port, --data-dir,
//                              --host, --demo); `--no-demo` starts the browser host without it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

function exitWith(message) {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

/** The Electron executable, or null: the electron package throws when its binary was skipped. */
function electronBinary() {
  try {
    const path = requireFromRoot('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function hasFlag(list, name) {
  return list.some((arg) => arg === name || arg.startsWith(`${name}=`));
}

/** Runs the app in the foreground; Ctrl+C reaches it directly, and its exit code becomes ours. */
function runForeground(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  // The terminal sends SIGINT to the child too; we wait for it to close its database and exit.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => exitWith(`could not start ${command}: ${error.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) exitWith('the build failed (see above).');

const electron = electronBinary();
if (electron) {
  const native = spawnSync(process.execPath, [join(root, 'scripts', 'native-electron.mjs')], { cwd: root, stdio: 'inherit' });
  if (native.status !== 0) process.exit(1);
  const env = { ...process.env };
  // Set in some shells and CI images; it would make Electron behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  runForeground(electron, ['.', ...args], env);
} else {
  console.log('npm start: the Electron binary is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?), so starting the browser host instead.');
  const passThrough = args.filter((arg) => arg !== '--no-demo');
  const defaults = [
    ...(args.includes('--no-demo') || hasFlag(args, '--demo') ? [] : ['--demo']),
    ...(hasFlag(args, '--data-dir') ? [] : ['--data-dir', join(root, '.data')]),
    ...(hasFlag(args, '--port') ? [] : ['--port', '5170']),
  ];
  runForeground(process.execPath, [join(root, 'dist', 'electron', 'web.cjs'), ...defaults, ...passThrough]);
}
