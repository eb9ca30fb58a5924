import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../shared/contract/errors';
import { listBackups } from './backup-files';
import { readBackupState } from './backup-state.repository';
import { stageRestore } from './restore';

const usage = 'usage: npm run restore -- --data-dir DIR (--latest | --list | FILE)';

/**
 * `npm run restore`: the way back when the desk cannot start (its database damaged) or from
 * another machine. The backup is staged and checked in a new folder now; the desk swaps it in
 * at its next start (the database it replaces is kept aside). Safe while the desk runs: nothing
 * live is touched until it restarts.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.data' },
      latest: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return console.log(usage);
  const dataDir = resolve(values['data-dir']);
  if (!existsSync(dataDir)) throw new Error(`There is no data folder ${dataDir}.`);
  const { folder } = readBackupState(dataDir);
  if (values.list || values.latest) {
    if (folder === null) throw new Error('This desk has no backup folder recorded: give the backup file instead.');
    const backups = await listBackups(folder);
    if (values.list) {
      for (const backup of backups)
        console.log(`${new Date(backup.at).toISOString()}  ${(backup.size / 1024 / 1024).toFixed(1)} MiB  ${join(folder, backup.name)}`);
      if (backups.length === 0) console.log(`No backups in ${folder}.`);
      return;
    }
    if (!backups[0]) throw new Error(`No backups in ${folder}.`);
    positionals.splice(0, positionals.length, join(folder, backups[0].name));
  }
  const file = positionals[0];
  if (positionals.length !== 1 || file === undefined) throw new Error(usage);
  const staged = await stageRestore({ file: resolve(file), dataDir, now: Date.now(), staffId: null, workstation: 'command line' });
  console.log(`${file} is checked and ready. Start (or restart) Front Desk: it restores it at start.`);
  console.log(`The current database will be kept in ${staged.asideFolder}.`);
  if (staged.isSyncResent) console.log('Sync will pull everything from the cloud again and send back what the cloud lacks.');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof AppError ? `Not restored: ${message}` : message);
  process.exit(1);
});
