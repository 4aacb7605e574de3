import {
  deletionAnnotation,
  finalizersAnnotation,
  type HeartbeatReporter,
  isTmcError,
  type KubeObject,
  type SyncMetrics,
  type SyncObservation,
  TmcError,
  TmcErrorType,
  type TransformationPipeline,
} from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { downstreamObject, engineHarness, upstreamObject } from '../test/support/engine-harness.js';
import { until } from '../test/support/wait.js';

const DEPLOYMENTS = 'apps/v1/deployments';

describe('DefaultSyncEngine lifecycle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a controller per allowed GVR, is Connected only once every cache synced, then runs workers', async () => {
    const h = engineHarness();
    h.upstream.autoSync = false;
    h.downstream.autoSync = false;
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'default', 'web'));
    let started = false;
    void h.engine.start().then(() => {
      started = true;
    });
    await until(() => h.engine.activeResources().length > 0);
    expect(h.engine.activeResources()).toEqual([
      'apps/v1/deployments',
      'v1/configmaps',
      'v1/events',
      'v1/namespaces',
      'v1/secrets',
    ]);
    expect(h.engine.getStatus().connected).toBe(false);
    for (const informer of [...h.upstream.informers.values(), ...h.downstream.informers.values()]) {
      informer.markSynced();
    }
    await until(() => started);
    expect(h.engine.getStatus().connected).toBe(true);
    await until(() => h.syncer.of('apply').length === 1);
    expect(h.syncer.names('apply')).toEqual(['root:a/default/web']);
    await h.engine.stop();
  });

  it('fails start with a clear Timeout when caches do not sync, and releases what it started', async () => {
    const h = engineHarness({ config: { cacheSyncTimeoutMs: 5_000 } });
    h.downstream.autoSync = false;
    const start = h.engine.start();
    await until(() => h.downstream.informers.size > 0);
    for (const informer of h.downstream.informers.values())
      informer.failing = 'connect ECONNREFUSED 127.0.0.1:1';
    // The message says which cache and why it is not syncing, not only which.
    const failure = expect(start).rejects.toSatisfy(
      (err) =>
        isTmcError(err) &&
        err.type === TmcErrorType.Timeout &&
        /the caches did not sync within 5s: .*apps\/v1\/deployments \(downstream: connect ECONNREFUSED 127\.0\.0\.1:1\)/.test(
          err.message,
        ),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await failure;
    expect(h.upstream.informers.size).toBe(0);
    expect(h.downstream.informers.size).toBe(0);
    expect(h.engine.getStatus().error).toMatch(/did not sync/);
    await h.engine.stop();
  });

  it('start and stop are idempotent; stop releases every informer', async () => {
    const h = engineHarness();
    const first = h.engine.start();
    expect(h.engine.start()).toBe(first);
    await first;
    const stop = h.engine.stop();
    expect(h.engine.stop()).toBe(stop);
    await stop;
    expect(h.upstream.informers.size).toBe(0);
    expect(h.downstream.informers.size).toBe(0);
    expect(h.engine.getStatus().connected).toBe(false);
  });

  it('does nothing with the SyncEngine feature gate off', async () => {
    const h = engineHarness({ gates: { SyncEngine: false } });
    await h.engine.start();
    expect(h.engine.activeResources()).toEqual([]);
    expect(h.engine.getStatus()).toMatchObject({
      connected: false,
      error: 'disabled by the SyncEngine feature gate',
    });
  });

  it('drops GVRs the downstream denies, reports them and sets SyncerAuthorized=False', async () => {
    const conditions: unknown[] = [];
    const heartbeat = {
      setCondition: async (c: unknown) => void conditions.push(c),
    } as unknown as HeartbeatReporter;
    const h = engineHarness({ heartbeat, syncedResources: [DEPLOYMENTS, 'batch/v1/jobs'] });
    h.client.denied.set('batch/v1/jobs', 'no RBAC');
    await h.engine.start();
    expect(h.engine.activeResources()).not.toContain('batch/v1/jobs');
    expect(h.engine.getStatus().droppedResources).toEqual({
      'batch/v1/jobs': expect.stringContaining('denied verbs "get", "list", "watch"'),
    });
    expect(h.engine.getStatus().unauthorizedResources).toEqual(['batch/v1/jobs']);
    expect(conditions).toEqual([
      {
        type: 'SyncerAuthorized',
        status: 'False',
        reason: 'SyncerUnauthorized',
        severity: 'Error',
        message: 'SSAR check failed for gvrs: batch/v1/jobs',
      },
    ]);
    await h.engine.stop();
  });

  it('starts and stops controllers as GVRs come and go on the SyncTarget, without a restart', async () => {
    const h = engineHarness();
    await h.engine.start();
    h.up('batch/v1/jobs').upsert(upstreamObject('batch/v1/jobs', 'root:a', 'default', 'nightly'));
    h.setSyncedResources([DEPLOYMENTS, 'batch/v1/jobs']);
    await until(() => h.syncer.names('apply').includes('root:a/default/nightly'));
    expect(h.engine.getStatus().resources['batch/v1/jobs']).toMatchObject({ synced: 1 });

    h.setSyncedResources(['batch/v1/jobs']);
    await until(() => !h.engine.activeResources().includes(DEPLOYMENTS));
    expect(h.upstream.released.map((o) => o.gvr.resource)).toContain('deployments');
    expect(h.engine.getStatus().resources[DEPLOYMENTS]).toBeUndefined();
    await h.engine.stop();
  });

  it('getStatus counts synced, failed and pending per GVR and the last sync time', async () => {
    const h = engineHarness();
    h.syncer.behavior = (call) =>
      call.item.key.name === 'bad'
        ? { key: call.item.key, operation: 'update', success: false, conflicts: [], error: invalid() }
        : undefined;
    for (const name of ['a', 'b', 'bad'])
      h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', name));
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 3);
    await until(() => h.engine.getStatus().resources[DEPLOYMENTS]?.pending === 0);
    const status = h.engine.getStatus();
    expect(status.resources[DEPLOYMENTS]).toEqual({
      synced: 2,
      pending: 0,
      failed: 1,
      pendingDown: 0,
      settledDown: 3,
    });
    expect(Date.parse(status.lastSyncTime ?? '')).toBeLessThanOrEqual(Date.now());
    expect(status.connected).toBe(true);
    await h.engine.stop();
  });

  it('reports every sync to SyncMetrics with its GVR and upstream logical cluster, both directions', async () => {
    const observed: SyncObservation[] = [];
    const metrics: SyncMetrics = {
      observeSync: (o) => void observed.push(o),
      observeError: () => {},
      setConnected: () => {},
      setHeartbeat: () => {},
    };
    const h = engineHarness({ metrics });
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => observed.length > 0);
    expect(observed[0]).toMatchObject({
      cluster: 'root:a',
      direction: 'down',
      success: true,
      gvr: { group: 'apps', version: 'v1', resource: 'deployments' },
    });
    // Going up, the cluster is the upstream object's, not the downstream informer's constant.
    h.down(DEPLOYMENTS).upsert(downstreamObject('ns', 'web', { status: { ready: true } }));
    await until(() => observed.some((o) => o.direction === 'up'));
    expect(observed.find((o) => o.direction === 'up')).toMatchObject({ cluster: 'root:a', success: true });
    await h.engine.stop();
  });
});

