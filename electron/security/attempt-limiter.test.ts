import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { AttemptLimiter, reserveAll } from './attempt-limiter';

/** The one limiter: reserved attempts count until settled; windows and backoff; several keys at once. */

const T = 1_000_000;

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, details: error.details };
    throw error;
  }
  return null;
}

describe('AttemptLimiter', () => {
  it('counts reserved attempts as failures until they are settled; a release or a success frees the slot', () => {
    const limiter = new AttemptLimiter({ kind: 'window', limit: 3, windowMs: 60_000 });
    const held = [limiter.reserve('k', T), limiter.reserve('k', T), limiter.reserve('k', T)];
    expect(refusal(() => limiter.reserve('k', T))).toEqual({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 60 } });
    held[0]!.release();
    held[1]!.succeed();
    held[1]!.fail(T); // settled already: nothing
    limiter.reserve('k', T).fail(T);
    limiter.reserve('k', T);
    expect(refusal(() => limiter.reserve('k', T))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limiter.waitSeconds('other', T)).toBe(0);
  });

  it('frees a window slot when the oldest failure leaves it', () => {
    const limiter = new AttemptLimiter({ kind: 'window', limit: 2, windowMs: 60_000 });
    limiter.reserve('k', T).fail(T);
    limiter.reserve('k', T + 20_000).fail(T + 20_000);
    expect(limiter.waitSeconds('k', T + 30_000)).toBe(30);
    expect(limiter.waitSeconds('k', T + 60_000)).toBe(0);
  });

  it('backs off after the free failures, doubling up to the cap, and forgives on success when asked', () => {
    const limiter = new AttemptLimiter({ kind: 'backoff', free: 2, baseMs: 30_000, maxMs: 90_000 }, { forgiveOnSuccess: true });
    let now = T;
    limiter.reserve('k', now).fail(now);
    expect(limiter.waitSeconds('k', now)).toBe(0);
    limiter.reserve('k', now).fail(now);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(limiter.waitSeconds('k', now));
      now += waits.at(-1)! * 1000;
      limiter.reserve('k', now).fail(now);
    }
    expect(waits).toEqual([30, 60, 90, 90]);
    now += 90_000;
    const attempt = limiter.reserve('k', now);
    // One try at a time once backing off.
    expect(refusal(() => limiter.reserve('k', now))).toMatchObject({ code: 'RATE_LIMITED' });
    attempt.succeed();
    expect(limiter.waitSeconds('k', now)).toBe(0);
  });

  it('reserves under several keys at once, or under none', () => {
    const a = new AttemptLimiter({ kind: 'window', limit: 1, windowMs: 60_000 });
    const b = new AttemptLimiter({ kind: 'window', limit: 5, windowMs: 60_000 });
    reserveAll(
      [
        [a, 'x'],
        [b, 'y'],
      ],
      T,
    ).fail(T);
    expect(
      refusal(() =>
        reserveAll(
          [
            [a, 'x'],
            [b, 'y'],
          ],
          T,
        ),
      ),
    ).toMatchObject({ code: 'RATE_LIMITED' });
    expect(b.waitSeconds('y', T)).toBe(0);
    reserveAll([[b, 'y']], T).release();
    expect(refusal(() => b.reserve('y', T))).toBeNull();
  });

  it('backs off only for failures within the window, lists the keys that wait, and clears one', () => {
    const limiter = new AttemptLimiter({ kind: 'backoff', free: 2, baseMs: 5_000, maxMs: 60_000, windowMs: 60_000 });
    limiter.reserve('device:1', T).fail(T);
    limiter.reserve('device:1', T).fail(T);
    limiter.reserve('other', T).fail(T);
    expect(limiter.throttled(T, 'device:')).toEqual([{ key: 'device:1', retryAfterSeconds: 5, failures: 2 }]);
    expect(limiter.waitSeconds('device:1', T + 60_000)).toBe(0);
    limiter.reserve('device:1', T + 60_000).fail(T + 60_000);
    expect(limiter.waitSeconds('device:1', T + 60_000)).toBe(0);
    limiter.reserve('device:1', T + 60_000).fail(T + 60_000);
    expect(limiter.waitSeconds('device:1', T + 60_000)).toBe(5);
    const inFlight = limiter.reserve('device:2', T);
    limiter.reserve('device:2', T);
    limiter.clear('device:1');
    limiter.clear('device:2');
    expect(limiter.waitSeconds('device:1', T + 60_000)).toBe(0);
    // Attempts in flight keep their slots through a clear.
    expect(refusal(() => limiter.reserve('device:2', T))).toMatchObject({ code: 'RATE_LIMITED' });
    inFlight.release();
  });
});
