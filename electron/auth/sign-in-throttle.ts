import { AppError } from '../../shared/contract/errors';

/**
 * Slows password guessing at a shared desk or over the LAN: after 5 failures for one
 * username, each further try waits twice as long as the last (30 s, 60 s, … up to 15 min).
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; blockedUntil: number }>();

  check(key: string, now: number): void {
    const entry = this.failures.get(key);
    if (entry && entry.blockedUntil > now) {
      const seconds = Math.ceil((entry.blockedUntil - now) / 1000);
      throw new AppError('RATE_LIMITED', `Too many attempts. Try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
    }
  }

  fail(key: string, now: number): void {
    const entry = this.failures.get(key) ?? { count: 0, blockedUntil: 0 };
    entry.count += 1;
    if (entry.count >= 5) entry.blockedUntil = now + Math.min(30_000 * 2 ** (entry.count - 5), 15 * 60_000);
    this.failures.set(key, entry);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
