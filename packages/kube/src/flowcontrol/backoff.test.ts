import { describe, expect, it } from 'vitest';
import { Backoff, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';

// The tunnels' reconnect backoff (@kcp-tmc/tunnel DEFAULT_RECONNECT_BACKOFF): 1 s doubling to 5 min, shortened.
const RECONNECT: BackoffOptions = { initialMs: 1_000, maxMs: 300_000, jitter: 0.5, jitterMode: 'shorten' };

describe('Backoff', () => {
  it('doubles from 1 s to the 5 min cap, never above it', () => {
    const backoff = new Backoff(RECONNECT, () => 0); // no jitter taken: the full delay
    const delays = Array.from({ length: 12 }, () => backoff.next());
    expect(delays).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
    expect(backoff.attempts).toBe(12);
  });

  it('shorten: takes up to half of each delay off at random', () => {
    const lowest = new Backoff(RECONNECT, () => 0.999_999);
    expect(lowest.next()).toBe(500);
    expect(lowest.next()).toBe(1_000);
    const middle = new Backoff(RECONNECT, () => 0.5);
    expect(middle.next()).toBe(750);
    const capped = new Backoff({ ...RECONNECT, initialMs: 300_000 }, () => 0.5);
    expect(capped.next()).toBe(225_000);
  });

  it('spread (the default, client-go reflector): +-20% around 800 ms doubling, capped at 30 s', () => {
    expect(new Backoff(DEFAULT_BACKOFF, () => 0).next()).toBe(640);
    expect(new Backoff(DEFAULT_BACKOFF, () => 0.5).next()).toBe(800);
    const high = new Backoff(DEFAULT_BACKOFF, () => 0.999_999);
    const delays = Array.from({ length: 8 }, () => high.next());
    expect(delays[0]).toBe(960);
    expect(delays.at(-1)).toBe(30_000);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 1000, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  it('never resets unless told how long a run must last, and rejects nonsense', () => {
    expect(new Backoff(DEFAULT_BACKOFF).resetAfterMs).toBe(Number.POSITIVE_INFINITY);
    expect(new Backoff({ ...RECONNECT, resetAfterMs: 30_000 }).resetAfterMs).toBe(30_000);
    expect(() => new Backoff({ ...RECONNECT, initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ ...RECONNECT, initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new Backoff({ ...RECONNECT, jitter: 1.5 })).toThrow(RangeError);
    expect(() => new Backoff({ ...RECONNECT, factor: 0.5 })).toThrow(RangeError);
  });
});
