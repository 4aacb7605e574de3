import {
  DEFAULT_FEATURE_GATES,
  gvrToString,
  type Logger,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  type SyncTarget,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeAccessClient } from '../test/support/fake-access-client.js';
import { FakeInformerFactory } from '../test/support/fake-informer.js';
import { flushMicrotasks } from '../test/support/flush.js';
import type { GvrSet } from './gvr-set.js';
import { SyncTargetGvrSource } from './gvr-source.js';

const REF: SyncTargetRef = { cluster: 'root:org', name: 'east', uid: 'uid-1', key: 'k3y' };

function syncTarget(
  synced: Array<{ group: string; resource: string; versions: string[]; state?: string }>,
  extra: Partial<SyncTarget['metadata']> = {},
): SyncTarget {
  return {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: 'east', uid: 'uid-1', annotations: { 'kcp.io/cluster': 'root:org' }, ...extra },
    status: { syncedResources: synced } as NonNullable<SyncTarget['status']>,
  };
}

const names = (set: GvrSet) => set.allowed.map(gvrToString);

describe('SyncTargetGvrSource', () => {
  let factory: FakeInformerFactory;
  let client: FakeAccessClient;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    factory = new FakeInformerFactory();
    client = new FakeAccessClient();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function source(options = {}, gates = DEFAULT_FEATURE_GATES) {
    return new SyncTargetGvrSource(factory, client, REF, {
      options,
      gates,
      clock: SYSTEM_CLOCK,
      logger: NOOP_LOGGER,
    });
  }

  /** Puts the SyncTarget where the source reads it: its logical cluster, or (plain mode) no cluster. */
  function seed(target: SyncTarget, cluster: string | null = 'root:org'): void {
    factory
      .informerFor({
        gvr: { group: 'workload.kcp.io', version: 'v1alpha1', resource: 'synctargets' },
        // Only a name-selected list/watch passes kcp's generated RBAC (resourceNames).
        fieldSelector: `metadata.name=${REF.name}`,
        ...(cluster === null ? {} : { cluster }),
      })
      .upsert(target);
  }

  it('syncs accepted synced resources (every version), configmaps, secrets and namespaces; --resources only feed the importer', async () => {
    seed(
      syncTarget([
        { group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' },
        { group: 'example.com', resource: 'widgets', versions: ['v1', 'v2'], state: 'Accepted' },
        { group: 'batch', resource: 'jobs', versions: ['v1'], state: 'Pending' },
        { group: '', resource: 'services', versions: ['v1'], state: 'Incompatible' },
      ]),
    );
    // kcp v0.11 (pkg/syncer/resourcesync/controller.go getAllGVRs): --resources is not part of the GVR set;
    // an imported resource is synced once kcp marks it Accepted.
    const gvrs = source({
      resources: [{ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' }],
    });
    const set = await gvrs.start();
    expect(names(set)).toEqual([
      'v1/namespaces',
      'apps/v1/deployments',
      'example.com/v1/widgets',
      'example.com/v2/widgets',
      'v1/configmaps',
      'v1/secrets',
    ]);
    expect(set.dropped).toEqual({});
    // kcp reviews verb "*" (pkg/syncer/resourcesync/controller.go), which explicit-verb RBAC never grants;
    // the agent reviews each verb it issues. Namespaces are added unchecked, as kcp does.
    expect(client.reviews.filter((r) => r.gvr === 'apps/v1/deployments').map((r) => r.verb)).toEqual([
      'get',
      'list',
      'watch',
      'create',
      'update',
      'patch',
      'delete',
    ]);
    expect(client.reviews).toHaveLength(5 * 7);
    expect(client.reviews.map((r) => r.gvr)).not.toContain('v1/namespaces');
    await gvrs.stop();
  });

  it('never syncs pods or endpoints, even when accepted (kcp keeps them out of the syncer VW informers)', async () => {
    seed(
      syncTarget([
        { group: '', resource: 'pods', versions: ['v1'], state: 'Accepted' },
        { group: '', resource: 'endpoints', versions: ['v1'], state: 'Accepted' },
        { group: '', resource: 'services', versions: ['v1'], state: 'Accepted' },
      ]),
    );
    const set = await source().start();
    expect(names(set)).toEqual(['v1/namespaces', 'v1/configmaps', 'v1/secrets', 'v1/services']);
    expect(client.reviews.map((r) => r.gvr)).not.toContain('v1/pods');
  });

  it('in plain mode --resources name GVRs to sync (no kcp accepts them)', async () => {
    seed(syncTarget([]), null);
    const set = await source({
      upstreamMode: 'plain',
      resources: [{ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' }],
    }).start();
    expect(names(set)).toEqual([
      'v1/namespaces',
      'networking.k8s.io/v1/ingresses',
      'v1/configmaps',
      'v1/secrets',
    ]);
  });

  it('drops a GVR when one verb the agent issues is denied, and logs a warning naming it and what to grant', async () => {
    seed(syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]));
    client.denied.set('apps/v1/deployments watch', 'RBAC: no rule');
    const warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      error: () => {},
      warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }),
      child: () => logger,
    };
    const set = await new SyncTargetGvrSource(factory, client, REF, {
      options: {},
      gates: DEFAULT_FEATURE_GATES,
      clock: SYSTEM_CLOCK,
      logger,
    }).start();
    expect(names(set)).toEqual(['v1/namespaces', 'v1/configmaps', 'v1/secrets']);
    expect(set.unauthorized).toEqual(['apps/v1/deployments']);
    const reason =
      'SelfSubjectAccessReview denied verb "watch" downstream (RBAC: no rule): grant verbs watch on deployments.apps to the agent\'s downstream ServiceAccount (ClusterRole rule: apiGroups ["apps"], resources ["deployments"], verbs ["watch"])';
    expect(set.dropped).toEqual({ 'apps/v1/deployments': reason });
    expect(warnings).toEqual([
      {
        message: 'missing downstream permission: resource not synced',
        fields: { side: 'downstream', gvr: 'apps/v1/deployments', reason },
      },
    ]);
  });

  it('drops denied and unserved GVRs and says why; only denials count as unauthorized', async () => {
    seed(syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]));
    client.denied.set('v1/secrets', 'RBAC: no rule');
    client.served = new Set(['v1/configmaps', 'v1/secrets']);
    const set = await source().start();
    expect(names(set)).toEqual(['v1/namespaces', 'v1/configmaps']);
    expect(set.dropped).toEqual({
      'v1/secrets':
        'SelfSubjectAccessReview denied verbs "get", "list", "watch", "create", "update", "patch", "delete" downstream (RBAC: no rule): grant verbs get, list, watch, create, update, patch, delete on secrets to the agent\'s downstream ServiceAccount (ClusterRole rule: apiGroups [""], resources ["secrets"], verbs ["get", "list", "watch", "create", "update", "patch", "delete"])',
      'apps/v1/deployments': 'not served by the downstream cluster',
    });
    expect(set.unauthorized).toEqual(['v1/secrets']);
  });

  it('follows the SyncTarget: added and removed resources change the set, heartbeats do not review again', async () => {
    seed(syncTarget([]));
    const gvrs = source();
    await gvrs.start();
    const changes: string[][] = [];
    gvrs.changes$.subscribe((set) => changes.push(names(set)));
    const reviewsAtStart = client.reviews.length;

    seed(syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]));
    await flushMicrotasks();
    expect(changes).toEqual([['v1/namespaces', 'apps/v1/deployments', 'v1/configmaps', 'v1/secrets']]);

    const reviewsAfterAdd = client.reviews.length;
    expect(reviewsAfterAdd).toBeGreaterThan(reviewsAtStart);
    seed({
      ...syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]),
      status: {
        syncedResources: [{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }],
        lastSyncerHeartbeatTime: '2026-01-01T00:00:20Z',
      },
    });
    await flushMicrotasks();
    expect(client.reviews.length).toBe(reviewsAfterAdd);

    seed(syncTarget([]));
    await flushMicrotasks();
    expect(changes.at(-1)).toEqual(['v1/namespaces', 'v1/configmaps', 'v1/secrets']);
  });

  it('re-checks dropped GVRs periodically and adds them once allowed', async () => {
    seed(syncTarget([]));
    client.denied.set('v1/secrets', 'forbidden');
    const gvrs = source({ accessRecheckMs: 30_000 });
    const changes: string[][] = [];
    gvrs.changes$.subscribe((set) => changes.push(names(set)));
    expect(names(await gvrs.start())).toEqual(['v1/namespaces', 'v1/configmaps']);
    client.denied.clear();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(changes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes.at(-1)).toEqual(['v1/namespaces', 'v1/configmaps', 'v1/secrets']);
    // Reviews go on with everything allowed: kcp's syncer reviews on every SyncTarget reconcile
    // (pkg/syncer/resourcesync/controller.go), so a permission taken away stops its informer.
    expect(vi.getTimerCount()).toBe(1);
    await gvrs.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a running GVR at the next review once a verb it uses is taken away', async () => {
    seed(syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]));
    const gvrs = source({ accessRecheckMs: 30_000 });
    expect(names(await gvrs.start())).toContain('apps/v1/deployments');
    client.denied.set('apps/v1/deployments delete', 'RBAC: no rule');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(names(gvrs.current())).not.toContain('apps/v1/deployments');
    expect(gvrs.current().unauthorized).toEqual(['apps/v1/deployments']);
    expect(gvrs.current().dropped['apps/v1/deployments']).toContain('denied verb "delete"');
    await gvrs.stop();
  });

  it('a failing review keeps a running GVR but does not add a new one, and is not called unauthorized', async () => {
    seed(syncTarget([]));
    const gvrs = source();
    await gvrs.start();
    const failure = new TmcError({ type: TmcErrorType.ServerError, message: 'etcd timeout' });
    client.failing.set('v1/secrets', failure);
    client.failing.set('apps/v1/deployments', failure);
    seed(syncTarget([{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }]));
    await flushMicrotasks();
    const set = gvrs.current();
    expect(names(set)).toContain('v1/secrets');
    expect(names(set)).not.toContain('apps/v1/deployments');
    expect(set.dropped['apps/v1/deployments']).toMatch(/etcd timeout/);
    // An unreachable or failing server is not a permission problem (SyncerAuthorized stays as it was).
    expect(set.unauthorized).toEqual([]);
    await gvrs.stop();
  });

  it('says the SyncTarget was deleted, fatally, keeping the running set', async () => {
    const target = syncTarget([]);
    seed(target);
    const gvrs = source();
    const first = await gvrs.start();
    const changes: GvrSet[] = [];
    gvrs.changes$.subscribe((set) => changes.push(set));
    factory
      .informerFor({
        gvr: { group: 'workload.kcp.io', version: 'v1alpha1', resource: 'synctargets' },
        fieldSelector: `metadata.name=${REF.name}`,
        cluster: 'root:org',
      })
      .remove(target);
    await flushMicrotasks();
    expect(changes).toEqual([
      {
        allowed: first.allowed,
        dropped: {},
        unauthorized: [],
        error: 'SyncTarget root:org:east was deleted',
        fatal: true,
      },
    ]);
    await gvrs.stop();
  });

  it('refuses a SyncTarget whose uid is not the configured one', async () => {
    seed(syncTarget([], { uid: 'someone-else' }));
    const set = await source().start();
    expect(set.allowed).toEqual([]);
    expect(set.error).toMatch(/refusing to sync/);
  });

  it('with the TMC gate off reads no SyncTarget: built-ins and --resources only', async () => {
    const gvrs = source(
      { resources: [{ group: 'apps', version: 'v1', resource: 'deployments' }] },
      { ...DEFAULT_FEATURE_GATES, TMC: false },
    );
    expect(names(await gvrs.start())).toEqual([
      'v1/namespaces',
      'apps/v1/deployments',
      'v1/configmaps',
      'v1/secrets',
    ]);
    expect(factory.informers.size).toBe(0);
  });

  it('reads the SyncTarget at the client base in plain mode, and releases its informer on stop', async () => {
    const gvrs = source({ upstreamMode: 'plain' });
    await gvrs.start();
    const [informer] = factory.informers.values();
    expect(informer?.options.cluster).toBeUndefined();
    await gvrs.stop();
    expect(factory.released).toHaveLength(1);
  });
});
