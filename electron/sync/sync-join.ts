import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import { serviceOrigin } from '../../shared/settings/service-url';
import type { JoinCodeResponse } from '../../shared/sync/cloud-api';
import type { Database } from '../db/schema';
import { storeSecret } from '../secrets/secrets.repository';
import { CloudHttp, CloudRequestError, DEFAULT_TIMEOUT_MS } from './cloud-http';
import { readState, updateState } from './sync.repository';
import { readConfig, type SyncEnv } from './sync.service';

/**
 * Joining a clinic with a one-time code: this desk asks the cloud for a code another desk
 * types (`sync.createJoinCode`); a new desk exchanges one for a token of its own
 * (`setup.joinClinic`, electron/setup/join-clinic.ts), which is kept here and used for the
 * first full pull (the sync module's joiner).
 */

export function httpFor(deps: SyncEnv, baseUrl: string, token: string): CloudHttp {
  return new CloudHttp({ baseUrl, token, fetch: deps.fetch ?? globalThis.fetch, timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS, now: deps.now ?? Date.now });
}

/** CLOUD_UNAVAILABLE with details.problem: NETWORK, TIMEOUT, UNAUTHORISED, HTTP_<status> or INVALID_RESPONSE. */
export function cloudUnavailable(error: CloudRequestError, message: string, details: Record<string, unknown> = {}): AppError {
  const problem = error.isUnauthorised ? 'UNAUTHORISED' : error.kind === 'http' ? `HTTP_${error.status}` : error.kind.toUpperCase().replace('-', '_');
  return new AppError('CLOUD_UNAVAILABLE', `${message}: ${error.message}`, { problem, ...details });
}

/** A code for another desk, from the cloud this desk syncs with (its URL and token must be set). */
export async function createJoinCode(deps: SyncEnv): Promise<JoinCodeResponse> {
  const config = await readConfig(deps);
  if (config.url === null || config.token === null) {
    throw new AppError('NOT_SET_UP', 'Set up sync (the cloud URL and its token) before adding another desk.', {
      missing: [...(config.url === null ? ['cloudUrl'] : []), ...(config.token === null ? ['token'] : [])],
    });
  }
  try {
    return await httpFor(deps, config.url, config.token).createJoinCode();
  } catch (error) {
    if (error instanceof CloudRequestError) throw cloudUnavailable(error, 'The cloud could not make a join code');
    throw error;
  }
}

/**
 * Keeps the token (for the URL's origin only) and turns sync on, tracking local changes from
 * now, with nothing queued for upload: a desk that joins has nothing of its own, and its
 * first round is a full pull (no cursor).
 */
export async function saveJoinedCloud(deps: SyncEnv, trx: Kysely<Database>, cloudUrl: string, token: string, now: number): Promise<void> {
  const origin = serviceOrigin(cloudUrl);
  if (origin === null) throw new AppError('VALIDATION', 'Not a cloud URL.');
  await storeSecret(trx, deps.secretCipher, 'cloud.token', token, origin, now);
  await updateState(trx, { cloud_url: cloudUrl, enabled: 1, tracking: 1, cursor: null });
}

/** Whether a join with this URL got its token but not yet its first pull (it can be finished without a new code). */
export async function isJoinUnfinished(deps: SyncEnv, cloudUrl: string): Promise<boolean> {
  const state = await readState(deps.db);
  if (state.enabled !== 1 || state.last_synced_at !== null) return false;
  const config = await readConfig(deps);
  return config.url !== null && config.token !== null && serviceOrigin(config.url) === serviceOrigin(cloudUrl);
}
