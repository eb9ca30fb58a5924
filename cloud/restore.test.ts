import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudApiError, cloudClient } from './cloud-client';
import { restoreDatabase, type TestDatabase } from './db/test-database';
import { startCloudServer } from './server';
import { DESK_TOKEN, patient, PORTAL_TOKEN, startTestCloud, upsert, type TestCloud } from './test-fixtures';

/**
 * A restore brings the clinics' epochs back with the rows: the restored feed hands out again
 * seqs the desks already passed, for other changes. `new-epoch` (run after the restore,
 * before serving) makes every older cursor 410 OTHER_DATABASE, so no desk skips them.
 */
describe('restoring the cloud from a backup', () => {
  let cloud: TestCloud;
  let backup: TestDatabase | undefined;
  afterEach(async () => {
    // The server running now (a restarted one is not the one the fixture closes).
    await cloud.server.close();
    await cloud.close();
    await backup?.drop();
  });

  const restart = async () => {
    cloud.server = await startCloudServer({ port: cloud.server.port, databaseUrl: cloud.databaseUrl, tokens: { desk: [DESK_TOKEN], portal: [PORTAL_TOKEN] } });
  };
  const pushPatient = (name: string) => cloudClient(cloud.server.url, DESK_TOKEN).push('desk', [upsert('patient', randomUUID(), patient(name))]);
  const names = (changes: Array<{ data: unknown }>) => changes.map((change) => (change.data as { fullName: string }).fullName);

  it('without a new epoch, a cursor past the backup skips what the restored cloud hands out again; with one, it is refused', async () => {
    cloud = await startTestCloud();
    await pushPatient('Before the backup');
    await cloud.server.close();
    backup = await cloud.database.copy();
    await restart();
    await pushPatient('Lost 1');
    const desk = cloudClient(cloud.server.url, DESK_TOKEN);
    const { cursor } = await desk.pullAll();
    await pushPatient('Lost 2');

    await cloud.server.close();
    await restoreDatabase(backup, cloud.database);
    await restart();
    // The restored feed gives seqs 2 and 3 again, to new rows; the desk's cursor sits at 2.
    await pushPatient('After the restore 1');
    await pushPatient('After the restore 2');
    expect(names((await desk.pullAll(cursor)).changes)).toEqual(['After the restore 2']);

    // The step: `npm run cloud -- new-epoch` on the restored database.
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      join(__dirname, 'main.ts'),
      'new-epoch',
      '--database-url',
      cloud.databaseUrl,
    ]);
    expect(stdout).toMatch(/^Clinic default: new epoch [0-9a-f]{12} \(last seq 3\)\./);
    const refused = await desk.pull(cursor).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CloudApiError);
    expect((refused as CloudApiError).status).toBe(410);
    const reason = await fetch(`${cloud.server.url}/v1/changes?cursor=${cursor}`, { headers: { Authorization: `Bearer ${DESK_TOKEN}` } });
    expect(((await reason.json()) as { error: { reason: string } }).error.reason).toBe('OTHER_DATABASE');
    // Pulling everything again brings every row the restored cloud holds.
    expect(names((await desk.pullAll()).changes).sort()).toEqual(['After the restore 1', 'After the restore 2', 'Before the backup']);
  });
});
