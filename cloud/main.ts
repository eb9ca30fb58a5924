import { parseArgs } from 'node:util';
import { formatJoinCodeNotice, mintJoinCodeIn } from './join-cli';
import { DEFAULT_CHANGE_RETENTION, startCloudServer } from './server';

/**
 * `npm run cloud [-- --port 8787 --data-dir .cloud-data --token T --portal-token P --change-retention N]`:
 * the reference cloud server for trying Front Desk without a clinic cloud.
 *
 * `npm run cloud -- join-code [--data-dir .cloud-data]`: a one-time code a desk joins the
 * clinic with (for the first desk, or when no desk is at hand to make one in its Settings).
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.cloud-data' },
      token: { type: 'string', multiple: true },
      'portal-token': { type: 'string', multiple: true },
      'change-retention': { type: 'string', default: String(DEFAULT_CHANGE_RETENTION) },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals[0] === 'join-code') {
    console.log(formatJoinCodeNotice(mintJoinCodeIn(values['data-dir'], Date.now())));
    return;
  }
  if (positionals.length > 0) throw new Error(`Unknown command: ${positionals[0]} (the one command is join-code).`);
  const desk = values.token ?? (process.env.CLOUD_DESK_TOKEN ? [process.env.CLOUD_DESK_TOKEN] : []);
  const portal = values['portal-token'] ?? (process.env.CLOUD_PORTAL_TOKEN ? [process.env.CLOUD_PORTAL_TOKEN] : []);
  if (desk.length === 0) throw new Error('Give at least one desk token: --token <secret> (or CLOUD_DESK_TOKEN).');
  const port = Number(values.port);
  const changeRetention = Number(values['change-retention']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Not a port: ${values.port}`);
  if (!Number.isInteger(changeRetention) || changeRetention < 0) throw new Error(`Not a change retention: ${values['change-retention']}`);

  const server = await startCloudServer({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    tokens: { desk, portal },
    changeRetention,
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(
    `Front Desk reference cloud listening on ${server.url} (data: ${values['data-dir']}; ${desk.length} desk token(s), ${portal.length} portal token(s))`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
