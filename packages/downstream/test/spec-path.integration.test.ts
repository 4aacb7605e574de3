import { createResolver, type GvrConflictResolverRegistry } from '@kcp-tmc/conflict';
import {
  CONFLICT_RESOLVER_REGISTRY,
  DOWNSTREAM_CLUSTER_LABEL,
  deletionAnnotation,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  parseGvr,
  ResourceStateValue,
  stateLabel,
  statusAnnotation,
  syncerFinalizer,
  TENANT_ID_LABEL,
  tenantId,
} from '@kcp-tmc/interfaces';
import { placeNamespace } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { RETAIN_REPLICAS_ANNOTATION } from '../src/constants.js';
import { KINDS, workload } from './support/fixtures.js';
import { expectUnownedLeftAlone, relabelAndExpectClean } from './support/spec-cases.js';
import { useSpecStack } from './support/spec-stack.js';
import { downstreamGet, startAgent, WORKLOAD_CLUSTERS } from './support/stack.js';
import { eventually } from './support/wait.js';

const NAMESPACES = parseGvr('v1/namespaces');
const NS = 'team';

describe('spec path against the simulator (kcp wildcard mode, real engine + transformation + conflict)', () => {
  const downstreamNs = (cluster: string, namespace = NS) => sims.downstreamNamespace(cluster, namespace);
  const up = (cluster: string) => ({ cluster });
  const create = (cluster: string, gvr: string, object: KubeObject) =>
    sims.upstreamClient.create(parseGvr(gvr), object, {
      cluster,
      namespace: object.metadata.namespace as string,
    });
  const upstreamGet = (cluster: string, gvr: string, namespace: string, name: string) =>
    sims.upstreamClient.get(parseGvr(gvr), { cluster, namespace, name }).catch(() => undefined);

  const { sims, agent } = useSpecStack(async (sims) => {
    for (const cluster of WORKLOAD_CLUSTERS) {
      for (const name of [NS, 'other']) {
        await sims.placeNamespace(cluster, name);
      }
    }
    return startAgent(sims);
  });

  it('syncs every kind from three logical clusters into distinct downstream namespaces', async () => {
    for (const cluster of WORKLOAD_CLUSTERS) {
      for (const [kind, gvr] of KINDS) await create(cluster, gvr, workload(kind, NS, 'app', sims.ref.key));
    }
    for (const cluster of WORKLOAD_CLUSTERS) {
      for (const [, gvr] of KINDS) {
        await eventually(
          async () => (await downstreamGet(sims, gvr, downstreamNs(cluster), 'app')) !== undefined,
          20_000,
          `${gvr} in ${cluster}`,
        );
      }
    }
    const names = WORKLOAD_CLUSTERS.map((c) => downstreamNs(c));
    expect(new Set(names).size).toBe(3);
    for (const cluster of WORKLOAD_CLUSTERS) {
      const ns = (await downstreamGet(sims, NAMESPACES, '', downstreamNs(cluster))) as KubeObject;
      const locator = namespaceLocator(cluster, sims.ref, NS);
      // Exactly kcp's (ground-truth/go-syncer/downstream-namespaces.json): the locator, the ownership and
      // tenant-id labels (and the server's own kubernetes.io/metadata.name), no finalizers.
      expect(ns.metadata.annotations).toEqual({
        [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator),
      });
      const { 'kubernetes.io/metadata.name': _server, ...labels } = ns.metadata.labels ?? {};
      expect(labels).toEqual({
        [DOWNSTREAM_CLUSTER_LABEL]: sims.ref.key,
        [TENANT_ID_LABEL]: tenantId(locator),
      });
      expect(ns.metadata.finalizers).toBeUndefined();
      // The finalizer went on upstream before the downstream create.
      for (const [, gvr] of KINDS) {
        const upstream = await upstreamGet(cluster, gvr, NS, 'app');
        expect(upstream?.metadata.finalizers).toContain(syncerFinalizer(sims.ref.key));
      }
    }
    expect(
      agent.syncer.applied.filter((a) => !a.result.success && a.result.error?.type === 'Invalid'),
    ).toEqual([]);
  }, 60_000);

  it('propagates updates', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const cm = (await upstreamGet(cluster, 'v1/configmaps', NS, 'app')) as KubeObject;
    await sims.upstreamClient.update(
      parseGvr('v1/configmaps'),
      { ...cm, data: { key: 'changed' } },
      { cluster, namespace: NS },
    );
    await eventually(
      async () => {
        const live = await downstreamGet(sims, 'v1/configmaps', downstreamNs(cluster), 'app');
        return (live?.data as Record<string, string> | undefined)?.key === 'changed';
      },
      20_000,
      'configmap update downstream',
    );
  }, 30_000);

  it("keeps a Service's allocated clusterIP and nodePort over 20 upstream updates, without a 422", async () => {
    const cluster = WORKLOAD_CLUSTERS[1] as string;
    const ns = downstreamNs(cluster);
    const first = (await downstreamGet(sims, 'v1/services', ns, 'app')) as KubeObject;
    const spec = first.spec as { clusterIP: string; ports: Array<{ nodePort: number }> };
    expect(spec.clusterIP).toMatch(/\d+\.\d+\.\d+\.\d+/);
    const nodePort = spec.ports[0]?.nodePort;
    expect(nodePort).toBeGreaterThan(0);
    for (let i = 1; i <= 20; i++) {
      const current = (await upstreamGet(cluster, 'v1/services', NS, 'app')) as KubeObject;
      current.metadata.annotations = { ...current.metadata.annotations, 'test.kcp.io/round': String(i) };
      await sims.upstreamClient.update(parseGvr('v1/services'), current, { cluster, namespace: NS });
      await eventually(
        async () =>
          (await downstreamGet(sims, 'v1/services', ns, 'app'))?.metadata.annotations?.[
            'test.kcp.io/round'
          ] === String(i),
        10_000,
        `round ${i} downstream`,
      );
    }
    const last = (await downstreamGet(sims, 'v1/services', ns, 'app')) as KubeObject;
    const lastSpec = last.spec as { clusterIP: string; ports: Array<{ nodePort: number }> };
    expect(lastSpec.clusterIP).toBe(spec.clusterIP);
    expect(lastSpec.ports[0]?.nodePort).toBe(nodePort);
    const failures = agent.syncer.applied.filter(
      (a) => a.request.item.key.gvr.resource === 'services' && !a.result.success,
    );
    expect(failures.map((f) => f.result.error?.message)).toEqual([]);
  }, 60_000);

  // kcp: pkg/syncer/spec/mutators/secrets.go and spec_process.go `getTransformedName`; ground truth:
  // shared/reference/real-kcp/ground-truth/go-syncer/downstream-ns-kcp-1s60339u6lau.json `kcp-default-token-*`.
  it('syncs a default service-account token Secret as kcp does: kcp-default-token-*, Opaque, no account annotations', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    await create(cluster, 'v1/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'default-token-x9ntq',
        namespace: NS,
        labels: { [stateLabel(sims.ref.key)]: ResourceStateValue.Sync },
        annotations: {
          'kubernetes.io/service-account.name': 'default',
          'kubernetes.io/service-account.uid': 'cc51c012-9022-44e4-971d-91ffc46715a4',
        },
      },
      type: 'kubernetes.io/service-account-token',
      data: { token: Buffer.from('t').toString('base64') },
    });
    let synced: KubeObject | undefined;
    await eventually(async () => {
      synced = await downstreamGet(sims, 'v1/secrets', downstreamNs(cluster), 'kcp-default-token-x9ntq');
      return synced !== undefined;
    });
    expect(synced?.type).toBe('Opaque');
    expect(synced?.metadata.annotations).toBeUndefined();
    expect(synced?.metadata.labels).toEqual({ [DOWNSTREAM_CLUSTER_LABEL]: sims.ref.key });
    expect(synced?.data).toEqual({ token: Buffer.from('t').toString('base64') });
    expect(
      await downstreamGet(sims, 'v1/secrets', downstreamNs(cluster), 'default-token-x9ntq'),
    ).toBeUndefined();
  }, 30_000);

  it('reverts a human edit of a synced spec', async () => {
    const cluster = WORKLOAD_CLUSTERS[2] as string;
    const ns = downstreamNs(cluster);
    const live = (await downstreamGet(sims, 'apps/v1/deployments', ns, 'app')) as KubeObject;
    const edited = structuredClone(live) as KubeObject & {
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    (edited.spec.template.spec.containers[0] as { image: string }).image = 'registry.example/hacked:6';
    const isApp = (a: (typeof agent.syncer.applied)[number]) =>
      a.request.item.key.cluster === cluster &&
      a.request.item.key.name === 'app' &&
      a.request.item.key.gvr.resource === 'deployments';
    const before = agent.syncer.applied.filter(isApp).length;
    await sims.downstreamClient.update(
      parseGvr('apps/v1/deployments'),
      edited,
      { namespace: ns },
      { fieldManager: 'kubectl-edit' },
    );
    await eventually(
      async () => {
        const now = (await downstreamGet(sims, 'apps/v1/deployments', ns, 'app')) as typeof edited;
        // The apply is recorded when it returns, which may be after the server has the write.
        const recorded = agent.syncer.applied.filter(isApp).slice(before);
        return (
          now.spec.template.spec.containers[0]?.image === 'registry.example/app:1' &&
          recorded.some((a) => a.result.operation === 'update')
        );
      },
      20_000,
      'human edit reverted and the correction recorded',
    );
    // The engine re-queued the upstream key and the spec path wrote it: the apply was for the upstream object
    // (read from the upstream cache), and it is an update correcting the drift.
    const corrections = agent.syncer.applied.filter(isApp).slice(before);
    const write = corrections.find((a) => a.result.operation === 'update');
    expect(write?.result.success).toBe(true);
    expect(write?.result.reason).toMatch(/drift/);
    // The edit's manager holds the image: our apply met it and the default resolver (upstream-wins) forced it.
    expect(write?.result.conflicts.map((c) => [c.kind, c.resolution])).toEqual([
      ['field-manager', 'upstream-wins: applied with force'],
    ]);
    expect(write?.request.item.action).toBe('spec');
    expect(write?.request.upstream?.metadata.annotations?.['kcp.io/cluster']).toBe(cluster);
  }, 30_000);

  it('leaves an HPA-managed replicas count alone', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const ns = downstreamNs(cluster);
    const object = workload('Deployment', NS, 'scaled', sims.ref.key);
    object.metadata.annotations = { [RETAIN_REPLICAS_ANNOTATION]: 'true' };
    await create(cluster, 'apps/v1/deployments', object);
    await eventually(
      async () => (await downstreamGet(sims, 'apps/v1/deployments', ns, 'scaled')) !== undefined,
    );
    // The HPA scales downstream.
    const live = (await downstreamGet(sims, 'apps/v1/deployments', ns, 'scaled')) as KubeObject;
    await sims.downstreamClient.update(
      parseGvr('apps/v1/deployments'),
      { ...live, spec: { ...(live.spec as object), replicas: 5 } },
      { namespace: ns },
      { fieldManager: 'horizontal-pod-autoscaler' },
    );
    // Upstream changes something else.
    const current = (await upstreamGet(cluster, 'apps/v1/deployments', NS, 'scaled')) as KubeObject;
    current.metadata.labels = { ...current.metadata.labels, tier: 'web' };
    await sims.upstreamClient.update(parseGvr('apps/v1/deployments'), current, { cluster, namespace: NS });
    await eventually(
      async () =>
        (await downstreamGet(sims, 'apps/v1/deployments', ns, 'scaled'))?.metadata.labels?.tier === 'web',
      20_000,
      'upstream label downstream',
    );
    const after = (await downstreamGet(sims, 'apps/v1/deployments', ns, 'scaled')) as KubeObject;
    expect((after.spec as { replicas: number }).replicas).toBe(5);
  }, 30_000);

  // Objects are created by POST (no GET first, issue 17), which leaves our fields under an Update entry of our
  // manager; a later apply must neither conflict with it nor leave a dropped field behind.
  it('changes a value it created and drops a label it created: no conflict, nothing left behind', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const ns = downstreamNs(cluster);
    const object = workload('ConfigMap', NS, 'relabel', sims.ref.key);
    object.metadata.labels = { ...object.metadata.labels, team: 'a' };
    await create(cluster, 'v1/configmaps', object);
    await eventually(async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'relabel')) !== undefined);
    const current = (await upstreamGet(cluster, 'v1/configmaps', NS, 'relabel')) as KubeObject;
    await relabelAndExpectClean(
      current,
      (object) => sims.upstreamClient.update(parseGvr('v1/configmaps'), object, { cluster, namespace: NS }),
      () => downstreamGet(sims, 'v1/configmaps', ns, 'relabel'),
      agent.syncer,
    );
  }, 30_000);

  it("resolves a write conflict with the GVR's conflict resolver and reports it upstream", async () => {
    const cluster = WORKLOAD_CLUSTERS[1] as string;
    const ns = downstreamNs(cluster);
    const registry = agent.container.resolve<GvrConflictResolverRegistry>(CONFLICT_RESOLVER_REGISTRY);
    registry.set('v1/configmaps', createResolver('downstream-wins'));
    try {
      await create(cluster, 'v1/configmaps', workload('ConfigMap', NS, 'contested', sims.ref.key));
      await eventually(
        async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'contested')) !== undefined,
      );
      const live = (await downstreamGet(sims, 'v1/configmaps', ns, 'contested')) as KubeObject;
      await sims.downstreamClient.update(
        parseGvr('v1/configmaps'),
        { ...live, data: { ...(live.data as object), key: 'theirs' } },
        { namespace: ns },
        { fieldManager: 'kubectl-edit' },
      );
      const kept = () =>
        agent.syncer.applied.find(
          (a) => a.request.item.key.name === 'contested' && a.result.conflicts.length > 0,
        )?.result;
      await eventually(() => kept() !== undefined, 20_000, 'conflict met on the drift correction');
      expect(kept()?.success).toBe(true);
      expect(kept()?.operation).toBe('noop');
      expect(kept()?.conflicts.map((c) => c.kind)).toEqual(['field-manager']);
      expect(kept()?.conflicts[0]?.resolution).toMatch(/^downstream-wins: kept existing/);
      const after = (await downstreamGet(sims, 'v1/configmaps', ns, 'contested')) as KubeObject;
      expect(after.data).toMatchObject({ key: 'theirs' });
      await eventually(
        async () => {
          const events = await sims.upstreamClient.list(parseGvr('v1/events'), { cluster, namespace: NS });
          return events.items.some(
            (e) =>
              e.reason === 'ResourceConflict' &&
              (e.involvedObject as { name?: string }).name === 'contested' &&
              String(e.message).includes('downstream-wins'),
          );
        },
        20_000,
        'conflict Event upstream',
      );
    } finally {
      registry.delete('v1/configmaps');
    }
  }, 30_000);

  it('leaves an unowned same-named object untouched and reports a conflict upstream', async () => {
    const cluster = WORKLOAD_CLUSTERS[1] as string;
    const ns = downstreamNs(cluster);
    await expectUnownedLeftAlone({
      downstream: sims.downstreamClient,
      namespace: ns,
      upstreamNamespace: NS,
      syncTargetKey: sims.ref.key,
      createUpstream: (object) => create(cluster, 'v1/configmaps', object),
      upstreamEvents: async () =>
        (await sims.upstreamClient.list(parseGvr('v1/events'), { cluster, namespace: NS })).items,
      syncer: agent.syncer,
    });
  }, 30_000);

  it('deletes downstream on upstream deletion, then removes the finalizer', async () => {
    const cluster = WORKLOAD_CLUSTERS[2] as string;
    const ns = downstreamNs(cluster);
    await sims.upstreamClient.delete(parseGvr('v1/configmaps'), { cluster, namespace: NS, name: 'app' });
    // Our finalizer holds the upstream object while the downstream one exists.
    const terminating = await upstreamGet(cluster, 'v1/configmaps', NS, 'app');
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'app')) === undefined,
      20_000,
      'downstream gone',
    );
    await eventually(
      async () => (await upstreamGet(cluster, 'v1/configmaps', NS, 'app')) === undefined,
      20_000,
      'upstream gone',
    );
    // Recorded when the syncer's delete returns, which is after its finalizer removal let the object go.
    await eventually(
      () =>
        agent.syncer.deleted.some(
          (d) =>
            d.request.item.key.name === 'app' &&
            d.request.item.key.cluster === cluster &&
            d.result.operation === 'delete' &&
            d.result.success,
        ),
      20_000,
      'the delete recorded',
    );
  }, 30_000);

  // kcp removes an object from one SyncTarget with deletion.internal.workload.kcp.io/<key>; once the downstream
  // copy is gone the syncer releases it with ONE update dropping the finalizer, the state label and the deletion
  // and status annotations (kcp v0.11 pkg/syncer/shared/finalizer.go EnsureUpstreamFinalizerRemoved).
  it('releases an object kcp removes from this SyncTarget in one update, after the downstream copy is gone', async () => {
    const cluster = WORKLOAD_CLUSTERS[1] as string;
    // kcp removes objects from a SyncTarget namespace by namespace: its scheduling annotates the namespace and its
    // resource controller copies the annotation onto the contents, and removes one the namespace lacks
    // (pkg/reconciler/workload/namespace/namespace_reconcile_scheduling.go, resource/resource_reconcile.go).
    const ns = downstreamNs(cluster, 'departing');
    const key = sims.ref.key;
    await placeNamespace(sims.upstream, cluster, 'departing', key);
    await create(cluster, 'v1/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'leaving',
        namespace: 'departing',
        labels: { [stateLabel(key)]: ResourceStateValue.Sync },
      },
      data: { a: '1' },
    });
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'leaving')) !== undefined,
      20_000,
      'synced downstream',
    );
    let held: KubeObject | undefined;
    await eventually(
      async () => {
        held = await upstreamGet(cluster, 'v1/configmaps', 'departing', 'leaving');
        return held?.metadata.finalizers?.includes(syncerFinalizer(key)) === true;
      },
      20_000,
      'finalizer on',
    );
    if (held === undefined) throw new Error('unreachable: the object was read');
    // The status annotation the syncer's status path may have left; the release drops it too.
    await sims.upstreamClient.update(
      parseGvr('v1/configmaps'),
      {
        ...held,
        metadata: {
          ...held.metadata,
          annotations: { ...held.metadata.annotations, [statusAnnotation(key)]: '{}' },
        },
      },
      { cluster, namespace: 'departing' },
    );
    await sims.upstreamClient.patch(NAMESPACES, { cluster, name: 'departing' }, 'merge', {
      metadata: { annotations: { [deletionAnnotation(key)]: '2026-01-01T00:00:00Z' } },
    });
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'leaving')) === undefined,
      20_000,
      'downstream gone',
    );
    let released: KubeObject | undefined;
    await eventually(
      async () => {
        released = await upstreamGet(cluster, 'v1/configmaps', 'departing', 'leaving');
        return released !== undefined && !released.metadata.finalizers?.includes(syncerFinalizer(key));
      },
      20_000,
      'finalizer released',
    );
    if (released === undefined) throw new Error('unreachable: the object was read');
    expect(released.metadata.labels?.[stateLabel(key)]).toBeUndefined();
    expect(released?.metadata.annotations?.[deletionAnnotation(key)]).toBeUndefined();
    expect(released?.metadata.annotations?.[statusAnnotation(key)]).toBeUndefined();
    expect(released?.metadata.deletionTimestamp).toBeUndefined();
  }, 60_000);

  // kcp's syncer never writes an upstream Namespace (ground-truth/go-syncer/upstream-namespaces.json: no finalizer,
  // no diff annotation) and deletes the downstream namespace after --downstream-namespace-clean-delay once the
  // upstream one is gone and it is empty (pkg/syncer/namespace).
  it('leaves upstream Namespaces alone; a deleted one takes its downstream namespace after the clean delay', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const key = sims.ref.key;
    const scheduled = { [stateLabel(key)]: ResourceStateValue.Sync };
    await sims.upstreamClient.create(
      NAMESPACES,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'brief', labels: scheduled } },
      up(cluster),
    );
    await create(cluster, 'v1/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'brief', labels: scheduled },
      data: { a: '1' },
    });
    const ns = downstreamNs(cluster, 'brief');
    await eventually(
      async () => (await downstreamGet(sims, 'v1/configmaps', ns, 'c')) !== undefined,
      20_000,
      'synced downstream',
    );
    const namespace = await sims.upstreamClient.get(NAMESPACES, { cluster, name: 'brief' });
    expect(namespace.metadata.finalizers ?? []).toEqual([]);
    expect(
      Object.keys(namespace.metadata.annotations ?? {}).filter(
        (a) => a.includes(key) || a.startsWith('diff.'),
      ),
    ).toEqual([]);

    await sims.upstreamClient.delete(parseGvr('v1/configmaps'), { cluster, namespace: 'brief', name: 'c' });
    await eventually(
      async () => (await upstreamGet(cluster, 'v1/configmaps', 'brief', 'c')) === undefined,
      20_000,
      'upstream object released and gone',
    );
    await sims.upstreamClient.delete(NAMESPACES, { cluster, name: 'brief' });
    // Nothing of ours holds it: kcp's namespace controller can finish it (gone in 11.8 s with kcp's syncer,
    // reference/real-kcp/README.md). This simulator runs no namespace controller upstream, so it stays
    // Terminating; it leaves the syncer's view as when unscheduled, by losing the state label.
    const terminating = await sims.upstreamClient.get(NAMESPACES, { cluster, name: 'brief' });
    expect(terminating.metadata.finalizers ?? []).toEqual([]);
    await sims.upstreamClient.patch(NAMESPACES, { cluster, name: 'brief' }, 'merge', {
      metadata: { labels: { [stateLabel(key)]: null } },
    });
    // Deleted (this downstream simulator runs no namespace controller either: it stays Terminating).
    await eventually(
      async () => {
        const left = await downstreamGet(sims, 'v1/namespaces', '', ns);
        return left === undefined || left.metadata.deletionTimestamp !== undefined;
      },
      20_000,
      'downstream namespace cleaned after the delay',
    );
  }, 60_000);

  it('detects a namespace collision', async () => {
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const name = downstreamNs(cluster, 'collide');
    const foreign = namespaceLocator('root:elsewhere', sims.ref, 'collide');
    await sims.downstreamClient.create(NAMESPACES, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(foreign) } },
    });
    // Placed only now: kcp syncs a placed namespace's own kube-root-ca.crt and default token Secret at once
    // (ground-truth/go-syncer/downstream-ns-kcp-*.json), which would create the downstream namespace first.
    await placeNamespace(sims.upstream, cluster, 'collide', sims.ref.key);
    await create(cluster, 'v1/configmaps', workload('ConfigMap', 'collide', 'victim', sims.ref.key));
    await eventually(
      () =>
        agent.syncer.applied.some(
          (a) =>
            a.request.item.key.name === 'victim' && a.result.conflicts[0]?.kind === 'namespace-collision',
        ),
      20_000,
      'collision reported',
    );
    expect(await downstreamGet(sims, 'v1/configmaps', name, 'victim')).toBeUndefined();
  }, 30_000);
});
