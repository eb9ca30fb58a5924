import { z } from 'zod';
import { ADMIN, STAFF, method } from '../contract/method';
import { empty, instant } from '../contract/common';

/** One backup file in the backup folder. */
export const backupFile = z.strictObject({ name: z.string(), at: instant, size: z.number().int().nonnegative() });
export type BackupFile = z.infer<typeof backupFile>;

/** The last backup attempt: when, where, how big, and whether it passed its check. */
export const backupAttempt = z.strictObject({
  at: instant,
  file: z.string().nullable(),
  size: z.number().int().nonnegative().nullable(),
  isOk: z.boolean(),
  /** Why it failed, as an error code (BACKUP_FOLDER_MISSING, BACKUP_FAILED...), null when it worked. */
  problem: z.string().nullable(),
});
export type BackupAttempt = z.infer<typeof backupAttempt>;

export const backupStatus = z.strictObject({
  /** The folder the admin chose; null until one is chosen (no backups are taken then). */
  folder: z.string().nullable(),
  last: backupAttempt.nullable(),
  lastGoodAt: instant.nullable(),
  /** What the board says: see shared/backup/retention.ts `backupHealth`. */
  health: z.enum(['ok', 'never', 'stale', 'failing']),
  /** The weekly integrity check found the database damaged (when), until a check passes again. */
  damagedAt: instant.nullable(),
  lastHealthCheckAt: instant.nullable(),
  isRunning: z.boolean(),
});
export type BackupStatus = z.infer<typeof backupStatus>;

const folder = z.string().trim().min(1).max(1000);

export const backupContract = {
  /** Where backups go, the last one, and whether staff should be warned (the board's banner). */
  'backup.status': method({ input: empty, output: backupStatus, access: STAFF }),
  /**
   * Backs the database up now, with SQLite's online backup (the desk keeps working), checks
   * the copy and keeps 14 daily and 12 monthly backups. A copy that fails its check is deleted.
   */
  'backup.run': method({
    input: empty,
    output: backupAttempt,
    errors: ['BACKUP_FOLDER_MISSING', 'BACKUP_FOLDER_NOT_WRITABLE', 'BACKUP_FOLDER_INSIDE_DATA', 'BACKUP_FAILED'],
    access: ADMIN,
    audits: ['backup.run'],
  }),
  /** Chooses the backup folder (another disk, a network share): it must exist, be writable and lie outside the data folder. */
  'backup.setFolder': method({
    input: z.strictObject({ folder }),
    output: backupStatus,
    errors: ['BACKUP_FOLDER_MISSING', 'BACKUP_FOLDER_NOT_WRITABLE', 'BACKUP_FOLDER_INSIDE_DATA'],
    access: ADMIN,
    audits: ['backup.setFolder'],
  }),
  /** The backups in the folder, newest first. */
  'backup.list': method({ input: empty, output: z.array(backupFile), errors: ['BACKUP_FOLDER_MISSING'], access: ADMIN }),
  /**
   * Restores a backup of the folder: copied to a new folder, checked and brought to this
   * version's schema there, then swapped in at the restart that follows (the database it
   * replaces is kept aside, never deleted). A desk that syncs pulls everything again and
   * sends back what the cloud lacks.
   */
  'backup.restore': method({
    input: z.strictObject({ name: z.string().min(1).max(200) }),
    output: z.strictObject({ restartRequired: z.literal(true), asideFolder: z.string() }),
    errors: ['NOT_FOUND', 'RESTORE_FILE_INVALID', 'BACKUP_FOLDER_MISSING'],
    access: ADMIN,
    audits: ['backup.restore'],
  }),
} as const;
