import { AppError } from '../../shared/contract/errors';
import type { CallContext } from '../rpc/context';

/**
 * How many failures a key may have before it waits, and how long:
 * - `window`: `limit` failures within `windowMs`, then until the oldest leaves the window;
 * - `backoff`: `free` failures in a row, then each further try waits twice as long as the
 *   last (`baseMs`, 2 × `baseMs`, … up to `maxMs`); a success forgets them (where the
 *   limiter forgives), and so does time: with `windowMs`, failures older than that no longer count.
 */
export type LimitPolicy =
  | { readonly kind: 'window'; readonly limit: number; readonly windowMs: number }
  | { readonly kind: 'backoff'; readonly free: number; readonly baseMs: number; readonly maxMs: number; readonly windowMs?: number };

/** A key that must wait now, for the desk to see (and clear). */
export interface Throttled {
  readonly key: string;
  readonly retryAfterSeconds: number;
  readonly failures: number;
}

interface Entry {
  /** Failure times (window), or one entry per failure in a row (backoff: only the count and the last matter). */
  failures: number[];
  /** Attempts reserved and not yet settled: they count as failures until they are. */
  pending: number;
}

/** One reserved attempt: settle it once; later calls do nothing. */
export interface Attempt {
  /** It was right: frees its slot (and, where the limiter says so, forgives the key's failures). */
  succeed(): void;
  /** It was wrong: its slot becomes a failure at `now`. */
  fail(now: number): void;
  /** It was no attempt after all (no face in the frame, the service off): frees its slot. */
  release(): void;
}

/**
 * Failed attempts per key, kept in memory (a restart forgives). An attempt is reserved
 * before the slow part (a password hash, a call to AWS) and synchronously, so attempts sent
 * together cannot all pass the check before the first of them fails: a reserved attempt
 * counts as a failure until it is settled.
 */
export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly policy: LimitPolicy,
    private readonly options: { forgiveOnSuccess?: boolean; maxKeys?: number } = {},
  ) {}

  /** Reserves an attempt for the key, or throws RATE_LIMITED when it has used up its tries. */
  reserve(key: string, now: number, message = 'Too many attempts.'): Attempt {
    return reserveAll([[this, key]], now, message);
  }

  /** Seconds until the key may try again, or 0 when it may now. */
  waitSeconds(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    const policy = this.policy;
    if (policy.kind === 'window') {
      entry.failures = entry.failures.filter((at) => now - at < policy.windowMs);
      if (entry.failures.length === 0 && entry.pending === 0) this.entries.delete(key);
      const all = [...entry.failures, ...Array<number>(entry.pending).fill(now)];
      if (all.length < policy.limit) return 0;
      return seconds(all[all.length - policy.limit]! + policy.windowMs - now);
    }
    if (policy.windowMs !== undefined) {
      const windowMs = policy.windowMs;
      entry.failures = entry.failures.filter((at) => now - at < windowMs);
      if (entry.failures.length === 0 && entry.pending === 0) this.entries.delete(key);
    }
    const count = entry.failures.length + entry.pending;
    if (count < policy.free) return 0;
    const last = entry.failures.at(-1) ?? now;
    const blockedUntil = last + backoff(policy, entry.failures.length);
    // With a try in flight, the next waits as if it had failed.
    if (entry.pending > 0) return seconds(Math.max(blockedUntil, now + backoff(policy, count)) - now);
    return blockedUntil > now ? seconds(blockedUntil - now) : 0;
  }

  /** The keys (starting with `prefix`) that must wait now, longest wait first. */
  throttled(now: number, prefix = ''): Throttled[] {
    const found: Throttled[] = [];
    for (const key of [...this.entries.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const retryAfterSeconds = this.waitSeconds(key, now);
      if (retryAfterSeconds > 0) found.push({ key, retryAfterSeconds, failures: this.entries.get(key)?.failures.length ?? 0 });
    }
    return found.sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds);
  }

  /**
   * Forgets a key's failures (the desk saw who was at the kiosk). Attempts in flight keep
   * their slots, so that clearing cannot let a burst sent together through.
   */
  clear(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.failures = [];
    if (entry.pending === 0) this.entries.delete(key);
  }

  /** Takes a slot; the caller has checked the key may try. */
  take(key: string): Attempt {
    const entry = this.entries.get(key) ?? { failures: [], pending: 0 };
    entry.pending += 1;
    this.touch(key, entry);
    let settled = false;
    const settle = (outcome: 'succeed' | 'fail' | 'release', now: number) => {
      if (settled) return;
      settled = true;
      entry.pending -= 1;
      if (outcome === 'fail') entry.failures.push(now);
      if (outcome === 'succeed' && this.options.forgiveOnSuccess) entry.failures = [];
      if (entry.pending === 0 && entry.failures.length === 0) {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      } else {
        this.touch(key, entry);
      }
    };
    return { succeed: () => settle('succeed', 0), fail: (now) => settle('fail', now), release: () => settle('release', 0) };
  }

  /** Keeps the most recently used keys; the oldest goes first when a flood of keys arrives. */
  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > (this.options.maxKeys ?? 10_000)) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/**
 * Reserves one attempt under every (limiter, key) pair at once, or none: refused with
 * RATE_LIMITED (details.retryAfterSeconds) when any of them has used up its tries.
 */
export function reserveAll(keys: ReadonlyArray<readonly [AttemptLimiter, string]>, now: number, message = 'Too many attempts.'): Attempt {
  const wait = Math.max(0, ...keys.map(([limiter, key]) => limiter.waitSeconds(key, now)));
  if (wait > 0) throw new AppError('RATE_LIMITED', `${message} Try again in ${wait} seconds.`, { retryAfterSeconds: wait });
  const attempts = keys.map(([limiter, key]) => limiter.take(key));
  return {
    succeed: () => attempts.forEach((attempt) => attempt.succeed()),
    fail: (at) => attempts.forEach((attempt) => attempt.fail(at)),
    release: () => attempts.forEach((attempt) => attempt.release()),
  };
}

function backoff(policy: Extract<LimitPolicy, { kind: 'backoff' }>, failures: number): number {
  return failures < policy.free ? 0 : Math.min(policy.baseMs * 2 ** (failures - policy.free), policy.maxMs);
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Whose attempts count together at a kiosk: a paired kiosk's, the app's own kiosk window's, or a member of staff's at one machine. */
export function limitKey(ctx: CallContext): string {
  if (ctx.device) return ctx.device.id === null ? `window:${ctx.workstation}` : `device:${ctx.device.id}`;
  return `staff:${ctx.session?.staffId ?? 0}@${ctx.workstation}`;
}
