import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { backupAttempt } from '../../shared/backup/backup.contract';

/**
 * What the desk remembers about its backups: the folder, the last attempt, the last good one,
 * the last health check. Kept in a small JSON file in the data folder, not in the database:
 * when the database is damaged, the desk must still know where its backups are to offer a
 * restore. Written to a temporary name and renamed, so a crash leaves the old or the new file.
 */
const stateSchema = z.object({
  folder: z.string().nullable().default(null),
  last: backupAttempt.nullable().default(null),
  lastGoodAt: z.number().nullable().default(null),
  lastGoodFile: z.string().nullable().default(null),
  damagedAt: z.number().nullable().default(null),
  lastHealthCheckAt: z.number().nullable().default(null),
});
export type BackupState = z.infer<typeof stateSchema>;

export const BACKUP_STATE_FILE = 'backup-state.json';

const EMPTY: BackupState = { folder: null, last: null, lastGoodAt: null, lastGoodFile: null, damagedAt: null, lastHealthCheckAt: null };

export function readBackupState(dataDir: string): BackupState {
  let text: string;
  try {
    text = readFileSync(join(dataDir, BACKUP_STATE_FILE), 'utf8');
  } catch {
    return { ...EMPTY };
  }
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { ...EMPTY };
  } catch {
    return { ...EMPTY };
  }
}

export async function writeBackupState(dataDir: string, state: BackupState): Promise<void> {
  const file = join(dataDir, BACKUP_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, JSON.stringify(state, null, 2), { mode: 0o600 });
  await fs.rename(temp, file);
}

export async function updateBackupState(dataDir: string, change: Partial<BackupState>): Promise<BackupState> {
  const next = { ...readBackupState(dataDir), ...change };
  await writeBackupState(dataDir, next);
  return next;
}
