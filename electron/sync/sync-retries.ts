import { CloudRequestError } from './cloud-http';
import { retryDelay, type BackoffPolicy } from './retry';

/**
 * A round's requests, tried again when they failed for a passing reason: the policy, and
 * the waits between tries that a closing module or a hurried round cuts short. The
 * backoff itself (full jitter, Retry-After) is retry.ts's.
 */

export interface RetryPolicy extends BackoffPolicy {
  /** Tries per request within one round (the first included). */
  attempts: number;
  /** A Retry-After longer than this ends the round; the worker comes back after it. */
  maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseMs: 250, capMs: 4_000, maxWaitMs: 10_000 };

/** What trying a request again needs (part of the engine's EngineDeps). */
export interface RetryDeps {
  retry: RetryPolicy;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Set when the module closes: no more retries. */
  signal?: AbortSignal;
  /**
   * Set when someone waits for this round while the cloud is known to be away (`sync.now`):
   * one try per request, and a wait between tries ends at once, so they hear back within
   * one request's timeout. The background worker's rounds keep their retries.
   */
  hurry?: AbortSignal;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps `ms`, or less when one of the signals aborts. */
async function interruptibleSleep(deps: RetryDeps, ms: number): Promise<void> {
  const signals = [deps.signal, deps.hurry].filter((signal): signal is AbortSignal => signal !== undefined);
  if (signals.length === 0) return (deps.sleep ?? defaultSleep)(ms);
  const any = AbortSignal.any(signals);
  if (any.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    any.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([(deps.sleep ?? defaultSleep)(ms), aborted]);
  } finally {
    any.removeEventListener('abort', onAbort);
  }
}

/** A network error, a timeout, 429 and 5xx are tried again with full-jitter backoff, honouring Retry-After. */
export async function withRetries<T>(deps: RetryDeps, request: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const isGivingUp = () => attempt + 1 >= deps.retry.attempts || deps.signal?.aborted === true || deps.hurry?.aborted === true;
      if (!(error instanceof CloudRequestError) || !error.isRetryable || isGivingUp()) throw error;
      if (error.retryAfterMs !== null && error.retryAfterMs > deps.retry.maxWaitMs) throw error;
      await interruptibleSleep(deps, retryDelay(attempt, deps.retry, error.retryAfterMs, deps.random));
      // Hurried (or closed) while waiting: the try that failed was this request's one.
      if (isGivingUp()) throw error;
    }
  }
}
