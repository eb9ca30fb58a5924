#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI, beside (never over) the Node build
// in node_modules that the tests use: .native/electron-<version>/better_sqlite3.node. The
// package sources are copied to a temp folder, then a prebuilt binary is tried, then a
// compile against Electron's headers. Both need the network the first time; offline this
// fails in seconds with one line. .native/release/ holds the copy electron-builder ships.
//
//   node scripts/native-electron.mjs [--force]
//   ELECTRON_HEADERS_DIR=<unpacked node-v<version>-headers> compiles without downloading.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
const ADDON = 'better_sqlite3.node';

function fail(message) {
  console.error(`native-electron: ${message}`);
  process.exit(1);
}

function packageJson(name) {
  try {
    const file = requireFromRoot.resolve(`${name}/package.json`);
    return { dir: dirname(file), version: JSON.parse(readFileSync(file, 'utf8')).version };
  } catch {
    return fail(`${name} is not installed; run npm install first.`);
  }
}

const electron = packageJson('electron');
const sqlite = packageJson('better-sqlite3');
const target = { electron: electron.version, betterSqlite3: sqlite.version, platform: process.platform, arch: process.arch };
const outDir = join(root, '.native', `electron-${electron.version}`);
const releaseDir = join(root, '.native', 'release');
const logFile = join(root, '.native', `electron-${electron.version}.log`);
const force = process.argv.includes('--force');

function isBuilt() {
  try {
    const stamp = JSON.parse(readFileSync(join(outDir, 'build.json'), 'utf8'));
    return existsSync(join(outDir, ADDON)) && Object.entries(target).every(([key, value]) => stamp[key] === value);
  } catch {
    return false;
  }
}

/** The copy electron-builder packs (extraResources): always the build for the installed Electron. */
function syncRelease() {
  mkdirSync(releaseDir, { recursive: true });
  copyFileSync(join(outDir, ADDON), join(releaseDir, ADDON));
  copyFileSync(join(outDir, 'build.json'), join(releaseDir, 'build.json'));
}

// npm exports its config to scripts; a nodedir/target meant for Node would silently build
// against Node's headers with Electron's name on it.
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|build_from_source)$/i.test(key)) delete env[key];
  }
  return env;
}

function tool(fromDir, request) {
  try {
    return createRequire(join(fromDir, 'package.json')).resolve(request);
  } catch {
    return null;
  }
}

function firstCause(log) {
  const match = log.match(
    /getaddrinfo \w+ [\w.-]+|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|self[- ]signed certificate|No rule to make target|error: [^\n]{0,100}/,
  );
  return match ? match[0] : null;
}

if (!force && isBuilt()) {
  syncRelease();
  console.log(`native-electron: better-sqlite3 ${sqlite.version} for Electron ${electron.version} is already built (${relative(root, join(outDir, ADDON))}).`);
  process.exit(0);
}

const prebuildInstall = tool(sqlite.dir, 'prebuild-install/bin.js');
const nodeGyp = tool(root, 'node-gyp/bin/node-gyp.js');
const headersDir = process.env.ELECTRON_HEADERS_DIR;
const attempts = [
  prebuildInstall && {
    name: 'prebuilt binary',
    args: [prebuildInstall, '--runtime', 'electron', '--target', electron.version, '--arch', process.arch, '--platform', process.platform],
    timeout: 2 * 60_000,
  },
  nodeGyp && {
    name: 'compile',
    args: [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electron.version}`,
      `--arch=${process.arch}`,
      headersDir ? `--nodedir=${headersDir}` : '--dist-url=https://electronjs.org/headers',
    ],
    timeout: 20 * 60_000,
  },
].filter(Boolean);
if (attempts.length === 0) fail('neither prebuild-install nor node-gyp is installed; run npm install first.');

console.log(`native-electron: building better-sqlite3 ${sqlite.version} for Electron ${electron.version} (${process.platform}-${process.arch})...`);
mkdirSync(dirname(logFile), { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'fd-native-'));
const log = openSync(logFile, 'w');
let method = null;
try {
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(sqlite.dir, entry), join(work, entry), { recursive: true });
  const env = cleanEnv();
  for (const attempt of attempts) {
    writeFileSync(log, `\n=== ${attempt.name}: ${attempt.args.slice(1).join(' ')}\n`);
    const result = spawnSync(process.execPath, attempt.args, { cwd: work, env, stdio: ['ignore', log, log], timeout: attempt.timeout });
    if (result.status === 0 && existsSync(join(work, 'build', 'Release', ADDON))) {
      method = attempt.name;
      break;
    }
    rmSync(join(work, 'build'), { recursive: true, force: true });
  }
  if (method) {
    mkdirSync(outDir, { recursive: true });
    // Copied then renamed, so an interrupted run never leaves a half-written addon behind.
    copyFileSync(join(work, 'build', 'Release', ADDON), join(outDir, `${ADDON}.partial`));
    renameSync(join(outDir, `${ADDON}.partial`), join(outDir, ADDON));
    writeFileSync(join(outDir, 'build.json'), `${JSON.stringify({ ...target, method, builtAt: new Date().toISOString() }, null, 2)}\n`);
    syncRelease();
  }
} finally {
  closeSync(log);
  rmSync(work, { recursive: true, force: true });
}

if (!method) {
  const cause = firstCause(readFileSync(logFile, 'utf8'));
  fail(
    `could not build better-sqlite3 for Electron ${electron.version}: no prebuilt binary could be downloaded and Electron's headers could not be fetched to compile one` +
      `${cause ? ` (${cause})` : ''}; this needs network access once. Details: ${relative(root, logFile)}`,
  );
}
console.log(`native-electron: built ${relative(root, join(outDir, ADDON))} (${method}).`);
