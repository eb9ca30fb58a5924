import { z } from 'zod';
import { ADMIN, DESK, STAFF, method } from '../contract/method';
import { id } from '../contract/common';
import { secretStorageProblem } from '../faces/faces.contract';
import { isSecureServiceUrl, SERVICE_URL_HINT } from '../settings/service-url';

/**
 * Sync with the clinic's cloud API, as the desk sees it. The wire format is in
 * cloud-api.ts; this is what the renderer may ask the main process (never the token).
 */

export const syncStatus = z.strictObject({
  enabled: z.boolean(),
  /** online: the last request reached the server; offline: it did not; unauthorised: the token was refused. */
  connection: z.enum(['off', 'online', 'offline', 'unauthorised']),
  /** Local changes not yet acknowledged by the server. */
  pending: z.number().int(),
  /** Changes the server rejected (staff must look), and appointments it refused as overlapping. */
  problems: z.number().int(),
  conflicts: z.number().int(),
  lastSyncedAt: z.number().nullable(),
  nextAttemptAt: z.number().nullable(),
});
export type SyncStatus = z.infer<typeof syncStatus>;

export const syncSettings = z.strictObject({
  enabled: z.boolean(),
  cloudUrl: z.string(),
  hasToken: z.boolean(),
  pullIntervalSeconds: z.number().int(),
  /** This desk's id on the server (its pushes and `origin`). */
  clientId: z.string(),
  secureStorage: z.strictObject({ available: z.boolean(), problem: secretStorageProblem.nullable() }),
});
export type SyncSettings = z.infer<typeof syncSettings>;

/** An appointment the cloud refused because its slot was taken online (or at another desk) meanwhile. */
export const syncConflict = z.strictObject({
  appointmentId: id,
  /** What it clashes with, as far as this desk knows it (the other appointment may not have arrived yet). */
  clash: z.strictObject({
    kind: z.enum(['practitioner', 'room']),
    startsAt: z.number(),
    endsAt: z.number(),
    appointmentId: id.nullable(),
    /** Where the appointment in the way was booked: the patient portal, another desk, or not known. */
    takenBy: z.enum(['online', 'desk']).nullable(),
  }),
  refusedAt: z.number(),
});
export type SyncConflict = z.infer<typeof syncConflict>;

/** A change the server rejected for good (not retried): staff decide. */
export const syncProblem = z.strictObject({
  id,
  entity: z.string(),
  /** The local row, when it still exists. */
  entityId: id.nullable(),
  operation: z.enum(['upsert', 'delete']),
  reason: z.string(),
  message: z.string(),
  at: z.number(),
});
export type SyncProblem = z.infer<typeof syncProblem>;

export const syncContract = {
  'sync.status': method({ input: z.strictObject({}), output: syncStatus, access: STAFF }),
  'sync.settings': method({ input: z.strictObject({}), output: syncSettings, access: ADMIN }),
  /** SECURE_STORAGE_UNAVAILABLE when a token is given and cannot be sealed; nothing is saved then. */
  'sync.updateSettings': method({
    input: z.strictObject({
      enabled: z.boolean().optional(),
      cloudUrl: z
        .string()
        .trim()
        .max(300)
        .refine((value) => value === '' || isSecureServiceUrl(value), SERVICE_URL_HINT)
        .optional(),
      token: z.string().trim().min(1).max(4096).optional(),
      forgetToken: z.literal(true).optional(),
      pullIntervalSeconds: z.number().int().min(5).max(3600).optional(),
    }),
    output: syncSettings,
    errors: ['NOT_SET_UP', 'ALREADY_SET_UP', 'CLOUD_UNAVAILABLE', 'SECURE_STORAGE_UNAVAILABLE'],
    access: ADMIN,
    writes: true,
  }),
  /**
   * "Add a desk": a one-time code (XXXXX-XXXXX) from the cloud that another desk joins this
   * clinic with on its first run, and when it stops being good (about a day).
   */
  'sync.createJoinCode': method({
    input: z.strictObject({}),
    output: z.strictObject({ code: z.string(), expiresAt: z.number() }),
    errors: ['NOT_SET_UP', 'CLOUD_UNAVAILABLE'],
    access: ADMIN,
    audits: ['sync.joinCodeCreated'],
  }),
  /** Push and pull now, without waiting for the interval; answers when the round is over. */
  'sync.now': method({ input: z.strictObject({}), output: syncStatus, access: DESK }),
  'sync.issues': method({
    input: z.strictObject({}),
    output: z.strictObject({ conflicts: z.array(syncConflict), problems: z.array(syncProblem) }),
    access: STAFF,
  }),
  'sync.dismissProblem': method({
    input: z.strictObject({ id }),
    output: z.strictObject({ ok: z.literal(true) }),
    errors: ['NOT_FOUND'],
    access: DESK,
    writes: true,
  }),
} as const;
