import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { MethodInput } from '../../shared/contract/contract';
import { isSecureServiceUrl, serviceOrigin } from '../../shared/settings/service-url';
import type { SyncConflict, SyncProblem, SyncSettings } from '../../shared/sync/sync.contract';
import type { Database } from '../db/schema';
import type { SecretCipher } from '../secrets/secret-cipher';
import { deleteSecrets, readSecret, storeSecret } from '../secrets/secrets.repository';
import { CloudHttp, CloudRequestError, DEFAULT_TIMEOUT_MS } from './cloud-http';
import { countUnsyncedPracticeRows, deleteProblem, enqueueEverything, listConflicts, listProblems, localIdOf, readState, updateState } from './sync.repository';

export interface SyncEnv {
  db: Kysely<Database>;
  secretCipher: SecretCipher;
  env: Readonly<Record<string, string | undefined>>;
  /** For the look at the cloud when sync is first turned on (defaults: globalThis.fetch, 10 s, Date.now). */
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  now?: () => number;
}

/** Where and as whom this desk syncs; url or token null when not set up. */
export interface SyncConfig {
  enabled: boolean;
  url: string | null;
  token: string | null;
  clientId: string;
  pullIntervalSeconds: number;
  /** No request to the cloud before this instant (its Retry-After), or null. */
  notBefore: number | null;
}

/**
 * The stored settings, else the environment (FRONT_DESK_CLOUD_URL / FRONT_DESK_CLOUD_TOKEN):
 * a host without a keyring (the browser host, tests) cannot store a token, so it is given one.
 */
