import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostName } from '../../shared/settings/settings.contract';
import { startFrontDesk, type FrontDesk } from '../app/front-desk';
import { DatabaseDamagedError } from '../backup/damaged-database';
import { fileKeyCipher } from '../secrets/file-key-cipher';
import { readSettings } from '../settings/settings.repository';
import { parseTestClock, testClock, TEST_RUN_ENV } from '../app/test-clock';
import { isLoopbackAddress, ownNames } from './host-check';
import { ensureServerCredentials, hostNamesOf } from './host-tls';
import { startWebHost, type WebHost } from './web-host';

const usage = 'usage: npm run web -- [--port 5170] [--data-dir DIR] [--demo] [--host 127.0.0.1] [--host-name NAME]... [--test-now ISO[!]]';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '5170' },
        'data-dir': { type: 'string', default: '.data' },
        demo: { type: 'boolean', default: false },
        host: { type: 'string', default: '127.0.0.1' },
        // Names the screens on the LAN use (recepcao.local), before an admin can add them in Settings.
        'host-name': { type: 'string', multiple: true, default: [] },
        // Test runs only: "now" starts at this instant (end-to-end tests at any hour of a chosen day).
        'test-now': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535.\n${usage}`);
    process.exit(2);
  }
  const hostNames: string[] = [];
  for (const name of values['host-name']) {
    const parsed = hostName.safeParse(name);
    if (!parsed.success) {
      console.error(`--host-name ${JSON.stringify(name)} is not a host name or an IP address (no port, no http://).\n${usage}`);
      process.exit(2);
    }
    hostNames.push(parsed.data);
  }
  // The bundle lives in dist/electron; the renderer next to it in dist/renderer.
  const rendererDir = resolve(__dirname, '..', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`The renderer is not built (${rendererDir} has no index.html). Run: npm run build`);
    process.exit(1);
  }

  let now: (() => number) | undefined;
  if (values['test-now'] !== undefined) {
    if (process.env[TEST_RUN_ENV] !== '1') {
      console.error(`--test-now is for test runs only (set ${TEST_RUN_ENV}=1): a clinic's day runs on the real clock.`);
      process.exit(2);
    }
    const spec = parseTestClock(values['test-now']);
    if (typeof spec === 'string') {
      console.error(`${spec}\n${usage}`);
      process.exit(2);
    }
    now = testClock(spec);
    console.log(`Test clock: now is ${new Date(now()).toISOString()}${spec.frozen ? ' (frozen)' : ''}`);
  }

  const dataDir = resolve(values['data-dir']);
  // On a test clock the timers still run: the suite exercises the app as it runs, only at another hour.
  // No OS keyring here: secrets (a joined desk's cloud token, AWS keys) are sealed with a key in the data folder.
  const boundHost = values.host;
  let stopping = false;
  let current: { app: FrontDesk; host: WebHost } | null = null;
  let boundPort = port;
  const open = async (): Promise<void> => {
    const app = await startFrontDesk({
      dataDir,
      demo: values.demo,
      secretCipher: fileKeyCipher(dataDir),
      // A restore from Settings is swapped in at start: the host closes and opens the desk again, on the same port.
      requestRestart: () => void reopen(),
      ...(now ? { now, noShowTimer: true, syncWorker: true } : {}),
    });
    if (app.restored) console.log(`Restored ${app.restored.from}; the database it replaced is in ${app.restored.asideFolder}.`);
    // On the LAN, HTTPS: passwords and session cookies never cross the clinic's Wi-Fi in the clear.
    const tls = isLoopbackAddress(boundHost)
      ? undefined
      : {
          // From the database, not the settings cache: this runs on the same change event that refreshes the cache.
          credentials: async () => {
            const settings = await readSettings(app.database.db);
            return ensureServerCredentials(
              dataDir,
              hostNamesOf([...ownNames(boundHost), ...hostNames, ...settings.hostNames]),
              settings.clinicName,
              Date.now(),
            );
          },
        };
    const host = await startWebHost({ app, rendererDir, host: boundHost, port: boundPort, hostNames, exposeClock: now !== undefined, ...(tls ? { tls } : {}) });
    current = { app, host };
    // Port 0 asked for any: a reopen takes the same one, so the screens find the desk where it was.
    boundPort = (host.server.address() as { port: number } | null)?.port ?? boundPort;
    console.log(`Front Desk browser host: ${host.url} (data in ${dataDir})`);
    if (tls) {
      const { caFingerprint } = await tls.credentials();
      console.log(
        `HTTPS with this clinic's own certificate authority: on each tablet and TV, install ${host.url}ca.crt and check its SHA-256 fingerprint:\n  ${caFingerprint}`,
      );
    }
  };
  const reopen = async (): Promise<void> => {
    if (stopping || !current) return;
    const { app, host } = current;
    await host.close();
    await app.close();
    await open().catch((error: unknown) => {
      console.error(`Front Desk could not reopen: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  };
  await open();

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await current?.host.close();
    await current?.app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DatabaseDamagedError) {
    console.error(`Front Desk could not start: ${message}`);
    console.error(
      error.latestBackup
        ? `Restore the last good backup, then start again:\n  npm run restore -- --data-dir ${JSON.stringify(error.file.replace(/[\\/]front-desk\.db$/, ''))} --latest`
        : 'Restore a backup with: npm run restore -- --data-dir DIR FILE',
    );
  } else if ((error as { code?: string }).code === 'EADDRINUSE') console.error(`That port is taken: ${message}`);
  else console.error(`Front Desk could not start: ${message}`);
  process.exit(1);
});
