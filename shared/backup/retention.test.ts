import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../time/units';
import { backupFileName, backupHealth, backupTimeOf, backupsToDelete, isBackupDue, isHealthCheckDue } from './retention';

const LISBON = 'Europe/Lisbon';
const at = (iso: string) => Date.parse(iso);
const stamp = (iso: string) => ({ name: backupFileName(at(iso)), at: at(iso) });

/** One backup a day at 23:30 UTC from `first`, for `days` days. */
function daily(first: string, days: number) {
  return Array.from({ length: days }, (_, i) => {
    const moment = at(first) + i * DAY_MS;
    return { name: backupFileName(moment), at: moment };
  });
}

describe('which backups are kept', () => {
  it('keeps the newest of each of the last 14 days and of each of the last 12 months', () => {
    // Two years of dailies, 2025-01-01 to 2026-12-31.
    const all = daily('2025-01-01T12:00:00Z', 730);
    const doomed = new Set(backupsToDelete(all, LISBON));
    const kept = all.filter((b) => !doomed.has(b.name)).map((b) => new Date(b.at).toISOString().slice(0, 10));
    const lastFourteen = Array.from({ length: 14 }, (_, i) => new Date(at('2026-12-31T12:00:00Z') - i * DAY_MS).toISOString().slice(0, 10));
    // Month ends of the 11 months before December (December's newest is its last day, already a daily).
    const monthEnds = [
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
    ];
    expect(kept.sort()).toEqual([...monthEnds, ...lastFourteen].sort());
    expect(kept).toHaveLength(25);
  });

  it('counts days that have a backup, so a clinic closed for weeks keeps two weeks of them', () => {
    const before = daily('2026-07-01T12:00:00Z', 20);
    const after = [stamp('2026-08-25T12:00:00Z')];
    const doomed = backupsToDelete([...before, ...after], LISBON);
    // The August one and the 13 newest July days are the 14 dailies; July's newest is among them: 1 to 7 July go.
    expect(doomed).toEqual(
      before
        .slice(0, 7)
        .map((b) => b.name)
        .reverse(),
    );
  });

  it('keeps only the newest of several backups of one clinic day, and reads the day on the clinic’s clock', () => {
    // 23:30 UTC on 28 June is 00:30 on 29 June in Lisbon (summer time): the same clinic day as 29 June 10:00.
    const lateNight = stamp('2026-06-28T23:30:00Z');
    const morning = stamp('2026-06-29T09:00:00Z');
    const dayBefore = stamp('2026-06-28T09:00:00Z');
    expect(backupsToDelete([lateNight, morning, dayBefore], LISBON)).toEqual([lateNight.name]);
    // On UTC's clock the late one shares the 28th with the morning before it instead.
    expect(backupsToDelete([lateNight, morning, dayBefore], 'UTC')).toEqual([dayBefore.name]);
  });

  it('never deletes the only backup, however old', () => {
    expect(backupsToDelete([stamp('2020-01-01T00:00:00Z')], LISBON)).toEqual([]);
  });

  it('keeps months across the DST change (the last Sunday of October)', () => {
    const octoberEnd = stamp('2026-10-31T23:30:00Z'); // 31 Oct 23:30 in Lisbon (winter time: UTC+0)
    const novemberStart = stamp('2026-11-01T00:30:00Z');
    expect(backupsToDelete([octoberEnd, novemberStart], LISBON)).toEqual([]);
  });
});

describe('backup names', () => {
  it('carry their moment, without colons, and other files are not ours', () => {
    const moment = at('2026-12-08T01:30:15Z');
    expect(backupFileName(moment)).toBe('front-desk-2026-12-08T01-30-15Z.db');
    expect(backupTimeOf(backupFileName(moment))).toBe(moment);
    expect(backupTimeOf('front-desk-2026-12-08T01-30-15Z.db.partial')).toBeNull();
    expect(backupTimeOf('holiday-photos.db')).toBeNull();
  });
});

describe('when to back up, and what the board says', () => {
  const now = at('2026-12-08T10:00:00Z');
  it('backs up a day after the last good backup, with a folder, not again within an hour of a failure', () => {
    expect(isBackupDue({ folder: null, lastGoodAt: null, lastAttemptAt: null }, now)).toBe(false);
    expect(isBackupDue({ folder: '/b', lastGoodAt: null, lastAttemptAt: null }, now)).toBe(true);
    expect(isBackupDue({ folder: '/b', lastGoodAt: now - 23 * HOUR_MS, lastAttemptAt: now - 23 * HOUR_MS }, now)).toBe(false);
    expect(isBackupDue({ folder: '/b', lastGoodAt: now - DAY_MS, lastAttemptAt: now - DAY_MS }, now)).toBe(true);
    expect(isBackupDue({ folder: '/b', lastGoodAt: now - 3 * DAY_MS, lastAttemptAt: now - 30 * 60_000 }, now)).toBe(false);
    expect(isBackupDue({ folder: '/b', lastGoodAt: now - 3 * DAY_MS, lastAttemptAt: now - 2 * HOUR_MS }, now)).toBe(true);
    // A clock set back (a restored machine): a "future" last backup does not stop the next one.
    expect(isBackupDue({ folder: '/b', lastGoodAt: now + DAY_MS, lastAttemptAt: now + DAY_MS }, now)).toBe(true);
  });

  it('checks the database weekly', () => {
    expect(isHealthCheckDue(null, now)).toBe(true);
    expect(isHealthCheckDue(now - 6 * DAY_MS, now)).toBe(false);
    expect(isHealthCheckDue(now - 7 * DAY_MS, now)).toBe(true);
  });

  it('warns when the last good backup is over two days old, or the last attempt failed', () => {
    expect(backupHealth(now - 2 * DAY_MS, false, now)).toBe('ok');
    expect(backupHealth(now - 2 * DAY_MS - 1, false, now)).toBe('stale');
    expect(backupHealth(now - HOUR_MS, true, now)).toBe('failing');
    expect(backupHealth(null, false, now)).toBe('never');
  });
});
