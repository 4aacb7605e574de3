import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushMicrotasks, peek } from '../../test/support/flush.js';
import { WorkQueue } from './work-queue.js';

async function take<K extends string>(queue: WorkQueue<K>): Promise<K> {
  const result = await queue.get();
  if (result.shutdown) throw new Error('queue shut down');
  return result.key;
}

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues a key once however often it is added, first in first out', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('c');
    queue.add('b');
    expect(queue.len()).toBe(3);
    expect([await take(queue), await take(queue), await take(queue)]).toEqual(['a', 'b', 'c']);
    expect(queue.len()).toBe(0);
  });

  it('get() waits for a key and hands each key to one waiting worker', async () => {
    const queue = new WorkQueue<string>();
    const first = queue.get();
    const second = queue.get();
    expect(await peek(first)).toBe('pending');
    queue.add('a');
    expect(await peek(first)).toEqual({ shutdown: false, key: 'a' });
    expect(await peek(second)).toBe('pending');
    queue.add('b');
    expect(await peek(second)).toEqual({ shutdown: false, key: 'b' });
  });

  it('never hands a key being processed to a second worker; a re-add queues it again after done', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    expect(await take(queue)).toBe('a');
    expect(queue.isProcessing('a')).toBe(true);

    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const second = queue.get();
    expect(await peek(second)).toBe('pending');

    queue.done('a');
    expect(await peek(second)).toEqual({ shutdown: false, key: 'a' });
    queue.done('a');
    // Added twice while in flight, processed once more: no third round.
    expect(queue.len()).toBe(0);
    expect(queue.processingLen()).toBe(0);
  });

  it('done without a re-add does not queue the key again; done of an unknown key is a no-op', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    await take(queue);
    queue.done('a');
    queue.done('a');
    queue.done('never-added');
    expect(queue.len()).toBe(0);
    expect(queue.processingLen()).toBe(0);
  });

  it('after shutDown: intake stops, queued keys still come out, then get() resolves { shutdown: true }', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    queue.shutDown();
    queue.add('b');
    expect(queue.isShuttingDown()).toBe(true);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toEqual({ shutdown: false, key: 'a' });
    expect(await queue.get()).toEqual({ shutdown: true });
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('shutDown releases workers blocked in get()', async () => {
    const queue = new WorkQueue<string>();
    const waiting = [queue.get(), queue.get()];
    expect(await peek(waiting[0] as Promise<unknown>)).toBe('pending');
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([{ shutdown: true }, { shutdown: true }]);
  });

  it('after shutDown a worker still waits for an in-flight key re-added before the shutdown', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    await take(queue);
    queue.add('a');
    queue.shutDown();
    const next = queue.get();
    expect(await peek(next)).toBe('pending');
    queue.done('a');
    expect(await peek(next)).toEqual({ shutdown: false, key: 'a' });
    queue.done('a');
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('shutDownWithDrain resolves drained once queued and in-flight work finishes before the deadline', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    queue.add('b');
    const inFlight = await take(queue);
    const drain = queue.shutDownWithDrain(10_000);
    expect(await peek(drain)).toBe('pending');
    queue.done(inFlight);
    const rest = await take(queue);
    expect(await peek(drain)).toBe('pending');
    queue.done(rest);
    expect(await peek(drain)).toEqual({ drained: true, handedBack: [] });
  });

  it('shutDownWithDrain on an idle queue resolves at once and leaves no timer behind', async () => {
    const queue = new WorkQueue<string>();
    expect(await queue.shutDownWithDrain(1000)).toEqual({ drained: true, handedBack: [] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('at the drain deadline hands back queued, in-flight and refused keys, once each', async () => {
    const queue = new WorkQueue<string>();
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    const inFlight = await take(queue); // 'a'
    queue.add('a'); // re-added while in flight
    const drain = queue.shutDownWithDrain(1000);
    queue.add('e'); // refused: intake stopped
    queue.add('b'); // still queued: this add is satisfied by the queued copy
    await vi.advanceTimersByTimeAsync(999);
    expect(await peek(drain)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    const result = await drain;
    expect(result.drained).toBe(false);
    expect(result.handedBack).toEqual(['b', 'c', 'd', 'a', 'e']);

    // Closed: nothing more is handed out, and the late done does not queue the key again.
    expect(await queue.get()).toEqual({ shutdown: true });
    queue.done(inFlight);
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('a key that fails during the drain and is re-added is handed back even though the drain finished', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    const key = await take(queue);
    const drain = queue.shutDownWithDrain(1000);
    queue.add(key); // the worker's retry after a failure
    queue.done(key);
    expect(await drain).toEqual({ drained: true, handedBack: ['a'] });
  });

  it('shutDownInFlight hands back queued keys at once and waits only for keys in flight', async () => {
    const queue = new WorkQueue<string>();
    for (const key of ['a', 'b', 'c']) queue.add(key);
    const inFlight = await take(queue); // 'a'
    const drain = queue.shutDownInFlight(1000);
    // Nothing more is handed out: workers stop once their key is done.
    expect(await queue.get()).toEqual({ shutdown: true });
    expect(await peek(drain)).toBe('pending');
    queue.add('d'); // refused: intake stopped
    queue.done(inFlight);
    expect(await peek(drain)).toEqual({ drained: true, handedBack: ['b', 'c', 'd'] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shutDownInFlight hands back a key re-added in flight, and in-flight keys cut off at the deadline', async () => {
    const queue = new WorkQueue<string>();
    for (const key of ['a', 'b']) queue.add(key);
    const first = await take(queue); // 'a'
    const second = await take(queue); // 'b'
    queue.add(first); // changed while in flight: needs another pass
    const drain = queue.shutDownInFlight(1000);
    queue.done(first);
    await vi.advanceTimersByTimeAsync(999);
    expect(await peek(drain)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await drain).toEqual({ drained: false, handedBack: ['a', 'b'] });
    queue.done(second);
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('a zero deadline hands back at once, without a timer', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    queue.add('b');
    await take(queue);
    expect(await peek(queue.shutDownWithDrain(0))).toEqual({ drained: false, handedBack: ['b', 'a'] });
  });

  it('shutDown is idempotent', async () => {
    const queue = new WorkQueue<string>();
    queue.shutDown();
    queue.shutDown();
    expect(await queue.get()).toEqual({ shutdown: true });
  });

  it('keeps a long queue in order across internal compaction', async () => {
    const queue = new WorkQueue<string>();
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    for (const key of keys) queue.add(key);
    const seen: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = await take(queue);
      seen.push(key);
      queue.done(key);
    }
    for (const key of keys.slice(0, 10)) queue.add(key);
    while (queue.len() > 0) {
      const key = await take(queue);
      seen.push(key);
      queue.done(key);
    }
    expect(seen).toEqual([...keys, ...keys.slice(0, 10)]);
    await flushMicrotasks();
  });
});
