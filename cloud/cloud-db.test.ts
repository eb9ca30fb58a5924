import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCloudDb } from './cloud-db';

describe('the cloud database', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades a version 1 database: after a purge, new rows start above every version handed out so far', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-cloud-db-'));
    dirs.push(dir);
    const made = openCloudDb(dir);
    // What version 1 looked like: no purged_version.
    made.exec('ALTER TABLE clinic DROP COLUMN purged_version; UPDATE clinic SET last_seq = 40, horizon = 12');
    made.pragma('user_version = 1');
    made.close();

    const upgraded = openCloudDb(dir);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(2);
    expect(upgraded.prepare('SELECT purged_version FROM clinic').pluck().get()).toBe(40);
    upgraded.close();

    const fresh = mkdtempSync(join(tmpdir(), 'fd-cloud-db-'));
    dirs.push(fresh);
    const never = openCloudDb(fresh);
    expect(never.prepare('SELECT purged_version FROM clinic').pluck().get()).toBe(0);
    never.close();
  });
});
