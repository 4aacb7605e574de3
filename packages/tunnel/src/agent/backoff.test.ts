import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF } from './backoff.js';

describe('Backoff', () => {
  it('doubles from 1 s to the 5 min cap, never above it', () => {
    const backoff = new Backoff({}, () => 0); // no jitter taken: the full delay
    const delays = Array.from({ length: 12 }, () => backoff.next());
    expect(delays).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
    expect(backoff.attempts).toBe(12);
  });

  it('takes up to half of each delay off at random', () => {
    const lowest = new Backoff({}, () => 0.999_999);
    expect(lowest.next()).toBe(500);
    expect(lowest.next()).toBe(1_000);
    const middle = new Backoff({}, () => 0.5);
    expect(middle.next()).toBe(750);
    const capped = new Backoff({ initialMs: 300_000 }, () => 0.5);
    expect(capped.next()).toBe(225_000);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 1000, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  it('uses the documented defaults and rejects nonsense', () => {
    expect(DEFAULT_BACKOFF).toMatchObject({ initialMs: 1_000, maxMs: 300_000, factor: 2 });
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new Backoff({ jitter: 1.5 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
  });
});
