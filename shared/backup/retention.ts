import { dayOf } from '../schedule/wall-clock';
import { DAY_MS, HOUR_MS } from '../time/units';

/** How many backups are kept: the newest of each of the last days, and of each of the last months. */
export const KEEP_DAILY = 14;
export const KEEP_MONTHLY = 12;
/** A last good backup older than this (or a failing one) is shown to staff on the board. */
export const STALE_AFTER_MS = 2 * DAY_MS;
/** The desk backs up when its last good backup is at least this old. */
export const BACKUP_EVERY_MS = DAY_MS;

export interface BackupStamp {
  readonly name: string;
  /** When it was taken (UTC ms). */
  readonly at: number;
}

/**
 * Which backups to delete. Kept: the newest backup of each of the 14 most recent clinic days
 * that have one, and the newest of each of the 12 most recent months that have one. Days that
 * have a backup, not calendar days: a clinic closed for three weeks still keeps two weeks of
 * dailies, and the last backup is never deleted however old it is. Days and months are the
 * clinic's (its time zone), so a backup at 00:30 in Lisbon counts for that day, DST or not.
 */
export function backupsToDelete(backups: readonly BackupStamp[], timeZone: string): string[] {
  const newestFirst = [...backups].sort((a, b) => b.at - a.at || b.name.localeCompare(a.name));
  const keep = new Set<string>();
  const days = new Set<string>();
  const months = new Set<string>();
  for (const backup of newestFirst) {
    const day = dayOf(timeZone, backup.at);
    const month = day.slice(0, 7);
    if (!days.has(day) && days.size < KEEP_DAILY) {
      days.add(day);
      keep.add(backup.name);
    }
    if (!months.has(month) && months.size < KEEP_MONTHLY) {
      months.add(month);
      keep.add(backup.name);
    }
  }
  return newestFirst.filter((backup) => !keep.has(backup.name)).map((backup) => backup.name);
}

export type BackupHealth = 'ok' | 'never' | 'stale' | 'failing';

/**
 * What the board says about backups. `failing`: the last attempt failed (or the database was
 * found damaged); `stale`: the last good backup is more than two days old; `never`: none yet.
 */
export function backupHealth(lastGoodAt: number | null, lastAttemptFailed: boolean, now: number): BackupHealth {
  if (lastAttemptFailed) return 'failing';
  if (lastGoodAt === null) return 'never';
  return now - lastGoodAt > STALE_AFTER_MS ? 'stale' : 'ok';
}

/** Backup file names sort by time: `front-desk-2026-12-08T01-30-00Z.db` (UTC, no colons: valid on Windows shares). */
export function backupFileName(at: number): string {
  return `front-desk-${new Date(at).toISOString().slice(0, 19).replaceAll(':', '-')}Z.db`;
}

const NAME = /^front-desk-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.db$/;

/** The moment in a backup's name, or null for a file that is not one of ours. */
export function backupTimeOf(name: string): number | null {
  const match = NAME.exec(name);
  if (!match) return null;
  const at = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`);
  return Number.isNaN(at) ? null : at;
}

/** A failed attempt is tried again after this, not at every tick. */
export const RETRY_AFTER_MS = HOUR_MS;
export const HEALTH_CHECK_EVERY_MS = 7 * DAY_MS;

/**
 * Whether the scheduler should back up now: a folder is chosen, the last good backup is a day
 * old (or there is none), and no attempt was made in the last hour (a share that is offline is
 * not hammered every minute).
 */
export function isBackupDue(state: { folder: string | null; lastGoodAt: number | null; lastAttemptAt: number | null }, now: number): boolean {
  if (state.folder === null) return false;
  if (state.lastAttemptAt !== null && now - state.lastAttemptAt < RETRY_AFTER_MS && now >= state.lastAttemptAt) return false;
  return state.lastGoodAt === null || now - state.lastGoodAt >= BACKUP_EVERY_MS || now < state.lastGoodAt;
}

/** Whether the weekly integrity check and optimize are due. */
export function isHealthCheckDue(lastCheckAt: number | null, now: number): boolean {
  return lastCheckAt === null || now - lastCheckAt >= HEALTH_CHECK_EVERY_MS || now < lastCheckAt;
}
