import type { Kysely } from 'kysely';
import { DAY_MS, MINUTE_MS } from '../../shared/time/units';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import type { EventBus } from '../events/event-bus';
import type { HandlerGroup } from '../rpc/handlers';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { AwsTimeouts } from './aws-clients';
import type { KioskThrottle } from '../kiosk/kiosk-throttle';
import { facesHandlers, type FaceMethods } from './faces.handlers';
import { ABANDONED_AFTER_MS } from './faces-withdrawal.service';
import { createFacesServices, type FacesServices } from './faces.service';

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
  /** The kiosks' limits, shared with the typed check-in and the desk. */
  kioskThrottle?: KioskThrottle;
  /** Shorter AWS timeouts for tests. */
  timeouts?: { desk?: AwsTimeouts; kiosk?: AwsTimeouts };
}

export interface FacesModule {
  handlers: HandlerGroup<FaceMethods>;
  /** The services themselves, for tests and the retention timer. */
  services: FacesServices;
  /**
   * The start-up pass that clears enrolments a killed process left halfway (in the
   * background: startup does not wait for it). Resolves with how many it cleared.
   */
  recovered: Promise<number>;
  close(): Promise<void>;
}

const FIRST_SWEEP_DELAY_MS = 5 * MINUTE_MS;

/** The main process acting on its own, named in the audit log by what it was doing. */
const RECOVERY_ACTOR: Actor = { ...SYSTEM_ACTOR, workstation: 'recovery (start)' };
const RETENTION_ACTOR: Actor = { ...SYSTEM_ACTOR, workstation: 'retention (daily)' };
const MERGE_ACTOR: Actor = { ...SYSTEM_ACTOR, workstation: 'patient merge' };

/**
 * Face check-in: AWS Rekognition and S3 from the main process only. Credentials and AWS's
 * own error texts never leave this module; the renderer sees statuses and problem codes.
 */
export function createFacesModule(deps: FacesDeps): FacesModule {
  const services = createFacesServices({ db: deps.db, now: deps.now, secretCipher: deps.secretCipher, env: deps.env, timeouts: deps.timeouts });
  const handlers = facesHandlers(services, deps.bus, deps.kioskThrottle);

  let timer: NodeJS.Timeout | null = null;
  let recheck: NodeJS.Timeout | null = null;
  let rechecking: Promise<unknown> | null = null;
  let closed = false;
  const publish = (patientId: number) => deps.bus.publish('faces.changed', { patientIds: [patientId] });
  const failed = (error: unknown) => console.error('face clean-up failed:', error instanceof Error ? error.message : 'unknown error');

  // A killed process leaves enrolments journalled but unfinished. Rows too young to call
  // abandoned (a restart within minutes) get one more look once they are old enough.
  const recovered = Promise.resolve()
    .then(() => services.withdrawal.recoverUnfinished(RECOVERY_ACTOR, publish))
    .then(({ cleared, pending }) => {
      if (pending > 0 && !closed) {
        recheck = setTimeout(() => {
          recheck = null;
          rechecking = services.withdrawal.recoverUnfinished(RECOVERY_ACTOR, publish).catch(failed);
        }, ABANDONED_AFTER_MS + 1_000);
        recheck.unref();
      }
      return cleared;
    })
    .catch((error: unknown) => {
      failed(error);
      return 0;
    });

  // A merge of two records marks the duplicate's enrolment withdrawing in its transaction;
  // the AWS half runs here, once the merge is committed and announced.
  let finishing: Promise<unknown> = Promise.resolve();
  const unsubscribe = deps.bus.subscribe((event, payload) => {
    if (event !== 'patients.changed' || closed) return;
    const { patientIds } = payload as { patientIds: number[] };
    finishing = finishing.then(() => services.withdrawal.finishStarted(patientIds, MERGE_ACTOR, publish)).catch(failed);
  });

  let sweeping: Promise<unknown> | null = null;
  const sweep = () => {
    if (sweeping) return;
    sweeping = services.withdrawal
      .applyRetention(RETENTION_ACTOR, (patientId) => deps.bus.publish('faces.changed', { patientIds: [patientId] }))
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
    services,
    recovered,
    close: async () => {
      closed = true;
      unsubscribe();
      await recovered;
      await finishing;
      if (timer) clearTimeout(timer);
      if (recheck) clearTimeout(recheck);
      timer = null;
      recheck = null;
      await rechecking;
      await sweeping;
      services.close();
    },
  };
}
