import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from './rate-limiters.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure from the base, per key, and counts requeues', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    expect([1, 2, 3, 4, 5].map(() => limiter.when('a'))).toEqual([5, 10, 20, 40, 80]);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.numRequeues('a')).toBe(5);
    expect(limiter.numRequeues('b')).toBe(1);
    expect(limiter.numRequeues('c')).toBe(0);
  });

  it('caps at the maximum and stays finite however often a key fails', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    const delays = Array.from({ length: 2000 }, () => limiter.when('a'));
    // 5 ms * 2^18 = 1310.72 s is the first step past 1000 s.
    expect(delays[17]).toBe(655_360);
    expect(delays[18]).toBe(1_000_000);
    expect(delays.at(-1)).toBe(1_000_000);
  });

  it('forget starts the key over at the base delay', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    limiter.when('a');
    limiter.when('a');
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });

  it('rejects negative delays', () => {
    expect(() => new ItemExponentialFailureRateLimiter<string>(-1, 10)).toThrow(RangeError);
  });
});

describe('BucketRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a full burst through, then reserves tokens at qps', () => {
    const limiter = new BucketRateLimiter<string>(10, 100);
    const burst = Array.from({ length: 100 }, (_, i) => limiter.when(`k${i}`));
    expect(burst.every((delay) => delay === 0)).toBe(true);
    expect(limiter.when('x')).toBeCloseTo(100);
    expect(limiter.when('y')).toBeCloseTo(200);
    expect(limiter.when('z')).toBeCloseTo(300);
  });

  it('refills at qps and never beyond the burst', () => {
    const limiter = new BucketRateLimiter<string>(10, 5);
    for (let i = 0; i < 7; i++) limiter.when('k');
    expect(limiter.available()).toBeCloseTo(-2);
    vi.advanceTimersByTime(100);
    expect(limiter.available()).toBeCloseTo(-1);
    vi.advanceTimersByTime(200);
    expect(limiter.available()).toBeCloseTo(1);
    vi.advanceTimersByTime(3_600_000);
    expect(limiter.available()).toBe(5);
    const delays = Array.from({ length: 6 }, () => limiter.when('k'));
    expect(delays.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(delays[5]).toBeCloseTo(100);
  });

  it('a reservation made while waiting still counts once time passes', () => {
    const limiter = new BucketRateLimiter<string>(2, 1);
    expect(limiter.when('a')).toBe(0);
    expect(limiter.when('b')).toBeCloseTo(500);
    vi.advanceTimersByTime(250);
    // b's token is half made; c queues behind it.
    expect(limiter.when('c')).toBeCloseTo(750);
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('rejects a zero rate or an empty bucket', () => {
    expect(() => new BucketRateLimiter<string>(0, 10)).toThrow(RangeError);
    expect(() => new BucketRateLimiter<string>(10, 0)).toThrow(RangeError);
  });
});

describe('MaxOfRateLimiter and the default controller limiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns the longest delay, forgets and counts through every limiter', () => {
    const fast = new ItemExponentialFailureRateLimiter<string>(1, 1000);
    const slow = new ItemExponentialFailureRateLimiter<string>(10, 50);
    const limiter = new MaxOfRateLimiter(fast, slow);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => limiter.when('a'))).toEqual([10, 20, 40, 50, 50, 50, 64]);
    expect(limiter.numRequeues('a')).toBe(7);
    limiter.forget('a');
    expect(fast.numRequeues('a')).toBe(0);
    expect(slow.numRequeues('a')).toBe(0);
  });

  it('default: 5 ms backoff per key until the 10 qps / 100 burst bucket runs dry', () => {
    const limiter = defaultControllerRateLimiter<string>();
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
    for (let i = 0; i < 98; i++) limiter.when(`other${i}`);
    // The bucket is empty now: the next token is 100 ms away, longer than a's 20 ms backoff.
    expect(limiter.when('a')).toBeCloseTo(100);
    expect(limiter.numRequeues('a')).toBe(3);
  });

  it('needs at least one limiter', () => {
    expect(() => new MaxOfRateLimiter<string>()).toThrow(RangeError);
  });
});
