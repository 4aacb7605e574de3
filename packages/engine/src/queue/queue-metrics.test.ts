import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordingMetricsProvider } from '../../test/support/recording-metrics.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';
import { WorkQueue } from './work-queue.js';

describe('work queue metrics', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts adds and depth, observes queue latency and work duration in seconds', async () => {
    const provider = new RecordingMetricsProvider();
    const queue = new WorkQueue<string>({ name: 'q', metricsProvider: provider });
    const m = provider.of('q');
    queue.add('a');
    queue.add('a');
    vi.advanceTimersByTime(100);
    queue.add('b');
    expect(m.adds).toBe(2);
    expect(m.depth).toBe(2);

    vi.advanceTimersByTime(150);
    await queue.get();
    expect(m.depth).toBe(1);
    expect(m.latency).toEqual([0.25]);
    vi.advanceTimersByTime(400);
    queue.done('a');
    expect(m.workDuration).toEqual([0.4]);

    await queue.get();
    expect(m.depth).toBe(0);
    expect(m.latency).toEqual([0.25, 0.55]);
    queue.shutDown();
  });

  it('a re-add during processing counts once in depth and comes out with its own latency', async () => {
    const provider = new RecordingMetricsProvider();
    const queue = new WorkQueue<string>({ name: 'q', metricsProvider: provider });
    const m = provider.of('q');
    queue.add('a');
    await queue.get();
    vi.advanceTimersByTime(100);
    queue.add('a');
    queue.add('a');
    expect(m.adds).toBe(2);
    expect(m.depth).toBe(1);
    vi.advanceTimersByTime(100);
    queue.done('a');
    await queue.get();
    expect(m.depth).toBe(0);
    expect(m.latency).toEqual([0, 0.1]);
    queue.shutDown();
  });

  it('refreshes unfinished work and the longest running processor on a tick', async () => {
    const provider = new RecordingMetricsProvider();
    const queue = new WorkQueue<string>({ name: 'q', metricsProvider: provider, metricsUpdatePeriodMs: 500 });
    const m = provider.of('q');
    queue.add('a');
    queue.add('b');
    await queue.get();
    vi.advanceTimersByTime(500);
    expect(m.unfinishedWorkSeconds).toBeCloseTo(0.5);
    expect(m.longestRunningProcessorSeconds).toBeCloseTo(0.5);
    await queue.get();
    vi.advanceTimersByTime(500);
    expect(m.unfinishedWorkSeconds).toBeCloseTo(1.5);
    expect(m.longestRunningProcessorSeconds).toBeCloseTo(1);
    queue.done('a');
    queue.done('b');
    vi.advanceTimersByTime(500);
    expect(m.unfinishedWorkSeconds).toBe(0);
    expect(m.longestRunningProcessorSeconds).toBe(0);
    queue.shutDown();
  });

  it('runs the tick only while metrics are enabled, and shutDown clears it', () => {
    const quiet = new WorkQueue<string>();
    expect(vi.getTimerCount()).toBe(0);
    quiet.shutDown();

    const provider = new RecordingMetricsProvider();
    const queue = new WorkQueue<string>({ name: 'q', metricsProvider: provider });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(vi.getTimerCount()).toBe(1);
    queue.shutDown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts retries on every delayed or rate-limited add', () => {
    const provider = new RecordingMetricsProvider();
    const queue = new RateLimitingQueue<string>({ name: 'q', metricsProvider: provider });
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    queue.addAfter('b', 0);
    expect(provider.of('q').retries).toBe(3);
    queue.shutDown();
  });

  it('takes handed-back keys out of the depth', async () => {
    const provider = new RecordingMetricsProvider();
    const queue = new WorkQueue<string>({ name: 'q', metricsProvider: provider });
    queue.add('a');
    queue.add('b');
    await queue.get();
    queue.add('a');
    const drain = queue.shutDownWithDrain(100);
    await vi.advanceTimersByTimeAsync(100);
    expect((await drain).handedBack).toEqual(['b', 'a']);
    expect(provider.of('q').depth).toBe(0);
  });
});
