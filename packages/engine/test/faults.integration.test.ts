import { type SyncResult, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER, waitForMarker } from './support/markers.js';
import { bumpAll, syncedStack } from './support/scenario.js';
import type { Stack } from './support/stack.js';

// Every fault ends the same way: each of the 500 keys is processed once more, with the object as it is after
// the fault (its latest marker), and no key was ever on two workers at once.
describe.each(['plain', 'wildcard', 'virtual-workspace'] as const)(
  'engine under faults (%s upstream, 500 objects over 5 GVRs)',
  (mode) => {
    let stack: Stack | undefined;
    afterEach(async () => {
      await stack?.stop();
      stack = undefined;
    });

    it('dropped watches: informers resume from their resourceVersion and every change arrives', async () => {
      const synced = await syncedStack(100, { mode });
      stack = synced.stack;
      const since = stack.syncer.calls.length;
      const before = stack.upstreamStats();
      expect(stack.upstream.faults.dropWatches()).toBeGreaterThan(0);
      bumpAll(stack, synced.objects, '1');
      stack.upstream.faults.dropWatches();
      await waitForMarker(stack, synced.objects, '1', since);
      expect(stack.syncer.overlaps).toEqual([]);
      // Resumed: new watches, no relist.
      const after = stack.upstreamStats();
      expect(after.watches).toBeGreaterThan(before.watches);
      expect(after.lists).toBe(before.lists);
    });

    it('compacted history (410 Gone): informers relist and every change arrives', async () => {
      const synced = await syncedStack(100, { mode });
      stack = synced.stack;
      const since = stack.syncer.calls.length;
      // Hold every request, cut the watches, change everything, drop the history: the re-watch gets 410.
      stack.upstream.faults.pause();
      stack.upstream.faults.dropWatches();
      bumpAll(stack, synced.objects, '1');
      stack.upstream.faults.compact();
      stack.upstream.faults.resume();
      await waitForMarker(stack, synced.objects, '1', since);
      expect(stack.syncer.overlaps).toEqual([]);
      expect(stack.upstreamStats().goneRelists).toBeGreaterThan(0);
    });

    it('a 429 storm with Retry-After, from the API servers and the syncer: retried no earlier than asked', async () => {
      const synced = await syncedStack(100, { mode });
      stack = synced.stack;
      const since = stack.syncer.calls.length;
      for (const sim of [stack.upstream, stack.downstream]) {
        sim.faults.seed(7);
        sim.faults.addRule({ status: 429, rate: 0.5, retryAfterSeconds: 1 });
      }
      // Every third apply is throttled "downstream" with a 600 ms Retry-After.
      const throttledAt = new Map<string, number>();
      const early: string[] = [];
      let applies = 0;
      stack.syncer.behavior = (call): SyncResult | undefined => {
        const last = throttledAt.get(call.id);
        if (last !== undefined && Date.now() - last < 600) early.push(call.id);
        throttledAt.delete(call.id);
        if (call.kind !== 'apply' || ++applies % 3 !== 0) return undefined;
        throttledAt.set(call.id, Date.now());
        const error = new TmcError({
          type: TmcErrorType.TooManyRequests,
          message: 'slow down',
          retryAfterMs: 600,
        });
        return { key: call.item.key, operation: 'update', success: false, conflicts: [], error };
      };
      stack.upstream.faults.dropWatches();
      bumpAll(stack, synced.objects, '1');
      await waitForMarker(stack, synced.objects, '1', since);
      for (const sim of [stack.upstream, stack.downstream]) sim.faults.clearRules();
      expect(early).toEqual([]);
      expect(applies).toBeGreaterThan(synced.objects.length);
      expect(stack.upstream.stats().faulted).toBeGreaterThan(0);
      expect(stack.syncer.overlaps).toEqual([]);
    });
  },
);

// The 30 s floor is paid once, in the default mode.
describe('engine under a partition (virtual-workspace upstream, 500 objects over 5 GVRs)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('a 30 s partition of both clusters: after healing, every change made meanwhile arrives', async () => {
    const synced = await syncedStack(100, { mode: 'virtual-workspace' });
    stack = synced.stack;
    const since = stack.syncer.calls.length;
    await Promise.all([
      stack.upstream.faults.partition('refuse'),
      stack.downstream.faults.partition('refuse'),
    ]);
    bumpAll(stack, synced.objects, '1');
    // The fault itself lasts 30 s; nothing waits on it for synchronisation.
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const sawNewMarker = stack.syncer.calls
      .slice(since)
      .some((call) => call.upstream?.metadata.annotations?.[MARKER] === '1');
    expect(sawNewMarker).toBe(false);
    await Promise.all([stack.upstream.faults.heal(), stack.downstream.faults.heal()]);
    await waitForMarker(stack, synced.objects, '1', since, 20_000);
    expect(stack.syncer.overlaps).toEqual([]);
    expect(stack.upstreamStats().failures).toBeGreaterThan(0);
    expect(stack.engine().getStatus().connected).toBe(true);
  }, 70_000);
});
