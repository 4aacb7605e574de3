import { describe, expect, it } from 'vitest';
import { UpsyncQueue } from './upsync-queue.js';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const key = (name: string) => ({ gvr: PODS, cluster: 'root:org:ws', namespace: 'demo', name });

describe('UpsyncQueue', () => {
  it('holds a key once however often it is added, keeping a dirty status until it is handed out', async () => {
    const queue = new UpsyncQueue();
    queue.add(key('a'));
    queue.add(key('a'), true);
    queue.add(key('b'));
    expect(await queue.get()).toEqual({ key: key('a'), dirtyStatus: true });
    expect(await queue.get()).toEqual({ key: key('b'), dirtyStatus: false });
    queue.shutDown();
    expect(await queue.get()).toBeUndefined();
  });

  it('never hands a key being processed to a second worker; a re-add then runs it again after done', async () => {
    const queue = new UpsyncQueue();
    queue.add(key('a'));
    const first = await queue.get();
    queue.add(key('a'), true);
    let second: unknown;
    const waiting = queue.get().then((item) => {
      second = item;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    queue.done(first?.key ?? key('a'));
    await waiting;
    expect(second).toEqual({ key: key('a'), dirtyStatus: true });
    queue.shutDown();
  });

  it('brings a failed key back after its backoff', async () => {
    const queue = new UpsyncQueue();
    queue.add(key('a'));
    const item = await queue.get();
    queue.retry(key('a'), true);
    queue.done(key('a'));
    expect(item).toBeDefined();
    expect(await queue.get()).toEqual({ key: key('a'), dirtyStatus: true });
    queue.shutDown();
  });
});
