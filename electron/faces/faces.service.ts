import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { AwsTimeouts } from './aws-clients';
import { FaceCloud } from './faces-cloud';
import { FaceEnrolmentService } from './faces-enrolment.service';
import { FaceIdentificationService } from './faces-identify.service';
import { FaceRemoval, RunningKeys } from './faces-removal';
import { FaceSettingsService } from './faces-settings.service';
import { FaceWithdrawalService } from './faces-withdrawal.service';

export interface FacesServiceDeps {
  db: Kysely<Database>;
  now: () => number;
  secretCipher: SecretCipher;
  env: Readonly<Record<string, string | undefined>>;
  timeouts?: { desk?: AwsTimeouts; kiosk?: AwsTimeouts };
}

/** Face check-in's services, by job, sharing one way to AWS and one record of what runs here. */
export interface FacesServices {
  /** The admin's AWS set-up and the connection test. */
  readonly settings: FaceSettingsService;
  /** Status, consent, and enrolment. */
  readonly enrolment: FaceEnrolmentService;
  /** Withdrawal, retention, and the recovery of unfinished enrolments. */
  readonly withdrawal: FaceWithdrawalService;
  /** Who is at the kiosk. */
  readonly identification: FaceIdentificationService;
  /** Lets go of the AWS clients. */
  close(): void;
}

export function createFacesServices(deps: FacesServiceDeps): FacesServices {
  const cloud = new FaceCloud({ secretCipher: deps.secretCipher, env: deps.env, timeouts: deps.timeouts });
  const running = new RunningKeys();
  const removal = new FaceRemoval({ db: deps.db, now: deps.now, cloud, running });
  const shared = { db: deps.db, now: deps.now, cloud, removal, running };
  return {
    settings: new FaceSettingsService({ cloud, secretCipher: deps.secretCipher }),
    enrolment: new FaceEnrolmentService(shared),
    withdrawal: new FaceWithdrawalService(shared),
    identification: new FaceIdentificationService(cloud),
    close: () => cloud.close(),
  };
}
