import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ItemExponentialFailureRateLimiter } from './rate-limiters.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

describe('RateLimitingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('brings a failed key back after a backoff that grows per failure, until forgotten', async () => {
    const queue = new RateLimitingQueue<string>();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = Date.now();
      queue.addRateLimited('a');
      delays.push((queue.readyAt('a') as number) - before);
      await vi.advanceTimersByTimeAsync(delays.at(-1) as number);
      expect(queue.len()).toBe(1);
      const result = await queue.get();
      expect(result).toEqual({ shutdown: false, key: 'a' });
      queue.done('a');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('a')).toBe(4);

    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    queue.addRateLimited('a');
    expect(queue.readyAt('a')).toBe(Date.now() + 5);
  });

  it('caps the backoff at maxDelayMs, still counting the failure, and a longer Retry-After still wins', () => {
    const queue = new RateLimitingQueue<string>({
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 100_000),
    });
    for (let i = 0; i < 15; i++) queue.rateLimiter.when('a');
    queue.addRateLimited('a', undefined, 1000);
    expect(queue.readyAt('a')).toBe(1000);
    expect(queue.numRequeues('a')).toBe(16);
    queue.addRateLimited('b', 3000, 1000);
    expect(queue.readyAt('b')).toBe(3000);
  });

  it('waits at least the server Retry-After, and still counts the failure toward backoff', () => {
    const queue = new RateLimitingQueue<string>({
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 100_000),
    });
    queue.addRateLimited('a', 3000);
    expect(queue.readyAt('a')).toBe(3000);
    expect(queue.numRequeues('a')).toBe(1);

    // A backoff longer than the Retry-After wins.
    for (let i = 0; i < 12; i++) queue.rateLimiter.when('b');
    queue.addRateLimited('b', 1000);
    expect(queue.readyAt('b')).toBe(5 * 2 ** 12);
  });

  it('refuses rate-limited adds after shutdown and hands them back', async () => {
    const queue = new RateLimitingQueue<string>();
    queue.add('a');
    const result = await queue.get();
    expect(result.shutdown).toBe(false);
    const drain = queue.shutDownWithDrain(1000);
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(0);
    queue.done('a');
    expect(await drain).toEqual({ drained: true, handedBack: ['a'] });
  });
});
