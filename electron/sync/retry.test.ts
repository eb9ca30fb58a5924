import { describe, expect, it } from 'vitest';
import { parseChangesFrame } from './cloud-http';
import { fullJitterDelay, parseRetryAfter, retryDelay } from './retry';

describe('backoff with full jitter', () => {
  const policy = { baseMs: 250, capMs: 4_000 };

  it('draws uniformly below an exponential ceiling, capped', () => {
    expect(fullJitterDelay(0, policy, () => 0.999)).toBe(249);
    expect(fullJitterDelay(2, policy, () => 0.5)).toBe(500);
    expect(fullJitterDelay(10, policy, () => 0.999)).toBe(3_996);
    expect(fullJitterDelay(1_000, policy, () => 0.999)).toBe(3_996);
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0);
  });

  it('honours Retry-After in seconds or as a date, and ignores what it cannot read', () => {
    const now = Date.parse('2030-01-07T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 07 Jan 2030 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Jan 2030 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(retryDelay(5, policy, 2_000, () => 0.999)).toBe(2_000);
    expect(retryDelay(1, policy, null, () => 0.5)).toBe(250);
  });
});

describe('the event stream', () => {
  it('reads the seq of `changes` events and nothing else', () => {
    expect(parseChangesFrame('id: 7\nevent: changes\ndata: {"seq":7}')).toBe(7);
    expect(parseChangesFrame('event:changes\ndata:{"seq":0}')).toBe(0);
    expect(parseChangesFrame(': ping')).toBeNull();
    expect(parseChangesFrame('retry: 5000')).toBeNull();
    expect(parseChangesFrame('event: other\ndata: {"seq":1}')).toBeNull();
    expect(parseChangesFrame('event: changes\ndata: {"seq":-1}')).toBeNull();
    expect(parseChangesFrame('event: changes\ndata: not json')).toBeNull();
  });
});
