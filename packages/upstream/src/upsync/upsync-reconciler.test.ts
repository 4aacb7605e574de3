import {
  DOWNSTREAM_CLUSTER_LABEL,
  type GVR,
  type KubeClient,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  type NamespaceLocator,
  namespaceLocator,
  namespaceLocatorToJson,
  stateLabel,
  syncerFinalizer,
  TmcError,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NAMESPACES, PODS, simulatorClient, UPSYNC_WORLD } from '../../test/support/upsync.js';
import { type UpsyncDownstreamView, UpsyncReconciler } from './upsync-reconciler.js';

// kcp v0.11's upsyncer (pkg/syncer/upsync/upsync_reconcile.go and its tests) against the simulator in kcp mode
// as the upsyncer virtual workspace; the downstream side is what the informers would hold.

const { workspace: WS, target: TARGET, physicalNamespace: PHYSICAL } = UPSYNC_WORLD;
const PVS: GVR = { group: '', version: 'v1', resource: 'persistentvolumes' };

let sim: KubeSimulator;
let upstream: KubeClient;

/** The downstream caches: namespaces by locator, objects by gvr/namespace/name. */
class FakeDownstream implements UpsyncDownstreamView {
  namespaces: KubeObject[] = [];
  readonly objects = new Map<string, KubeObject>();
  namespacesFor(locator: NamespaceLocator): readonly KubeObject[] {
    const json = namespaceLocatorToJson(locator);
    return this.namespaces.filter((n) => n.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION] === json);
  }
  get(gvr: GVR, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(`${gvr.resource}/${namespace}/${name}`);
  }
  put(gvr: GVR, object: KubeObject): void {
    this.objects.set(`${gvr.resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, object);
  }
}

let downstream: FakeDownstream;
let reconciler: UpsyncReconciler;

/** A pod spec as a kube-apiserver returns it (defaults filled in), as the downstream informer holds it. */
let defaultedSpec: unknown;

function downstreamPod(name: string, resourceVersion: string, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: PHYSICAL,
      uid: `uid-${name}`,
      resourceVersion,
      labels: { [stateLabel(TARGET.key)]: 'Upsync', [DOWNSTREAM_CLUSTER_LABEL]: TARGET.key, app: 'web' },
      annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: 'x', note: 'kept' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs' }],
      finalizers: ['example.com/downstream'],
    },
    spec: structuredClone(defaultedSpec),
    status: { phase },
  };
}

const podKey = (name: string) => ({ gvr: PODS, cluster: WS, namespace: 'demo', name });
const getUp = (name: string) => upstream.get(PODS, { cluster: WS, namespace: 'demo', name });
const missingUp = async (name: string) => {
  const err = await getUp(name).then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof TmcError && err.type === 'NotFound';
};

beforeAll(async () => {
  sim = await startKubeSimulator({ kcp: { clusters: [WS, 'root:downstream'] } });
  upstream = simulatorClient(sim.url);
  await upstream.create(
    NAMESPACES,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
    { cluster: WS },
  );
  // The simulator's defaults, from a pod created in a cluster of its own (the downstream in this test).
  await upstream.create(
    NAMESPACES,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } },
    { cluster: 'root:downstream' },
  );
  const created = await upstream.create(
    PODS,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    },
    { cluster: 'root:downstream', namespace: 'scratch' },
  );
  defaultedSpec = created.spec;
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => {
  downstream = new FakeDownstream();
  downstream.namespaces = [
    {
      metadata: {
        name: PHYSICAL,
        annotations: {
          [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(namespaceLocator(WS, TARGET, 'demo')),
        },
      },
    },
  ];
  reconciler = new UpsyncReconciler({ upstream, downstream, syncTarget: TARGET });
});

describe('UpsyncReconciler', () => {
  it('creates the upstream copy with kcp’s metadata, its status, and the downstream version recorded', async () => {
    downstream.put(PODS, downstreamPod('web-a', '101'));
    expect(await reconciler.reconcile(podKey('web-a'), undefined, true)).toEqual({
      operation: 'create',
      requeue: false,
    });
    const up = await getUp('web-a');
    expect(up.metadata.namespace).toBe('demo');
    // kcp adds its own `kcp.io/cluster`; the locator annotation is not copied up.
    expect(up.metadata.annotations).toEqual({
      note: 'kept',
      [UPSYNC_RESOURCE_VERSION_ANNOTATION]: '101',
      'kcp.io/cluster': WS,
    });
    expect(up.metadata.labels).toEqual({ [stateLabel(TARGET.key)]: 'Upsync', app: 'web' });
    expect(up.metadata.finalizers).toEqual([syncerFinalizer(TARGET.key)]);
    expect(up.metadata.ownerReferences).toBeUndefined();
    expect(up.metadata.uid).not.toBe('uid-web-a');
    expect(up.status).toEqual({ phase: 'Running' });
  });

  it('copies again when the downstream resourceVersion moves, and writes nothing when it has not', async () => {
    downstream.put(PODS, downstreamPod('web-b', '200', 'Pending'));
    await reconciler.reconcile(podKey('web-b'), undefined, true);
    const before = await getUp('web-b');
    expect(await reconciler.reconcile(podKey('web-b'), before, false)).toEqual({
      operation: 'none',
      requeue: false,
    });
    expect((await getUp('web-b')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    downstream.put(PODS, downstreamPod('web-b', '201', 'Running'));
    expect(await reconciler.reconcile(podKey('web-b'), before, true)).toEqual({
      operation: 'update',
      requeue: false,
    });
    const after = await getUp('web-b');
    expect(after.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION]).toBe('201');
    expect(after.status).toEqual({ phase: 'Running' });
  });

  it('deletes the upstream copy, its finalizer cleared first, when the downstream object is gone', async () => {
    downstream.put(PODS, downstreamPod('web-c', '300'));
    await reconciler.reconcile(podKey('web-c'), undefined, false);
    downstream.objects.clear();
    expect(await reconciler.reconcile(podKey('web-c'), await getUp('web-c'), false)).toEqual({
      operation: 'delete',
      requeue: false,
    });
    expect(await missingUp('web-c')).toBe(true);
    // Already gone: nothing to do.
    expect(await reconciler.reconcile(podKey('web-c'), undefined, false)).toEqual({
      operation: 'none',
      requeue: false,
    });
  });

  it('deletes the upstream copy when the downstream namespace is gone', async () => {
    downstream.put(PODS, downstreamPod('web-d', '400'));
    await reconciler.reconcile(podKey('web-d'), undefined, false);
    downstream.namespaces = [];
    expect((await reconciler.reconcile(podKey('web-d'), await getUp('web-d'), false)).operation).toBe(
      'delete',
    );
    expect(await missingUp('web-d')).toBe(true);
  });

  it('a downstream object being deleted: not created upstream; an upsynced one is deleted, kept by the syncer finalizer', async () => {
    const deleting = {
      ...downstreamPod('web-e', '500'),
      metadata: { ...downstreamPod('web-e', '500').metadata, deletionTimestamp: '2026-12-06T00:00:00Z' },
    };
    downstream.put(PODS, deleting);
    expect(await reconciler.reconcile(podKey('web-e'), undefined, false)).toEqual({
      operation: 'none',
      requeue: false,
    });
    expect(await missingUp('web-e')).toBe(true);

    downstream.put(PODS, downstreamPod('web-e', '500'));
    await reconciler.reconcile(podKey('web-e'), undefined, false);
    downstream.put(PODS, deleting);
    expect((await reconciler.reconcile(podKey('web-e'), await getUp('web-e'), false)).operation).toBe(
      'delete',
    );
    const up = await getUp('web-e');
    expect(up.metadata.deletionTimestamp).toBeDefined();
    expect(up.metadata.finalizers).toEqual([syncerFinalizer(TARGET.key)]);
  });

  it('upsyncs cluster-scoped persistent volumes by name', async () => {
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', resourceVersion: '7', labels: { [stateLabel(TARGET.key)]: 'Upsync' } },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
    };
    downstream.put(PVS, pv);
    const key = { gvr: PVS, cluster: WS, namespace: '', name: 'pv-1' };
    expect((await reconciler.reconcile(key, undefined, false)).operation).toBe('create');
    const up = await upstream.get(PVS, { cluster: WS, name: 'pv-1' });
    expect(up.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION]).toBe('7');
  });

  it('refuses two downstream namespaces for one upstream namespace', async () => {
    downstream.namespaces = [
      ...downstream.namespaces,
      {
        ...downstream.namespaces[0],
        metadata: { ...downstream.namespaces[0]?.metadata, name: 'kcp-other' },
      } as KubeObject,
    ];
    await expect(reconciler.reconcile(podKey('web-f'), undefined, false)).rejects.toThrow(
      /namespace collision/,
    );
  });
});
