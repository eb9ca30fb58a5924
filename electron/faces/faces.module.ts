import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { EventBus } from '../events/event-bus';
import type { HandlerGroup } from '../rpc/handlers';
import type { SecretCipher } from '../secrets/secret-cipher';
import { AppError } from '../../shared/contract/errors';

export type FaceMethods =
  | 'faces.settings'
  | 'faces.updateSettings'
  | 'faces.testConnection'
  | 'faces.availability'
  | 'faces.status'
  | 'faces.consentText'
  | 'faces.recordConsent'
  | 'faces.enrol'
  | 'faces.withdraw'
  | 'faces.applyRetention'
  | 'kiosk.faceCheckIn';

export interface FacesDeps {
  db: Kysely<Database>;
  bus: EventBus;
  now: () => number;
  secretCipher: SecretCipher;
  /** Where endpoint overrides and the default credential chain read from (process.env in the app). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface FacesModule {
  handlers: HandlerGroup<FaceMethods>;
  close(): Promise<void>;
}

// PLACEHOLDER (being written): every method refuses until the faces module lands.
export function createFacesModule(_deps: FacesDeps): FacesModule {
  const off = () => {
    throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
  };
  return {
    handlers: {
      'faces.settings': off,
      'faces.updateSettings': off,
      'faces.testConnection': off,
      'faces.availability': () => ({ faceCheckIn: false }),
      'faces.status': off,
      'faces.consentText': off,
      'faces.recordConsent': off,
      'faces.enrol': off,
      'faces.withdraw': off,
      'faces.applyRetention': off,
      'kiosk.faceCheckIn': () => ({ outcome: 'notRecognised', reason: 'off' }),
    },
    close: async () => {},
  };
}
