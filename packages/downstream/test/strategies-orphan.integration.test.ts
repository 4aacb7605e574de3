import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import type { RequestStats } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { ORPHAN_ANNOTATION } from '../src/constants.js';
import { workload } from './support/fixtures.js';
import { useSpecStack } from './support/spec-stack.js';
import { type Agent, downstreamGet, startAgent, WORKLOAD_CLUSTERS } from './support/stack.js';
import { eventually } from './support/wait.js';

const NS = 'team';
const CLUSTER = WORKLOAD_CLUSTERS[0] as string;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Successful downstream creates the syncer reported for one object. */
function creates(agent: Agent, resource: string, name: string): number {
  return agent.syncer.applied.filter(
    (a) =>
      a.request.item.key.gvr.resource === resource &&
      a.request.item.key.name === name &&
      a.result.success &&
      a.result.operation === 'create',
  ).length;
}

/** Write verbs the downstream server saw for one resource (`deployments.apps`). */
function writes(stats: RequestStats, resource: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(stats.byResource[resource] ?? {}).filter(([verb]) => WRITE_VERBS.has(verb)),
  );
}

describe('apply strategies and orphaning against the simulator (real engine + transformation)', () => {
  const downstreamNs = () => sims.downstreamNamespace(CLUSTER, NS);
  const scope = { cluster: CLUSTER, namespace: NS };
  const upstreamGet = (gvr: string, name: string) =>
    sims.upstreamClient.get(parseGvr(gvr), { ...scope, name }).catch(() => undefined);
  /** Applies the engine made for this upstream object at (or after) the given resourceVersion. */
  const appliesAt = (resource: string, name: string, resourceVersion: string) =>
    agent.syncer.applied.filter(
      (a) =>
        a.request.item.key.gvr.resource === resource &&
        a.request.item.key.name === name &&
        a.request.upstream.metadata.resourceVersion === resourceVersion,
    );

  const { sims, agent } = useSpecStack(async (sims) => {
    await sims.placeNamespace(CLUSTER, NS);
    return startAgent(sims, {
      config: {
        strategies: {
          'example.com/v1/widgets': 'update',
          'apps/v1/deployments': 'merge',
          'v1/persistentvolumeclaims': 'create-only',
          'batch/v1/jobs': 'read-only',
        },
      },
    });
  });

  it('update: creates, then writes changes with PUT (no patch)', async () => {
    await sims.upstreamClient.create(
      parseGvr('example.com/v1/widgets'),
      workload('Widget', NS, 'w', sims.ref.key),
      scope,
    );
    await eventually(
      async () => (await downstreamGet(sims, 'example.com/v1/widgets', downstreamNs(), 'w')) !== undefined,
      20_000,
      'widget downstream',
    );
    const current = (await upstreamGet('example.com/v1/widgets', 'w')) as KubeObject;
    await sims.upstreamClient.update(
      parseGvr('example.com/v1/widgets'),
      { ...current, spec: { size: 7, color: 'red' } },
      scope,
    );
    await eventually(
      async () =>
        (
          (await downstreamGet(sims, 'example.com/v1/widgets', downstreamNs(), 'w'))?.spec as {
            size?: number;
          }
        )?.size === 7,
      20_000,
      'widget update downstream',
    );
    const live = (await downstreamGet(sims, 'example.com/v1/widgets', downstreamNs(), 'w')) as KubeObject;
    expect(live.spec).toEqual({ size: 7, color: 'red' });
    const verbs = writes(sims.downstream.stats(), 'widgets.example.com');
    expect(creates(agent, 'widgets', 'w')).toBe(1);
    expect(verbs.create).toBe(1);
    expect(verbs.update).toBeGreaterThanOrEqual(1);
    expect(verbs.patch).toBeUndefined();
  }, 30_000);

  it('merge: writes changes with a merge patch that also drops labels removed upstream', async () => {
    const deployment = workload('Deployment', NS, 'd', sims.ref.key);
    deployment.metadata.labels = { ...deployment.metadata.labels, tier: 'web' };
    await sims.upstreamClient.create(parseGvr('apps/v1/deployments'), deployment, scope);
    await eventually(
      async () =>
        (await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'd'))?.metadata.labels?.tier ===
        'web',
      20_000,
      'deployment downstream',
    );
    const current = (await upstreamGet('apps/v1/deployments', 'd')) as KubeObject;
    const labels = { ...current.metadata.labels };
    delete labels.tier;
    await sims.upstreamClient.update(
      parseGvr('apps/v1/deployments'),
      {
        ...current,
        metadata: { ...current.metadata, labels },
        spec: { ...(current.spec as object), replicas: 4 },
      },
      scope,
    );
    await eventually(
      async () =>
        (
          (await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'd'))?.spec as {
            replicas?: number;
          }
        )?.replicas === 4,
      20_000,
      'deployment update downstream',
    );
    const live = (await downstreamGet(sims, 'apps/v1/deployments', downstreamNs(), 'd')) as KubeObject;
    expect(live.metadata.labels?.tier).toBeUndefined();
    expect(live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL]).toBe(sims.ref.key);
    const verbs = writes(sims.downstream.stats(), 'deployments.apps');
    expect(creates(agent, 'deployments', 'd')).toBe(1);
    expect(verbs.create).toBe(1);
    expect(verbs.patch).toBeGreaterThanOrEqual(1);
    expect(verbs.update).toBeUndefined();
  }, 30_000);

  it('create-only: creates once and does not apply a later upstream change', async () => {
    await sims.upstreamClient.create(
      parseGvr('v1/persistentvolumeclaims'),
      workload('PersistentVolumeClaim', NS, 'p', sims.ref.key),
      scope,
    );
    await eventually(
      async () => (await downstreamGet(sims, 'v1/persistentvolumeclaims', downstreamNs(), 'p')) !== undefined,
      20_000,
      'pvc downstream',
    );
    const current = (await upstreamGet('v1/persistentvolumeclaims', 'p')) as KubeObject;
    const changed = await sims.upstreamClient.update(
      parseGvr('v1/persistentvolumeclaims'),
      { ...current, metadata: { ...current.metadata, annotations: { 'test.kcp.io/changed': 'yes' } } },
      scope,
    );
    // The engine saw the change and decided: only then is "not written" meaningful.
    await eventually(
      () => appliesAt('persistentvolumeclaims', 'p', changed.metadata.resourceVersion as string).length > 0,
      20_000,
      'apply of the changed pvc',
    );
    const [decision] = appliesAt('persistentvolumeclaims', 'p', changed.metadata.resourceVersion as string);
    expect(decision?.result).toMatchObject({
      success: true,
      operation: 'noop',
      reason: 'create-only: exists',
    });
    const live = (await downstreamGet(sims, 'v1/persistentvolumeclaims', downstreamNs(), 'p')) as KubeObject;
    expect(live.metadata.annotations?.['test.kcp.io/changed']).toBeUndefined();
    expect(creates(agent, 'persistentvolumeclaims', 'p')).toBe(1);
    // One POST (no second create that earns a 409), no update or patch of the PVC.
    expect(writes(sims.downstream.stats(), 'persistentvolumeclaims')).toEqual({ create: 1 });
  }, 30_000);

  it('read-only: never writes the object downstream, on create or update', async () => {
    await sims.upstreamClient.create(
      parseGvr('batch/v1/jobs'),
      workload('Job', NS, 'j', sims.ref.key),
      scope,
    );
    const current = (await upstreamGet('batch/v1/jobs', 'j')) as KubeObject;
    await eventually(
      () => appliesAt('jobs', 'j', current.metadata.resourceVersion as string).length > 0,
      20_000,
      'apply of the job',
    );
    const changed = await sims.upstreamClient.update(
      parseGvr('batch/v1/jobs'),
      { ...current, metadata: { ...current.metadata, annotations: { 'test.kcp.io/changed': 'yes' } } },
      scope,
    );
    await eventually(
      () => appliesAt('jobs', 'j', changed.metadata.resourceVersion as string).length > 0,
      20_000,
      'apply of the changed job',
    );
    for (const rv of [current.metadata.resourceVersion, changed.metadata.resourceVersion]) {
      const [decision] = appliesAt('jobs', 'j', rv as string);
      expect(decision?.result).toMatchObject({ success: true, operation: 'noop' });
    }
    expect(await downstreamGet(sims, 'batch/v1/jobs', downstreamNs(), 'j')).toBeUndefined();
    expect(writes(sims.downstream.stats(), 'jobs.batch')).toEqual({});
  }, 30_000);

  it('orphan annotation: an upstream deletion leaves the object downstream without our ownership label', async () => {
    const cm = workload('ConfigMap', NS, 'keep', sims.ref.key);
    cm.metadata.annotations = { [ORPHAN_ANNOTATION]: 'true' };
    await sims.upstreamClient.create(parseGvr('v1/configmaps'), cm, scope);
    let synced: KubeObject | undefined;
    await eventually(
      async () => {
        synced = await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'keep');
        return synced?.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] === sims.ref.key;
      },
      20_000,
      'configmap downstream',
    );
    await sims.upstreamClient.delete(parseGvr('v1/configmaps'), { ...scope, name: 'keep' });
    // Our finalizer holds the upstream object until the deletion was handled downstream.
    await eventually(
      async () => (await upstreamGet('v1/configmaps', 'keep')) === undefined,
      20_000,
      'upstream configmap gone',
    );
    const live = (await downstreamGet(sims, 'v1/configmaps', downstreamNs(), 'keep')) as KubeObject;
    expect(live).toBeDefined();
    expect(live.metadata.uid).toBe(synced?.metadata.uid);
    expect(live.data).toEqual({ key: 'keep' });
    expect(live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL]).toBeUndefined();
    expect(writes(sims.downstream.stats(), 'configmaps').delete).toBeUndefined();
  }, 30_000);
});
