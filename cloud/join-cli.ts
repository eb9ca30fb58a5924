import type { JoinCodeResponse } from '../shared/sync/cloud-api';
import { openCloudDb } from './cloud-db';
import { mintJoinCode } from './join.service';

/**
 * `join-code` on the cloud's own computer: a code straight into its database (the server
 * may be running: SQLite's WAL lets both write, one at a time).
 */
export function mintJoinCodeIn(dataDir: string, now: number): JoinCodeResponse {
  const db = openCloudDb(dataDir);
  try {
    return mintJoinCode(db, now, 'console');
  } finally {
    db.close();
  }
}

export function formatJoinCodeNotice({ code, expiresAt }: JoinCodeResponse): string {
  return [
    `Join code: ${code}`,
    `Good once, until ${new Date(expiresAt).toISOString()}.`,
    'On the new desk, choose "Join a clinic" and enter the cloud address and this code.',
  ].join('\n');
}
