import type { JoinCodeResponse } from '../shared/sync/cloud-api';
import { openCloudDb } from './db/cloud-db';
import { ensureClinic } from './db/cloud.repository';
import { mintJoinCode } from './join.service';
import { DEFAULT_CLINIC } from './server';

/**
 * `join-code` on the cloud's own computer: a code straight into its database (the server
 * may be running: PostgreSQL takes both).
 */
export async function mintJoinCodeIn(databaseUrl: string, now: number, clinic = DEFAULT_CLINIC): Promise<JoinCodeResponse> {
  const db = await openCloudDb(databaseUrl, 1);
  try {
    return await mintJoinCode(db, await ensureClinic(db, clinic, now), now, 'console');
  } finally {
    await db.destroy();
  }
}

export function formatJoinCodeNotice({ code, expiresAt }: JoinCodeResponse): string {
  return [
    `Join code: ${code}`,
    `Good once, until ${new Date(expiresAt).toISOString()}.`,
    'On the new desk, choose "Join a clinic" and enter the cloud address and this code.',
  ].join('\n');
}
