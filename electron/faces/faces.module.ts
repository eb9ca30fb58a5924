import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { EventBus } from '../events/event-bus';
import type { HandlerGroup } from '../rpc/handlers';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { AwsTimeouts } from './aws-clients';
import { facesHandlers, type FaceMethods } from './faces.handlers';
import { FacesService } from './faces.service';

export type { FaceMethods };

export interface FacesDeps {
  db: Kysely<Database>;
  bus: EventBus;
  now: () => number;
  secretCipher: SecretCipher;
  /** Where endpoint overrides and the default credential chain read from (process.env in the app). */
  env: Readonly<Record<string, string | undefined>>;
  /** Run the daily retention sweep; default: only on the real clock (like the no-show timer). */
  retentionTimer?: boolean;
  /** Shorter AWS timeouts for tests. */
  timeouts?: { desk?: AwsTimeouts; kiosk?: AwsTimeouts };
}

export interface FacesModule {
  handlers: HandlerGroup<FaceMethods>;
  /** The service itself, for tests and the retention timer. */
  service: FacesService;
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60_000;
const FIRST_SWEEP_DELAY_MS = 5 * 60_000;

/**
 * Face check-in: AWS Rekognition and S3 from the main process only. Credentials and AWS's
 * own error texts never leave this module; the renderer sees statuses and problem codes.
 */
export function createFacesModule(deps: FacesDeps): FacesModule {
  const service = new FacesService({ db: deps.db, now: deps.now, secretCipher: deps.secretCipher, env: deps.env, timeouts: deps.timeouts });
  const handlers = facesHandlers(service, deps.bus);

  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;
  const sweep = () => {
    if (sweeping) return;
    sweeping = service
      .applyRetention({ staffId: null, workstation: 'retention (daily)' }, (patientId) => deps.bus.publish('faces.changed', { patientIds: [patientId] }))
      .catch((error: unknown) => console.error('face retention sweep failed:', error instanceof Error ? error.message : 'unknown error'))
      .finally(() => {
        sweeping = null;
      });
  };
  if (deps.retentionTimer ?? deps.now === Date.now) {
    timer = setTimeout(function again() {
      sweep();
      timer = setTimeout(again, DAY_MS);
      timer.unref();
    }, FIRST_SWEEP_DELAY_MS);
    timer.unref();
  }

  return {
    handlers,
    service,
    close: async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      await sweeping;
      service.close();
    },
  };
}
