import { z } from 'zod';
import { DESK, method } from '../contract/method';
import { id, requiredText } from '../contract/common';

/** A screen on the LAN (a waiting-room TV, a kiosk tablet) is paired before it gets anything. */
export const deviceRole = z.enum(['display', 'kiosk']);
export type DeviceRoleName = z.infer<typeof deviceRole>;

/**
 * A screen counts as connected when it was heard from this recently. An open screen is
 * heard at least once a minute (a display's event stream, a kiosk's heartbeat).
 */
export const DEVICE_ONLINE_WITHIN_MS = 2 * 60_000;

export const device = z.strictObject({
  id,
  name: z.string(),
  role: deviceRole,
  createdAt: z.number(),
  lastSeenAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  /**
   * A kiosk that got too many wrong check-ins waits until then (the host's clock) before
   * its next try; null when it may try now. Kept in memory: a restart forgets it.
   */
  throttledUntil: z.number().nullable(),
  /** A kiosk with a ticket printer beside it: it prints each patient's ticket after check-in. */
  hasPrinter: z.boolean(),
});
export type Device = z.infer<typeof device>;

export const devicesContract = {
  /** The receptionist's "Add a screen": a short one-time code, valid for a few minutes. */
  'devices.createPairingCode': method({
    input: z.strictObject({ role: deviceRole, name: requiredText(60) }),
    output: z.strictObject({ code: z.string().regex(/^\d{6}$/), expiresAt: z.number() }),
    access: DESK,
    writes: true,
    audits: ['devices.createPairingCode'],
  }),
  /** The device enters the code once and receives a token limited to its role (kept by the transport, never shown). */
  'devices.pair': method({
    input: z.strictObject({
      code: z
        .string()
        .trim()
        .regex(/^\d{6}$/, 'six digits'),
    }),
    output: z.strictObject({ role: deviceRole, name: z.string() }),
    errors: ['NOT_FOUND', 'RATE_LIMITED'],
    access: 'public',
    writes: true,
    audits: ['devices.pair'],
  }),
  /** Who this device is, or null when it is not paired (or was revoked). */
  'devices.whoAmI': method({
    input: z.strictObject({}),
    output: z.strictObject({ device: z.strictObject({ role: deviceRole, name: z.string() }).nullable() }),
    access: 'public',
  }),
  'devices.list': method({ input: z.strictObject({}), output: z.array(device), access: DESK }),
  /** The desk lets a kiosk that had to wait after wrong check-ins try again at once. */
  'devices.clearThrottle': method({
    input: z.strictObject({ id }),
    output: device,
    errors: ['NOT_FOUND'],
    access: DESK,
    writes: true,
    audits: ['devices.clearThrottle'],
  }),
  /** Whether a kiosk has a ticket printer beside it (a display prints nothing: VALIDATION on hasPrinter). */
  'devices.setPrinter': method({
    input: z.strictObject({ id, hasPrinter: z.boolean() }),
    output: device,
    errors: ['NOT_FOUND'],
    access: DESK,
    writes: true,
    audits: ['devices.setPrinter'],
  }),
  'devices.revoke': method({ input: z.strictObject({ id }), output: device, errors: ['NOT_FOUND'], access: DESK, writes: true, audits: ['devices.revoke'] }),
} as const;
