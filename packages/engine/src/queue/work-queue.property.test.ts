import { mulberry32 } from '@kcp-tmc/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushMicrotasks } from '../../test/support/flush.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiters.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

/**
 * Many workers, a random producer, random re-adds during processing and random failures with backoff, all
 * driven by a seeded PRNG. Asserts client-go's two promises: a key is never processed by two workers at once,
 * and every add is followed by a processing of that key that started after it (nothing lost).
 */
async function runScenario(seed: number, workers: number): Promise<void> {
  const random = mulberry32(seed);
  const queue = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter(1, 40) });
  const keys = Array.from({ length: 40 }, (_, i) => `ns/obj-${i}`);
  const active = new Set<string>();
  const overlaps: string[] = [];
  const lastAdd = new Map<string, number>();
  const lastStart = new Map<string, number>();
  let clock = 0;
  let adds = 0;
  let starts = 0;

  const add = (key: string): void => {
    lastAdd.set(key, ++clock);
    adds++;
    queue.add(key);
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const next = await queue.get();
      if (next.shutdown) return;
      const key = next.key;
      if (active.has(key)) overlaps.push(key);
      active.add(key);
      lastStart.set(key, ++clock);
      starts++;
      const yields = Math.floor(random() * 6);
      for (let i = 0; i < yields; i++) await Promise.resolve();
      if (random() < 0.2) add(key);
      active.delete(key);
      if (random() < 0.15) {
        lastAdd.set(key, ++clock);
        adds++;
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
      }
      queue.done(key);
    }
  };

  const running = Array.from({ length: workers }, () => worker());
  for (let step = 0; step < 3000; step++) {
    add(keys[Math.floor(random() * keys.length)] as string);
    if (random() < 0.3) await flushMicrotasks(Math.ceil(random() * 4));
    if (random() < 0.05) vi.advanceTimersByTime(Math.floor(random() * 20));
  }

  // Let the workers finish everything, including keys waiting on a backoff.
  for (let round = 0; round < 10_000; round++) {
    await flushMicrotasks();
    if (queue.len() === 0 && queue.processingLen() === 0 && queue.waitingLen() === 0) break;
    vi.advanceTimersByTime(10);
  }
  expect(queue.len() + queue.processingLen() + queue.waitingLen()).toBe(0);
  queue.shutDown();
  await Promise.all(running);

  expect(overlaps).toEqual([]);
  const lost = [...lastAdd].filter(([key, addedAt]) => (lastStart.get(key) ?? 0) < addedAt);
  expect(lost).toEqual([]);
  // Every processing answers at least one add.
  expect(starts).toBeLessThanOrEqual(adds);
}

describe('WorkQueue under many concurrent workers (seeded, randomized)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const [seed, workers] of [
    [1, 2],
    [7, 8],
    [42, 16],
    [1337, 32],
    [20240601, 64],
  ] as const) {
    it(`seed ${seed}, ${workers} workers: never two workers on a key, no add lost`, async () => {
      await runScenario(seed, workers);
    });
  }
});

describe('shutDownWithDrain with 10k queued keys', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns at its deadline; processed and handed-back keys partition the keys', async () => {
    const queue = new RateLimitingQueue<string>();
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);
    for (const key of keys) queue.add(key);
    const completed = new Set<string>();
    const inFlight = new Set<string>();
    const worker = async (): Promise<void> => {
      for (;;) {
        const next = await queue.get();
        if (next.shutdown) return;
        inFlight.add(next.key);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight.delete(next.key);
        completed.add(next.key);
        queue.done(next.key);
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());

    const drain = queue.shutDownWithDrain(1000);
    let result: Awaited<typeof drain> | undefined;
    void drain.then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(result).toBeUndefined();
    const inFlightAtDeadline = new Set(inFlight);
    await vi.advanceTimersByTimeAsync(1);
    await flushMicrotasks();
    expect(result?.drained).toBe(false);
    const handedBack = new Set(result?.handedBack);
    expect(handedBack.size).toBe(result?.handedBack.length);
    expect(completed.size).toBeGreaterThan(0);
    expect(handedBack.size).toBeGreaterThan(0);
    // Keys still in flight at the deadline are handed back even if they finish a moment later; every other
    // key was either completed before the deadline or handed back, never both, never neither.
    for (const key of inFlightAtDeadline) expect(handedBack.has(key)).toBe(true);
    const completedBeforeDeadline = [...completed].filter((key) => !inFlightAtDeadline.has(key));
    expect(completedBeforeDeadline.filter((key) => handedBack.has(key))).toEqual([]);
    expect(completedBeforeDeadline.length + handedBack.size).toBe(keys.length);

    // The in-flight keys finish after the deadline; the workers then see the shutdown and stop.
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(workers);
    expect(queue.len()).toBe(0);
  });
});
