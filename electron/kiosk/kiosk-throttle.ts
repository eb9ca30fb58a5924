import { createHmac, randomBytes } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract/contract';
import type { CallContext } from '../rpc/context';
import { AttemptLimiter, limitKey, reserveAll, type Attempt } from '../security/attempt-limiter';

/**
 * Typed check-ins a kiosk may get wrong before it waits: enough for typing slips. After
 * that each try waits twice as long as the last, from a few seconds up to a minute and a
 * half, and failures older than a quarter of an hour no longer count. No hard lock: the
 * next patient, with the right details, waits seconds, not minutes.
 */
export const KIOSK_POLICY = { kind: 'backoff', free: 5, baseMs: 5_000, maxMs: 90_000, windowMs: 15 * 60_000 } as const;

/**
 * Face check-ins a kiosk may get wrong: more, since a patient's first miss already sends
 * them to the typed check-in, and a camera sees many faces in a day.
 */
export const FACE_POLICY = { kind: 'backoff', free: 10, baseMs: 5_000, maxMs: 90_000, windowMs: 2 * 60_000 } as const;

/**
 * Wrong tries at one identity (a birth date with a phone's last digits, or an appointment
 * code), at whichever kiosk: someone trying one person's details at every kiosk in turn.
 * A ticket forgives them.
 */
export const IDENTITY_POLICY = { kind: 'backoff', free: 3, baseMs: 60_000, maxMs: 15 * 60_000, windowMs: 60 * 60_000 } as const;

const MESSAGE = 'Too many tries at this kiosk.';

/**
 * The kiosk's limits, kept in memory and shared by the typed and the face check-in and the
 * desk's Screens card (which shows a waiting kiosk and may clear it). Identities are kept
 * only as a keyed hash, with a key that never leaves this process: not even a memory dump
 * of this map says whose details were tried.
 */
export class KioskThrottle {
  readonly typed = new AttemptLimiter(KIOSK_POLICY);
  readonly faces = new AttemptLimiter(FACE_POLICY);
  readonly identities = new AttemptLimiter(IDENTITY_POLICY, { forgiveOnSuccess: true });
  private readonly secret = randomBytes(32);

  /** Reserves a typed check-in for the kiosk and the identity at once, or throws RATE_LIMITED. */
  reserveTyped(ctx: CallContext, input: ParsedInput<'kiosk.checkIn'>): Attempt {
    return reserveAll(
      [
        [this.typed, limitKey(ctx)],
        [this.identities, this.identityKey(input)],
      ],
      ctx.now(),
      MESSAGE,
    );
  }

  /** Reserves a face check-in for the kiosk, or throws RATE_LIMITED. */
  reserveFace(ctx: CallContext): Attempt {
    return this.faces.reserve(limitKey(ctx), ctx.now(), MESSAGE);
  }

  /** Whether the calling kiosk must now wait before its next check-in, typed or by face. */
  isWaiting(ctx: CallContext): boolean {
    const key = limitKey(ctx);
    return this.typed.waitSeconds(key, ctx.now()) > 0 || this.faces.waitSeconds(key, ctx.now()) > 0;
  }

  /** When a paired kiosk may try again (the longer of its two waits), or null when it may now. */
  throttledUntil(deviceId: number, now: number): number | null {
    const key = `device:${deviceId}`;
    const wait = Math.max(this.typed.waitSeconds(key, now), this.faces.waitSeconds(key, now));
    return wait > 0 ? now + wait * 1000 : null;
  }

  /** The desk lets a paired kiosk try again at once. */
  clearKiosk(deviceId: number): void {
    this.typed.clear(`device:${deviceId}`);
    this.faces.clear(`device:${deviceId}`);
  }

  /** Normalised (a code in capitals, the date as YYYY-MM-DD, digits only), then hashed. */
  identityKey(input: ParsedInput<'kiosk.checkIn'>): string {
    const plain =
      'appointmentCode' in input ? `code:${input.appointmentCode.trim().toUpperCase()}` : `birth:${input.dateOfBirth}:${input.phoneLast4.replace(/\D/g, '')}`;
    return createHmac('sha256', this.secret).update(plain, 'utf8').digest('base64url');
  }
}
