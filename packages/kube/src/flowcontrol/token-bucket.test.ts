import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('grants the burst, then one token per 1/qps seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, { now: () => now });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true]);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.delayUntilToken()).toBe(100);
    now += 50;
    expect(bucket.delayUntilToken()).toBe(50);
    now += 50;
    expect(bucket.tryTake()).toBe(true);
    now += 10_000;
    expect(bucket.available()).toBe(3);
  });

  it('reserves below zero, in arrival order, and takes back a released reservation', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 1, { now: () => now });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 100, 200]);
    bucket.release();
    expect(bucket.reserve()).toBe(200);
    now += 300;
    expect(bucket.available()).toBe(1);
  });

  it('refills nothing while the clock steps back, and refills from the new time on', () => {
    let now = 1_000_000;
    const bucket = new TokenBucket(10, 2, { now: () => now });
    bucket.tryTake();
    bucket.tryTake();
    now -= 60_000;
    expect(bucket.available()).toBe(0);
    now += 100;
    expect(bucket.available()).toBe(1);
  });
});
