import {
  classifyHttpError,
  encodeClusterKey,
  type GivenUpFailure,
  type SyncResult,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineHarness, upstreamObject } from '../test/support/engine-harness.js';
import type { RecordedCall } from '../test/support/recording-syncer.js';
import { until } from '../test/support/wait.js';

const DEPLOYMENTS = 'apps/v1/deployments';

function failure(call: RecordedCall, error: TmcError): SyncResult {
  return { key: call.item.key, operation: 'update', success: false, conflicts: [], error };
}

describe('DefaultSyncEngine retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a retryable failure with growing backoff until it succeeds, then forgets', async () => {
    const h = engineHarness();
    const times: number[] = [];
    h.syncer.behavior = (call) => {
      times.push(Date.now());
      return times.length <= 3
        ? failure(call, new TmcError({ type: TmcErrorType.ResourceConflict, message: 'stale' }))
        : undefined;
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => times.length === 4, 1000, 1);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps).toEqual([5, 10, 20]);
    expect(h.syncer.of('apply').map((c) => c.item.retries)).toEqual([0, 1, 2, 3]);
    expect(h.engine.queue.numRequeues(`down|${encodeClusterKey(h.syncer.of('apply')[0]!.item.key)}`)).toBe(0);
    expect(h.engine.getStatus().resources[DEPLOYMENTS]).toEqual({
      synced: 1,
      pending: 0,
      failed: 3,
      pendingDown: 0,
      settledDown: 1,
    });
    await h.engine.stop();
  });

  it('waits out the server Retry-After of a 429', async () => {
    const h = engineHarness();
    const times: number[] = [];
    h.syncer.behavior = (call) => {
      times.push(Date.now());
      if (times.length > 1) return undefined;
      return failure(
        call,
        new TmcError({ type: TmcErrorType.TooManyRequests, message: 'slow down', retryAfterMs: 3000 }),
      );
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => times.length === 2, 10_000, 100);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(3000);
    await h.engine.stop();
  });

  // The restart in reference/real-kcp/README.md ("Our agent", item 4): 403s writing into terminating
  // namespaces were given up on, and the Deployment, Secret and CA ConfigMap never came back.
  it('keeps retrying a write into a terminating namespace, even past maxRetries, until it lands', async () => {
    const given: GivenUpFailure[] = [];
    const h = engineHarness({
      config: { maxRetries: 2 },
      failures: { reportGivenUp: async (f) => void given.push(f) },
    });
    const terminating = () =>
      classifyHttpError({
        status: 403,
        body: {
          kind: 'Status',
          reason: 'Forbidden',
          code: 403,
          message:
            'deployments.apps "web" is forbidden: unable to create new content in namespace kcp-x because it is being terminated',
          details: { causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace' }] },
        },
      });
    h.syncer.behavior = (call) => (h.syncer.calls.length <= 6 ? failure(call, terminating()) : undefined);
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 7, 10_000, 10);
    expect(h.engine.getStatus().resources[DEPLOYMENTS]).toEqual({
      synced: 1,
      pending: 0,
      failed: 6,
      pendingDown: 0,
      settledDown: 1,
    });
    expect(given).toEqual([]);
    await h.engine.stop();
  });

  it('gives up on a non-retryable error until the object changes again', async () => {
    const h = engineHarness();
    h.syncer.behavior = (call) =>
      call.upstream?.metadata.resourceVersion === '1'
        ? failure(call, new TmcError({ type: TmcErrorType.Invalid, message: 'spec.replicas: Invalid value' }))
        : undefined;
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.syncer.calls).toHaveLength(1);
    expect(h.engine.getStatus()).toMatchObject({
      error: 'spec.replicas: Invalid value',
      resources: { [DEPLOYMENTS]: { failed: 1, pending: 0 } },
    });

    h.up(DEPLOYMENTS).upsert(
      upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web', {
        metadata: { resourceVersion: '2' },
        spec: { replicas: 2 },
      }),
    );
    await until(() => h.syncer.calls.length === 2);
    await until(() => h.engine.getStatus().error === undefined);
    await h.engine.stop();
  });

  it('reports what it gives up on, with the upstream object, to the FAILURE_REPORTER', async () => {
    const reported: GivenUpFailure[] = [];
    const h = engineHarness({ failures: { reportGivenUp: async (f) => void reported.push(f) } });
    h.syncer.behavior = (call) =>
      failure(call, new TmcError({ type: TmcErrorType.Invalid, message: 'spec.replicas: Invalid value' }));
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => reported.length === 1);
    expect(reported[0]).toMatchObject({
      direction: 'down',
      attempts: 1,
      error: { type: TmcErrorType.Invalid, message: 'spec.replicas: Invalid value' },
      key: { cluster: 'root:a', namespace: 'ns', name: 'web' },
      object: { metadata: { name: 'web', namespace: 'ns' } },
    });
    await h.engine.stop();
  });

  it('gives up after maxRetries failures in a row', async () => {
    const h = engineHarness({ config: { maxRetries: 2 } });
    h.syncer.behavior = (call) =>
      failure(call, new TmcError({ type: TmcErrorType.Timeout, message: 'slow' }));
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.syncer.calls).toHaveLength(3);
    expect(h.engine.getStatus().resources[DEPLOYMENTS]).toMatchObject({ failed: 3, pending: 0 });
    await h.engine.stop();
  });

  it('classifies a thrown network error (ClusterUnreachable, retryable) and retries', async () => {
    const h = engineHarness();
    h.syncer.behavior = () => {
      if (h.syncer.calls.length === 1)
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return undefined;
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 2);
    expect(h.engine.getStatus().resources[DEPLOYMENTS]).toMatchObject({ synced: 1, failed: 1, pending: 0 });
    await h.engine.stop();
  });

  it('comes back after a successful sync that asked for a re-check, without backoff growth', async () => {
    const h = engineHarness();
    const times: number[] = [];
    h.syncer.behavior = (call) => {
      times.push(Date.now());
      return times.length === 1
        ? { key: call.item.key, operation: 'noop', success: true, conflicts: [], retryAfterMs: 2000 }
        : undefined;
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => times.length === 2, 5000, 50);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(2000);
    expect(h.syncer.calls[1]?.item.retries).toBe(0);
    await h.engine.stop();
  });
});

