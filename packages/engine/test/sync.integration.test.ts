import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { placedNamespace } from '@kcp-tmc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNCED_RESOURCES, TEST_GVRS, workload } from './support/fixtures.js';
import { waitForMarker } from './support/markers.js';
import { createWorkloads, kcpMadeKeys, NAMESPACES } from './support/scenario.js';
import { type Stack, serverSide, startStack } from './support/stack.js';
import { eventually } from './support/wait.js';

async function createNamespaces(stack: Stack): Promise<void> {
  for (const name of NAMESPACES) {
    await stack.upstreamClient.create(parseGvr('v1/namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
}

describe.each(['plain', 'wildcard', 'virtual-workspace'] as const)(
  'engine against simulators (%s upstream)',
  (mode) => {
    let stack: Stack | undefined;
    afterEach(async () => {
      await stack?.stop();
      stack = undefined;
    });

    it('500 objects over 5 GVRs reach the recording syncer; same names in other clusters never collide', async () => {
      stack = await startStack({ mode, syncedResources: SYNCED_RESOURCES, config: { workerCount: 4 } });
      const objects = await createWorkloads(stack, 100);
      // Not scheduled to this SyncTarget: never synced. In kcp an object follows its namespace's placement
      // (pkg/reconciler/workload/resource), so it lives in a namespace placed on another SyncTarget.
      const scope = mode === 'plain' ? {} : { cluster: stack.clusters[0] as string };
      await stack.upstreamClient.create(
        parseGvr('v1/namespaces'),
        placedNamespace('elsewhere', 'other-target'),
        scope,
      );
      await stack.upstreamClient.create(
        parseGvr('v1/configmaps'),
        workload('v1/configmaps', 'elsewhere', 'not-mine', 'other-target'),
        { namespace: 'elsewhere', ...scope },
      );
      const engine = stack.engine();
      await engine.start();
      expect(engine.getStatus().connected).toBe(true);
      await waitForMarker(stack, objects, '0', 0);
      const appliedIds = () => new Set(stack?.syncer.of('apply').map((call) => call.id));
      // kcp also places its own kube-root-ca.crt and default token Secret of each namespace: 3 clusters x 3
      // namespaces x 2 more keys, and nothing else.
      let kcpMade: string[] = [];
      if (mode !== 'plain') {
        await eventually(() => {
          kcpMade = kcpMadeKeys(stack as Stack) ?? [];
          return kcpMade.length > 0;
        });
      }
      expect(kcpMade).toHaveLength(mode === 'plain' ? 0 : 18);
      await eventually(() => kcpMade.every((key) => appliedIds().has(key)));
      expect(appliedIds().size).toBe(500 + kcpMade.length);
      const applied = stack.syncer.of('apply');
      expect(stack.syncer.overlaps).toEqual([]);
      // Every call carried the object of its own logical cluster, though names repeat across clusters.
      const byKey = new Map(objects.map((o) => [o.key, o]));
      for (const call of applied) {
        if (kcpMade.includes(call.id)) continue;
        const placed = byKey.get(call.id);
        if (placed === undefined) throw new Error(`unexpected key ${call.id}`);
        const stored = serverSide(stack.upstream, parseGvr(placed.gvr), placed.cluster).get(
          placed.namespace,
          placed.name,
        );
        expect(call.upstream?.metadata.uid).toBe(stored.metadata.uid);
      }
      if (mode !== 'plain') {
        expect(new Set(objects.map((o) => o.cluster)).size).toBe(3);
        expect(new Set(objects.map((o) => `${o.gvr}/${o.namespace}/${o.name}`)).size).toBeLessThan(200);
      }
      const status = engine.getStatus();
      for (const gvr of TEST_GVRS) expect(status.resources[gvr]?.synced).toBeGreaterThanOrEqual(100);
      expect(status.droppedResources).toBeUndefined();
    });
  },
);

describe('engine against simulators (plain upstream)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('status and recreation: a downstream change goes up, a downstream delete sends the object down again', async () => {
    stack = await startStack({ syncedResources: ['apps/v1/deployments'] });
    await createNamespaces(stack);
    const deployments = parseGvr('apps/v1/deployments');
    await stack.upstreamClient.create(
      deployments,
      workload('apps/v1/deployments', 'team-a', 'web', stack.ref.key),
      {
        namespace: 'team-a',
      },
    );
    // A syncer that writes what it is given downstream, so the downstream informer sees "our" object.
    const down = stack.downstreamClient;
    stack.syncer.behavior = async (call) => {
      if (call.kind !== 'apply' || call.desired === undefined) return undefined;
      const desired: KubeObject = structuredClone(call.desired);
      desired.metadata = {
        name: desired.metadata.name as string,
        namespace: 'default',
        labels: { ...desired.metadata.labels, [DOWNSTREAM_CLUSTER_LABEL]: stack?.ref.key as string },
      };
      const written = await down
        .create(deployments, desired, { namespace: 'default' })
        .catch(() => down.get(deployments, { namespace: 'default', name: desired.metadata.name as string }));
      return { key: call.item.key, operation: 'create', success: true, conflicts: [], object: written };
    };
    await stack.engine().start();
    await eventually(() => stack?.syncer.of('status').length === 1);
    expect(stack.syncer.of('status')[0]?.downstream?.metadata.namespace).toBe('default');

    await down.delete(deployments, { namespace: 'default', name: 'web' });
    await eventually(() => stack?.syncer.of('apply').length === 2);
    expect(stack.syncer.of('status').some((call) => call.downstream === undefined)).toBe(true);
  });

  it('drops GVRs the downstream denies and starts GVRs added to the SyncTarget at run time', async () => {
    stack = await startStack({
      syncedResources: ['apps/v1/deployments', 'batch/v1/jobs'],
      downstream: {
        accessRules: {
          rules: [{ groups: ['batch'], resources: ['jobs'], allowed: false, reason: 'no jobs here' }],
        },
      },
    });
    await createNamespaces(stack);
    const engine = stack.engine();
    await engine.start();
    expect(engine.activeResources()).not.toContain('batch/v1/jobs');
    expect(engine.getStatus().droppedResources?.['batch/v1/jobs']).toMatch(
      // The verbs the agent issues, not kcp's "*" (explicit-verb RBAC never grants "*").
      /denied verbs "get", "list", "watch", "create", "update", "patch", "delete" downstream \(no jobs here\)/,
    );

    const services = parseGvr('v1/services');
    await stack.upstreamClient.create(services, workload('v1/services', 'team-b', 'api', stack.ref.key), {
      namespace: 'team-b',
    });
    await stack.setSyncedResources(['apps/v1/deployments', 'batch/v1/jobs', 'v1/services']);
    await eventually(
      () =>
        stack?.syncer.of('apply').some((call) => call.id === stack?.downKey(services, 'team-b', 'api')) ===
        true,
    );
    expect(engine.activeResources()).toContain('v1/services');

    await stack.setSyncedResources(['batch/v1/jobs']);
    await eventually(() => !engine.activeResources().includes('apps/v1/deployments'));
    expect(engine.activeResources()).toContain('v1/configmaps');
  });
});
