import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { peek } from '../../test/support/flush.js';
import { DelayingQueue } from './delaying-queue.js';

describe('DelayingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('adds keys once their delay passed, in ready-time order, not before', async () => {
    const queue = new DelayingQueue<string>();
    queue.addAfter('c', 300);
    queue.addAfter('a', 100);
    queue.addAfter('b', 200);
    queue.addAfter('a2', 100);
    expect(queue.len()).toBe(0);
    expect(queue.waitingLen()).toBe(4);

    vi.advanceTimersByTime(99);
    expect(queue.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.len()).toBe(2);
    vi.advanceTimersByTime(150);
    expect(queue.len()).toBe(3);
    vi.advanceTimersByTime(50);
    expect(queue.len()).toBe(4);
    const order: string[] = [];
    while (queue.len() > 0) {
      const result = await queue.get();
      if (!result.shutdown) order.push(result.key);
    }
    expect(order).toEqual(['a', 'a2', 'b', 'c']);
  });

  it('keeps one waiting entry per key, at the earliest ready time', () => {
    const queue = new DelayingQueue<string>();
    const start = Date.now();
    queue.addAfter('a', 500);
    queue.addAfter('a', 100);
    expect(queue.readyAt('a')).toBe(start + 100);
    queue.addAfter('a', 400);
    expect(queue.readyAt('a')).toBe(start + 100);
    expect(queue.waitingLen()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(queue.len()).toBe(1);
    expect(queue.waitingLen()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(queue.len()).toBe(1);
  });

  it('runs one timer however many keys wait', () => {
    const queue = new DelayingQueue<string>();
    for (let i = 0; i < 100; i++) queue.addAfter(`k${i}`, 1000 - i * 7);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(queue.len()).toBe(100);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('adds at once for a delay of zero or less', () => {
    const queue = new DelayingQueue<string>();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
    expect(queue.waitingLen()).toBe(0);
  });

  it('a waiting key that is already queued is deduplicated when it becomes ready', () => {
    const queue = new DelayingQueue<string>();
    queue.add('a');
    queue.addAfter('a', 50);
    vi.advanceTimersByTime(50);
    expect(queue.len()).toBe(1);
  });

  it('waits longer than setTimeout can in one go', () => {
    const queue = new DelayingQueue<string>();
    const thirtyDays = 30 * 24 * 3600 * 1000;
    queue.addAfter('a', thirtyDays);
    vi.advanceTimersByTime(thirtyDays - 1);
    expect(queue.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.len()).toBe(1);
  });

  it('shutDown clears the timer; the drain hands back waiting keys', async () => {
    const queue = new DelayingQueue<string>();
    queue.addAfter('a', 1000);
    queue.addAfter('b', 2000);
    const drain = queue.shutDownWithDrain(5000);
    expect(vi.getTimerCount()).toBe(0);
    expect(await peek(drain)).toEqual({ drained: true, handedBack: ['a', 'b'] });
    queue.addAfter('c', 10);
    expect(vi.getTimerCount()).toBe(0);
  });
});
