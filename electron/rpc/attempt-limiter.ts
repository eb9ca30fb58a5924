import { AppError } from '../../shared/contract/errors';
import type { CallContext } from './context';

/**
 * Failed attempts per key in a sliding window: after `limit` failures within `windowMs`,
 * further attempts are refused with RATE_LIMITED (details.retryAfterSeconds) until the
 * oldest of them leaves the window. Kept in memory: a restart forgives, which is fine for
 * what it guards (kiosk look-ups, pairing codes that expire in minutes anyway).
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Refuses the attempt when the key has used up its failures. */
  check(key: string, now: number, message = 'Too many attempts.'): void {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return;
    const seconds = Math.max(1, Math.ceil((recent[recent.length - this.limit]! + this.windowMs - now) / 1000));
    throw new AppError('RATE_LIMITED', `${message} Try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
  }

  fail(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.failures.delete(key);
    this.failures.set(key, recent);
    // The oldest key goes first when a flood of keys arrives: memory stays bounded.
    if (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }
}

/** Whose attempts count together: a paired kiosk's, the app's own kiosk window's, or a member of staff's at one machine. */
export function limitKey(ctx: CallContext): string {
  if (ctx.device) return ctx.device.id === null ? `window:${ctx.workstation}` : `device:${ctx.device.id}`;
  return `staff:${ctx.session?.staffId ?? 0}@${ctx.workstation}`;
}
