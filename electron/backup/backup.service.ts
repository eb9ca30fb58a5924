import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import type { BackupAttempt, BackupFile, BackupStatus } from '../../shared/backup/backup.contract';
import { backupFileName, backupHealth, backupsToDelete, isBackupDue, isHealthCheckDue } from '../../shared/backup/retention';
import { AppError } from '../../shared/contract/errors';
import type { Database } from '../db/schema';
import { checkFolder, listBackups, writeBackup } from './backup-files';
import { readBackupState, updateBackupState } from './backup-state.repository';
import { integrityCheckFile, optimize, ranMigrations } from './backup.repository';
import { DATABASE_FILE, stageRestore, type StagedRestore } from './restore';

export interface BackupDeps {
  readonly dataDir: string;
  readonly db: Kysely<Database>;
  readonly sqlite: BetterSqlite3.Database;
  readonly nativeBinding?: string | undefined;
  /** The clinic's time zone: retention counts the clinic's days and months. */
  timeZone(): string;
  /** Tells the screens (`backup.changed`). */
  changed(): void;
}

/**
 * The backup rules: when, where, what is kept, what staff are told. One backup at a time: a
 * second request while one runs waits for it and gets its result.
 */
export class BackupService {
  private running: Promise<BackupAttempt> | null = null;

  constructor(private readonly deps: BackupDeps) {}

  /** Resolves once no backup is being written (before the database closes). */
  async whenIdle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  status(now: number): BackupStatus {
    const state = readBackupState(this.deps.dataDir);
    const isLastFailed = state.last !== null && !state.last.isOk;
    return {
      folder: state.folder,
      last: state.last,
      lastGoodAt: state.lastGoodAt,
      health: state.damagedAt !== null ? 'failing' : state.folder === null ? 'never' : backupHealth(state.lastGoodAt, isLastFailed, now),
      damagedAt: state.damagedAt,
      lastHealthCheckAt: state.lastHealthCheckAt,
      isRunning: this.running !== null,
    };
  }

  async setFolder(folder: string, now: number): Promise<BackupStatus> {
    const real = await checkFolder(folder, this.deps.dataDir);
    await updateBackupState(this.deps.dataDir, { folder: real });
    this.deps.changed();
    return this.status(now);
  }

  async list(): Promise<BackupFile[]> {
    const { folder } = readBackupState(this.deps.dataDir);
    if (folder === null) return [];
    await checkFolder(folder, this.deps.dataDir).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'BACKUP_FOLDER_MISSING') throw error;
    });
    return (await listBackups(folder)).map(({ name, at, size }) => ({ name, at, size }));
  }

  /** Backs up now (or joins the backup under way). Throws the refusal after recording it. */
  run(now: number): Promise<BackupAttempt> {
    if (this.running) return this.running;
    this.running = this.backUp(now).finally(() => {
      this.running = null;
      this.deps.changed();
    });
    this.deps.changed();
    return this.running;
  }

  private async backUp(now: number): Promise<BackupAttempt> {
    const { dataDir } = this.deps;
    const state = readBackupState(dataDir);
    const fail = async (error: AppError): Promise<never> => {
      const last: BackupAttempt = { at: now, file: null, size: null, isOk: false, problem: error.code };
      await updateBackupState(dataDir, { last });
      throw error;
    };
    if (state.folder === null) return fail(new AppError('BACKUP_FAILED', 'Choose a backup folder first.', { reason: 'NO_FOLDER' }));
    let folder: string;
    try {
      folder = await checkFolder(state.folder, dataDir);
    } catch (error) {
      if (error instanceof AppError) return fail(error);
      throw error;
    }
    const file = join(folder, backupFileName(now));
    let result;
    try {
      result = await writeBackup(this.deps.sqlite, file, {
        nativeBinding: this.deps.nativeBinding,
        expectedMigrations: await ranMigrations(this.deps.db),
      });
    } catch (error) {
      return fail(
        new AppError('BACKUP_FAILED', `The backup could not be written: ${error instanceof Error ? error.message : String(error)}`, { reason: 'WRITE' }),
      );
    }
    if (!result.check.isOk) {
      return fail(
        new AppError('BACKUP_FAILED', `The backup did not pass its check (${result.check.reason}) and was deleted.`, { reason: result.check.reason }),
      );
    }
    const last: BackupAttempt = { at: now, file, size: result.size, isOk: true, problem: null };
    await updateBackupState(dataDir, { last, lastGoodAt: now, lastGoodFile: file });
    await this.prune(folder);
    return last;
  }

  /** Keeps 14 daily and 12 monthly backups (shared/backup/retention.ts); other files are never touched. */
  private async prune(folder: string): Promise<void> {
    const doomed = backupsToDelete(await listBackups(folder), this.deps.timeZone());
    for (const name of doomed) await fs.rm(join(folder, name), { force: true });
  }

  /** The scheduler's turn: a daily backup when due, the weekly health check when due. Never throws. */
  async tick(now: number): Promise<void> {
    const state = readBackupState(this.deps.dataDir);
    if (isBackupDue({ folder: state.folder, lastGoodAt: state.lastGoodAt, lastAttemptAt: state.last?.at ?? null }, now)) {
      await this.run(now).catch((error: unknown) => {
        if (!(error instanceof AppError)) console.error('backup failed:', error);
      });
    }
    if (isHealthCheckDue(state.lastHealthCheckAt, now)) await this.healthCheck(now);
  }

  /**
   * `PRAGMA integrity_check`, then `PRAGMA optimize`. A damaged file is recorded (the board then
   * tells staff to restore the last good backup) until a later check passes.
   */
  async healthCheck(now: number): Promise<boolean> {
    let isOk: boolean;
    try {
      // On a read-only connection of its own, in a worker: the desk keeps answering meanwhile.
      const rows = await integrityCheckFile(join(this.deps.dataDir, DATABASE_FILE), this.deps.nativeBinding);
      isOk = rows.length === 1 && rows[0] === 'ok';
      if (isOk) optimize(this.deps.sqlite);
    } catch {
      isOk = false;
    }
    const before = readBackupState(this.deps.dataDir).damagedAt;
    await updateBackupState(this.deps.dataDir, { lastHealthCheckAt: now, damagedAt: isOk ? null : (before ?? now) });
    this.deps.changed();
    return isOk;
  }

  /** Prepares a restore of a backup in the chosen folder; it takes effect at the restart. */
  async restore(name: string, request: { now: number; staffId: number | null; workstation: string }): Promise<StagedRestore> {
    const { folder } = readBackupState(this.deps.dataDir);
    if (folder === null) throw new AppError('BACKUP_FOLDER_MISSING', 'No backup folder has been chosen.', { field: 'folder' });
    const backups = await listBackups(folder).catch(() => {
      throw new AppError('BACKUP_FOLDER_MISSING', `The backup folder ${folder} cannot be read.`, { folder });
    });
    // Only a name from the folder's list: the call cannot point the desk at any file on the machine.
    if (!backups.some((backup) => backup.name === name)) throw new AppError('NOT_FOUND', 'There is no such backup.', { field: 'name' });
    return stageRestore({ file: join(folder, name), dataDir: this.deps.dataDir, nativeBinding: this.deps.nativeBinding, ...request });
  }
}
