import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostClockFor, useHostClock } from './clock';

export interface RunningHost {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface HostOptions {
  demo?: boolean;
  extraArgs?: string[];
  env?: Record<string, string>;
  dataDir?: string;
  /** Minutes of the clinic's day the test needs ahead of "now"; near midnight the host is started at noon instead. */
  minutesOfToday?: number;
}

/**
 * Starts `dist/electron/web.cjs` on a free port and a fresh data directory, as a user would
 * with `npm run web`; on a test clock when the suite runs at a chosen moment (`E2E_CLOCK`)
 * or the test needs more of today than is left.
 */
export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fd-e2e-'));
  const testNow = hostClockFor(options.minutesOfToday ?? 0);
  const args = [
    'dist/electron/web.cjs',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(options.demo === false ? [] : ['--demo']),
    ...(testNow ? ['--test-now', testNow] : []),
    ...(options.extraArgs ?? []),
  ];
  const env = { ...process.env, ...(testNow ? { FRONT_DESK_TEST_RUN: '1' } : {}), ...options.env };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/\S+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser host exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // The host sends its "now" on every answer when on a test clock; the test and its browsers follow it.
  const hostNowHeader = testNow ? (await fetch(url)).headers.get('x-front-desk-test-now') : null;
  useHostClock(hostNowHeader ? Number(hostNowHeader) - Date.now() : 0);
  return {
    url,
    dataDir,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