export async function readConfig(deps: SyncEnv, db: Kysely<Database> = deps.db): Promise<SyncConfig> {
  const state = await readState(db);
  const url = nonEmpty(state.cloud_url) ?? nonEmpty(deps.env.FRONT_DESK_CLOUD_URL);
  // The token goes only to the origin it was entered for, and only encrypted (or to this computer).
  const origin = url !== null && isSecureServiceUrl(url) ? serviceOrigin(url) : null;
  const stored = origin === null ? null : await readSecret(db, deps.secretCipher, 'cloud.token', origin);
  return {
    enabled: state.enabled === 1,
    url: origin === null ? null : url,
    token: stored ?? (origin !== null && origin === serviceOrigin(deps.env.FRONT_DESK_CLOUD_URL ?? '') ? nonEmpty(deps.env.FRONT_DESK_CLOUD_TOKEN) : null),
    clientId: state.client_id,
    pullIntervalSeconds: state.pull_interval_seconds,
    notBefore: state.not_before,
  };
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export async function getSettings(deps: SyncEnv, db: Kysely<Database> = deps.db): Promise<SyncSettings> {
  const config = await readConfig(deps, db);
  const problem = deps.secretCipher.problem();
  return {
    enabled: config.enabled,
    cloudUrl: config.url ?? '',
    hasToken: config.token !== null,
    pullIntervalSeconds: config.pullIntervalSeconds,
    clientId: config.clientId,
    secureStorage: { available: problem === null, problem },
  };
}

/**
 * Saves the settings (in the caller's transaction). Turning sync on needs a URL and a token;
 * the first time, every row the cloud has not seen is queued for upload, and from then on
 * the triggers record every change (also while sync is paused later, so nothing is lost).
 *
 * Joining safely, the first time: a desk with a clinic of its own (specialties, rooms,
 * practitioners never synced) first looks at the cloud. A cloud that already holds a clinic
 * is refused (ALREADY_SET_UP, details.reason CLOUD_HAS_OTHER_CLINIC): uploading would put
 * two of everything there. An empty cloud takes this desk's clinic. A desk without a clinic
 * of its own (set up with "create a clinic", nothing entered yet) joins whatever the cloud
 * holds: its first round pulls a full snapshot. See README.md, "Joining".
 */
export async function updateSettings(deps: SyncEnv, trx: Kysely<Database>, input: MethodInput<'sync.updateSettings'>, now: number): Promise<SyncSettings> {
  if (input.token !== undefined && input.forgetToken) {
    throw new AppError('VALIDATION', 'Give a new token or forget the stored one, not both.', {
      fields: [{ path: 'forgetToken', code: 'custom', message: 'not together with token' }],
    });
  }
  const before = await readState(trx);
  const newUrl = input.cloudUrl === undefined ? null : input.cloudUrl.replace(/\/+$/, '');
  const url = newUrl ?? nonEmpty(before.cloud_url) ?? nonEmpty(deps.env.FRONT_DESK_CLOUD_URL);
  if (input.token !== undefined) {
    const origin = url === null ? null : serviceOrigin(url);
    if (origin === null) {
      throw new AppError('NOT_SET_UP', 'Enter the cloud URL with the token: a token is kept only for the address it was given for.', { missing: ['cloudUrl'] });
    }
    await storeSecret(trx, deps.secretCipher, 'cloud.token', input.token, origin, now);
  } else if (newUrl !== null && serviceOrigin(newUrl) !== serviceOrigin(before.cloud_url ?? '')) {
    // A token entered for one address never goes to another: a new address needs it again.
    await deleteSecrets(trx, ['cloud.token']);
  }
  if (input.forgetToken) await deleteSecrets(trx, ['cloud.token']);
  await updateState(trx, {
    ...(input.cloudUrl !== undefined ? { cloud_url: input.cloudUrl.replace(/\/+$/, '') } : {}),
    ...(input.pullIntervalSeconds !== undefined ? { pull_interval_seconds: input.pullIntervalSeconds } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
  });
  const state = await readState(trx);
  const config = await readConfig(deps, trx);
  if (config.enabled) {
    if (config.url === null || config.token === null) {
      throw new AppError('NOT_SET_UP', 'Enter the cloud URL and sign in (a token) before turning sync on.', {
        missing: [...(config.url === null ? ['cloudUrl'] : []), ...(config.token === null ? ['token'] : [])],
      });
    }
    if (state.tracking === 0) {
      if ((await countUnsyncedPracticeRows(trx)) > 0 && (await cloudHoldsData(deps, config.url, config.token))) {
        throw new AppError(
          'ALREADY_SET_UP',
          'This cloud already holds a clinic, and this computer has a clinic of its own. Start Front Desk on this computer with an empty database to join it.',
          { reason: 'CLOUD_HAS_OTHER_CLINIC' },
        );
      }
      await enqueueEverything(trx, now);
      await updateState(trx, { tracking: 1 });
    }
  }
  return getSettings(deps, trx);
}

/**
 * Whether the cloud holds any live row: the first page of a full snapshot, one row long. One
 * try with the short timeout: an administrator is waiting, and the database with them (this
 * runs in the settings' transaction). A cloud that cannot be asked is not taken as empty.
 */
async function cloudHoldsData(deps: SyncEnv, url: string, token: string): Promise<boolean> {
  const http = new CloudHttp({
    baseUrl: url,
    token,
    fetch: deps.fetch ?? globalThis.fetch,
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: deps.now ?? Date.now,
  });
  try {
    return (await http.pull(null, 1)).changes.length > 0;
  } catch (error) {
    if (!(error instanceof CloudRequestError)) throw error;
    const problem = error.isUnauthorised ? 'UNAUTHORISED' : error.kind === 'http' ? `HTTP_${error.status}` : error.kind.toUpperCase().replace('-', '_');
    throw new AppError(
      'CLOUD_UNAVAILABLE',
      `Before sync is turned on, the cloud must say whether it already holds a clinic, and it could not be asked: ${error.message}`,
      {
        problem,
      },
    );
  }
}

export async function getIssues(db: Kysely<Database>): Promise<{ conflicts: SyncConflict[]; problems: SyncProblem[] }> {
  const conflicts = (await listConflicts(db)).map((row): SyncConflict => ({
    appointmentId: row.appointment_id,
    clash: {
      kind: row.clash_kind,
      startsAt: row.clash_starts_at,
      endsAt: row.clash_ends_at,
      appointmentId: row.clash_appointment_id,
      takenBy: row.clash_origin === null ? null : row.clash_origin === 'online' ? 'online' : 'desk',
    },
    refusedAt: row.refused_at,
  }));
  const problems: SyncProblem[] = [];
  for (const row of await listProblems(db)) {
    problems.push({
      id: row.id,
      entity: row.entity,
      entityId: await localIdOf(db, row.entity, row.uid),
      operation: row.op,
      reason: row.reason,
      message: row.message,
      at: row.at,
    });
  }
  return { conflicts, problems };
}

export async function dismissProblem(db: Kysely<Database>, id: number): Promise<void> {
  if (!(await deleteProblem(db, id))) throw new AppError('NOT_FOUND', 'There is no such sync problem.');
}