describe('DefaultSyncEngine shutdown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // controller-runtime stops a controller with client-go's ShutDown: workers finish the key in hand, the backlog
  // is not worked through (the next start lists every object again). Draining it made SIGTERM wait until the
  // shutdown timeout during an initial sync, at the client's QPS.
  it('with 10k queued keys, finishes only the keys in flight and hands back the backlog at once', async () => {
    const h = engineHarness({ config: { shutdownTimeoutMs: 2000, workerCount: 4 } });
    // Each sync takes 10 ms: 4 workers cannot finish 10k keys in 2 s.
    h.syncer.behavior = async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return undefined;
    };
    const informer = h.up(DEPLOYMENTS);
    for (let i = 0; i < 10_000; i++)
      informer.upsert(upstreamObject(DEPLOYMENTS, `root:c${i % 3}`, 'ns', `d${i}`));
    await h.engine.start();
    await vi.advanceTimersByTimeAsync(500);

    let stopped = false;
    const stop = h.engine.stop().then(() => {
      stopped = true;
    });
    const stopAt = Date.now();
    const callsAtStop = h.syncer.calls.length;
    await until(() => stopped, 2100, 1);
    await stop;
    // One sync's time, not the timeout.
    expect(Date.now() - stopAt).toBeLessThanOrEqual(20);
    expect(h.syncer.calls.length).toBe(callsAtStop);
    const drain = h.engine.lastDrain();
    expect(drain?.drained).toBe(true);
    const handedBack = new Set(drain?.handedBack);
    const completed = new Set(h.syncer.calls.map((c) => `down|${encodeClusterKey(c.item.key)}`));
    // Nothing lost: every key was either worked on or handed back.
    const all = informer.list().map((o) => `down|${encodeClusterKey(informer.keyOf(o))}`);
    expect(all.every((key) => completed.has(key) || handedBack.has(key))).toBe(true);
    expect(handedBack.size).toBeGreaterThan(9000);
    expect(completed.size).toBeGreaterThan(100);
  });

  it('cuts off in-flight keys at the shutdown timeout and hands them back', async () => {
    const h = engineHarness({ config: { shutdownTimeoutMs: 2000, workerCount: 1 } });
    h.syncer.behavior = async () => {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      return undefined;
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 1, 1000, 1);
    const stopAt = Date.now();
    let stopped = false;
    const stop = h.engine.stop().then(() => {
      stopped = true;
    });
    await until(() => stopped, 2100, 1);
    await stop;
    expect(Date.now() - stopAt).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - stopAt).toBeLessThanOrEqual(2010);
    const key = `down|${encodeClusterKey(h.up(DEPLOYMENTS).keyOf(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web')))}`;
    expect(h.engine.lastDrain()).toEqual({ drained: false, handedBack: [key] });
  });

  it('stopping while caches sync returns at once and hands back what was queued', async () => {
    const h = engineHarness();
    h.upstream.autoSync = false;
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    const start = h.engine.start();
    await until(() => h.engine.activeResources().length > 0);
    await h.engine.stop();
    await start;
    expect(h.engine.lastDrain()?.handedBack).toContain(
      `down|${encodeClusterKey(h.up(DEPLOYMENTS).keyOf(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web')))}`,
    );
    expect(h.syncer.calls).toHaveLength(0);
  });
});
