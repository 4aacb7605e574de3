import type { Clock } from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucketRateLimiter } from './rate-limiter.js';

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

describe('TokenBucketRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through at once, then paces at qps', async () => {
    const limiter = new TokenBucketRateLimiter({ qps: 10, burst: 3 }, clock);
    const granted: number[] = [];
    const all = Array.from({ length: 6 }, () => limiter.acquire().then(() => granted.push(Date.now())));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    // Three at t=0 (the burst), then one every 100 ms.
    expect(granted).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('refills up to burst after a quiet period, never beyond', async () => {
    const limiter = new TokenBucketRateLimiter({ qps: 2, burst: 2 }, clock);
    expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(false);
  });

  it('gives the token back when a waiter aborts', async () => {
    const limiter = new TokenBucketRateLimiter({ qps: 1, burst: 1 }, clock);
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    // The cancelled reservation no longer delays the next caller: it waits 1 s, not 2 s.
    let at = -1;
    const next = limiter.acquire().then(() => {
      at = Date.now();
    });
    await vi.advanceTimersByTimeAsync(2000);
    await next;
    expect(at).toBe(1000);
  });

  it('rejects at once with an already aborted signal', async () => {
    const limiter = new TokenBucketRateLimiter({ qps: 1, burst: 1 }, clock);
    await expect(limiter.acquire(AbortSignal.abort(new Error('no')))).rejects.toThrow('no');
    expect(limiter.tryAccept()).toBe(true);
  });

  it('does not limit when qps is 0', async () => {
    const limiter = new TokenBucketRateLimiter({ qps: 0, burst: 1 }, clock);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(limiter.enabled).toBe(false);
  });
});
