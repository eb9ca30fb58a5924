import { openCloudDb } from './db/cloud-db';
import { renewEpochs } from './db/cloud.repository';

/**
 * `npm run cloud -- new-epoch`: the step after restoring the cloud's database from a backup,
 * before any server serves it again (docs/cloud-api/deploy.md). A restore keeps the clinics'
 * epochs, so a desk whose cursor lies within what the restored feed hands out again would
 * skip those changes; with a new epoch every desk's cursor is refused (410 OTHER_DATABASE),
 * and each desk pulls everything again and sends back what the cloud lost.
 */
export async function renewEpochsIn(databaseUrl: string): Promise<Array<{ slug: string; epoch: string; lastSeq: number }>> {
  const db = await openCloudDb(databaseUrl, 1);
  try {
    return await renewEpochs(db);
  } finally {
    await db.destroy();
  }
}

export function formatNewEpochNotice(clinics: ReadonlyArray<{ slug: string; epoch: string; lastSeq: number }>): string {
  if (clinics.length === 0) return 'No clinic in this database: nothing to do.';
  return [
    ...clinics.map((clinic) => `Clinic ${clinic.slug}: new epoch ${clinic.epoch} (last seq ${clinic.lastSeq}).`),
    'Every desk will pull everything again and send back what this database lost (listed on each desk as RESENT).',
  ].join('\n');
}
