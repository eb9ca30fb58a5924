/** How long to wait before trying again. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * "Full jitter" (AWS architecture blog): a uniform wait between 0 and the exponential
 * ceiling, so desks that lost the server at the same moment do not come back in step.
 * `attempt` counts from 0 (the wait after the first failure).
 */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Retry-After in milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** The wait after a failure: the server's Retry-After when it gave one, else full jitter. */
export function retryDelay(attempt: number, policy: BackoffPolicy, retryAfterMs: number | null, random: () => number = Math.random): number {
  return retryAfterMs ?? fullJitterDelay(attempt, policy, random);
}