describe('DefaultSyncEngine dispatch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spec: runs the pipeline on the cached object and applies; same names in two clusters stay apart', async () => {
    const pipeline = labelPipeline();
    const h = engineHarness({ pipeline });
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'default', 'web'));
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:b', 'default', 'web'));
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 2);
    expect(h.syncer.names('apply').sort()).toEqual(['root:a/default/web', 'root:b/default/web']);
    const call = h.syncer.of('apply')[0];
    expect(call?.item.action).toBe('spec');
    expect(call?.context).toMatchObject({ direction: 'down', cluster: call?.item.key.cluster });
    expect(call?.desired?.metadata.labels?.transformed).toBe('yes');
    expect(call?.upstream?.metadata.labels?.transformed).toBeUndefined();
    await h.engine.stop();
  });

  it('a worker reads the latest object from the cache, not the event that queued the key', async () => {
    const h = engineHarness();
    await h.engine.start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.syncer.behavior = async (call) => {
      if (call.item.key.name === 'blocker') await gate;
      return undefined;
    };
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'blocker'));
    await until(() => h.syncer.of('apply').length === 1);
    // Every worker busy? No: keep one key in flight and update another object three times meanwhile.
    for (const rv of ['2', '3', '4']) {
      h.up(DEPLOYMENTS).upsert(
        upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web', { metadata: { resourceVersion: rv } }),
      );
    }
    await until(() => h.syncer.names('apply').includes('root:a/ns/web'));
    await vi.advanceTimersByTimeAsync(100);
    // The key was handed to a worker at the first event, yet every attempt saw the newest object.
    const webCalls = h.syncer.of('apply').filter((c) => c.item.key.name === 'web');
    expect(webCalls.map((c) => c.upstream?.metadata.resourceVersion)).toEqual(webCalls.map(() => '4'));
    expect(webCalls.length).toBeLessThanOrEqual(2);
    release();
    await h.engine.stop();
  });

  it('delete: an object gone upstream, or being deleted, goes to the downstream syncer delete', async () => {
    const h = engineHarness();
    const key = h.syncTarget.key;
    const web = upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web');
    h.up(DEPLOYMENTS).upsert(web);
    h.up(DEPLOYMENTS).upsert(
      upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'doomed', {
        metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
      }),
    );
    h.up(DEPLOYMENTS).upsert(
      upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'annotated', {
        metadata: {
          annotations: { 'kcp.io/cluster': 'root:a', [deletionAnnotation(key)]: '2026-01-01T00:00:00Z' },
        },
      }),
    );
    h.up(DEPLOYMENTS).upsert(
      upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'held', {
        metadata: {
          annotations: {
            'kcp.io/cluster': 'root:a',
            [deletionAnnotation(key)]: '2026-01-01T00:00:00Z',
            [finalizersAnnotation(key)]: 'example.com/drain',
          },
        },
      }),
    );
    await h.engine.start();
    await until(() => h.syncer.calls.length === 4);
    expect(h.syncer.names('delete').sort()).toEqual(['root:a/ns/annotated', 'root:a/ns/doomed']);
    expect(h.syncer.names('apply').sort()).toEqual(['root:a/ns/held', 'root:a/ns/web']);
    expect(h.syncer.of('delete').every((c) => c.upstream !== undefined && c.item.action === 'delete')).toBe(
      true,
    );

    h.up(DEPLOYMENTS).remove(web);
    await until(() => h.syncer.of('delete').length === 3);
    const gone = h.syncer.of('delete').at(-1);
    expect(gone?.upstream).toBeUndefined();
    expect(gone?.item.object).toBeUndefined();
    await h.engine.stop();
  });

  it('filters run in priority order; a rejecting filter deletes unless it says not to; filters register at run time', async () => {
    const h = engineHarness({ config: { workerCount: 1 } });
    const order: string[] = [];
    h.engine.registerFilter({
      name: 'second',
      priority: 20,
      shouldSync: (o) => {
        order.push('second');
        return o.metadata.name !== 'private';
      },
    });
    h.engine.registerFilter({
      name: 'first',
      priority: 10,
      shouldSync: () => {
        order.push('first');
        return true;
      },
    });
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'private'));
    await h.engine.start();
    await until(() => h.syncer.calls.length === 2);
    expect(order.slice(0, 2)).toEqual(['first', 'second']);
    expect(h.syncer.names('delete')).toEqual(['root:a/ns/private']);

    h.engine.registerFilter({
      name: 'keep',
      priority: 0,
      shouldSync: () => false,
      shouldDelete: () => false,
    });
    // A change to what goes down (not a bare resourceVersion bump, which the engine does not reconcile).
    h.up(DEPLOYMENTS).upsert(
      upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web', {
        metadata: { resourceVersion: '2' },
        spec: { replicas: 2 },
      }),
    );
    await until(() => h.engine.getStatus().resources[DEPLOYMENTS]?.synced === 3);
    expect(h.syncer.calls).toHaveLength(2);
    await h.engine.stop();
  });

  it('a transformer skip is reported, not applied', async () => {
    const pipeline = labelPipeline((o) => o.metadata.name === 'skip-me');
    const h = engineHarness({ pipeline });
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'skip-me'));
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.engine.getStatus().resources[DEPLOYMENTS]?.synced === 2);
    expect(h.syncer.names('apply')).toEqual(['root:a/ns/web']);
    await h.engine.stop();
  });

  it('status: a downstream change goes up with its upstream cluster; a downstream delete sends the object down again', async () => {
    const h = engineHarness();
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 1);
    // The recording syncer answers with the desired object: the pipeline-less engine applies it as is.
    const copy = downstreamObject('ns', 'web', { status: { ready: true } });
    h.down(DEPLOYMENTS).upsert(copy);
    await until(() => h.syncer.of('status').length === 1);
    const status = h.syncer.of('status')[0];
    expect(status?.downstream?.status).toEqual({ ready: true });
    expect(status?.context).toMatchObject({ direction: 'up', cluster: 'root:a' });

    h.down(DEPLOYMENTS).remove(copy);
    await until(() => h.syncer.of('apply').length === 2);
    expect(h.syncer.of('status').at(-1)?.downstream).toBeUndefined();
    await h.engine.stop();
  });

  it('drift: a downstream update beyond status sends the upstream key down again; status, resyncs and our own writes do not', async () => {
    const h = engineHarness();
    h.up(DEPLOYMENTS).upsert(upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web'));
    // The downstream syncer answers with what it wrote, resourceVersion included.
    h.syncer.behavior = (call) =>
      call.kind === 'apply'
        ? {
            key: call.item.key,
            operation: 'update',
            success: true,
            conflicts: [],
            object: downstreamObject('ns', 'web', { metadata: { name: 'web', resourceVersion: '10' } }),
          }
        : undefined;
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 1);
    const down = h.down(DEPLOYMENTS);
    const spec = (image: string) => ({ template: { spec: { containers: [{ name: 'c', image }] } } });
    down.upsert(
      downstreamObject('ns', 'web', { metadata: { name: 'web', resourceVersion: '9' }, spec: spec('a') }),
    );
    // Our own write arriving as an update: not drift.
    down.upsert(
      downstreamObject('ns', 'web', { metadata: { name: 'web', resourceVersion: '10' }, spec: spec('b') }),
    );
    // Status only (the downstream controller): not drift.
    down.upsert(
      downstreamObject('ns', 'web', {
        metadata: { name: 'web', resourceVersion: '11' },
        spec: spec('b'),
        status: { readyReplicas: 1 },
      }),
    );
    down.resync();
    await until(() => h.syncer.of('status').length >= 2);
    // Nothing left queued for the GVR: every key those events produced was worked on.
    await until(() => h.engine.getStatus().resources[DEPLOYMENTS]?.pending === 0);
    expect(h.syncer.of('apply')).toHaveLength(1);
    // A human edit of the spec.
    down.upsert(
      downstreamObject('ns', 'web', {
        metadata: { name: 'web', resourceVersion: '12' },
        spec: spec('hacked'),
        status: { readyReplicas: 1 },
      }),
    );
    await until(() => h.syncer.of('apply').length === 2);
    const again = h.syncer.of('apply')[1];
    expect(again?.item.key).toMatchObject({ cluster: 'root:a', namespace: 'ns', name: 'web' });
    expect(again?.upstream?.metadata.name).toBe('web');
    await h.engine.stop();
  });

  it('events: only downstream Events in this SyncTarget namespaces reach the event syncer', async () => {
    const h = engineHarness();
    await h.engine.start();
    h.down('v1/namespaces').upsert(downstreamObject('', 'kcp-abc', { apiVersion: 'v1', kind: 'Namespace' }));
    const event = (ns: string, name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: ns, name },
      involvedObject: { kind: 'Pod', name: 'p' },
    });
    h.down('v1/events').upsert(event('kcp-abc', 'ours'));
    h.down('v1/events').upsert(event('kube-system', 'theirs'));
    await until(() => h.engine.getStatus().resources['v1/events']?.synced === 2);
    expect(h.syncer.of('event').map((c) => c.event?.metadata.name)).toEqual(['ours']);
    await h.engine.stop();
  });

  it('never works on one key in two workers, however often it changes', async () => {
    const h = engineHarness({ config: { workerCount: 8 } });
    h.syncer.behavior = async () => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return undefined;
    };
    await h.engine.start();
    for (let round = 0; round < 30; round++) {
      for (const name of ['a', 'b', 'c']) {
        h.up(DEPLOYMENTS).upsert(
          upstreamObject(DEPLOYMENTS, 'root:a', 'ns', name, { metadata: { resourceVersion: String(round) } }),
        );
      }
      await vi.advanceTimersByTimeAsync(1);
    }
    await until(() => h.engine.getStatus().resources[DEPLOYMENTS]?.pending === 0);
    expect(h.syncer.overlaps).toEqual([]);
    expect(h.syncer.maxConcurrent).toBeGreaterThan(1);
    await h.engine.stop();
  });
});

const invalid = (): TmcError =>
  new TmcError({ type: TmcErrorType.Invalid, message: 'spec.replicas: must be >= 0' });

/** A pipeline that labels objects `transformed=yes`, or skips those `skip` picks. */
function labelPipeline(skip: (o: KubeObject) => boolean = () => false): TransformationPipeline {
  return {
    register: () => {},
    unregister: () => false,
    transformers: () => [],
    run: async (object) => {
      if (skip(object)) return { skip: true, reason: 'test skip', by: 'test' };
      const copy = structuredClone(object);
      copy.metadata.labels = { ...copy.metadata.labels, transformed: 'yes' };
      return { object: copy, applied: ['test'] };
    },
  };
}
