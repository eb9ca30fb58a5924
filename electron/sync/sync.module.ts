import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { EventBus } from '../events/event-bus';
import type { HandlerGroup } from '../rpc/handlers';
import type { SecretCipher } from '../secrets/secret-cipher';
import { AppError } from '../../shared/contract/errors';

export type SyncMethods = 'sync.status' | 'sync.settings' | 'sync.updateSettings' | 'sync.now' | 'sync.issues' | 'sync.dismissProblem';

export interface SyncDeps {
  db: Kysely<Database>;
  bus: EventBus;
  now: () => number;
  secretCipher: SecretCipher;
  /** FRONT_DESK_CLOUD_URL / FRONT_DESK_CLOUD_TOKEN for hosts without a keyring (process.env in the app). */
  env: Readonly<Record<string, string | undefined>>;
  /** Injected in tests (a fault-injecting proxy is simpler over real HTTP, though). */
  fetch?: typeof globalThis.fetch;
  /** Start the background worker (default true; tests drive `runOnce` themselves). */
  autoStart?: boolean;
}

export interface SyncModule {
  handlers: HandlerGroup<SyncMethods>;
  /** One push-and-pull round now. */
  runOnce(): Promise<void>;
  close(): Promise<void>;
}

// PLACEHOLDER (being written): sync stays off until the sync module lands.
export function createSyncModule(_deps: SyncDeps): SyncModule {
  const off = () => {
    throw new AppError('NOT_SET_UP', 'Sync is not available yet.');
  };
  return {
    handlers: {
      'sync.status': () => ({ enabled: false, connection: 'off', pending: 0, problems: 0, conflicts: 0, lastSyncedAt: null, nextAttemptAt: null }),
      'sync.settings': off,
      'sync.updateSettings': off,
      'sync.now': off,
      'sync.issues': () => ({ conflicts: [], problems: [] }),
      'sync.dismissProblem': off,
    },
    runOnce: async () => {},
    close: async () => {},
  };
}
