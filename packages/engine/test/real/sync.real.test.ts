// The engine integration behaviours of sync.integration.test.ts, against real kube-apiservers: a plain-mode
// upstream serving the SyncTarget CRD, and a real downstream. Simulator-only, and so not here: the kcp
// wildcard and virtual-workspace modes (no real kcp), every fault in faults.integration.test.ts (dropped
// watches, 410 after compaction, 429 storms, partitions: the real server has no fault injection), the 10k-key
// shutdown (writes straight into the simulator's store), and GVRs dropped by a denied access review (the
// simulator's access rules; the real admin is allowed everything).
import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr, stateLabel } from '@kcp-tmc/interfaces';
import { type RealServers, startRealServers } from '@kcp-tmc/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { SYNCED_RESOURCES, TEST_GVRS, workload } from '../support/fixtures.js';
import { MARKER, waitForMarker } from '../support/markers.js';
import { eventually } from '../support/wait.js';
import { type RealStack, startRealStack } from './stack.js';

const START_TIMEOUT_MS = 45 * 60_000;
const NAMESPACES = parseGvr('v1/namespaces');

let real: RealServers<'upstream' | 'downstream'>;
beforeAll(async () => {
  real = await startRealServers({ upstream: { syncTargetCrd: true }, downstream: {} });
  if (!real.available) console.warn(`skipping engine real-server suite: ${real.reason}`);
}, START_TIMEOUT_MS);
afterAll(async () => {
  await real?.stop();
});

function servers(ctx: TestContext) {
  if (!real.available) return ctx.skip(real.reason);
  return real.servers;
}

let stack: RealStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function createNamespaces(s: RealStack, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await s.upstreamClient.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}

describe('engine against real kube-apiservers (plain upstream with the SyncTarget CRD)', () => {
  it('200 objects over 5 GVRs reach the recording syncer, each with the object the server holds', async (ctx) => {
    const { upstream, downstream } = servers(ctx);
    stack = await startRealStack(upstream, downstream, {
      name: 'bulk',
      syncedResources: SYNCED_RESOURCES,
      config: { workerCount: 4 },
    });
    const s = stack;
    const namespaces = ['bulk-a', 'bulk-b', 'bulk-c'];
    await createNamespaces(s, namespaces);
    const placed: Array<{ gvr: string; namespace: string; name: string; key: string }> = [];
    const writes: Promise<unknown>[] = [];
    for (const gvr of TEST_GVRS) {
      for (let i = 0; i < 40; i++) {
        const namespace = namespaces[i % namespaces.length] as string;
        const name = `obj-${i}`;
        placed.push({ gvr, namespace, name, key: s.downKey(gvr, namespace, name) });
        writes.push(
          s.upstreamClient.create(parseGvr(gvr), workload(gvr, namespace, name, s.ref.key), { namespace }),
        );
      }
    }
    // Scheduled to another SyncTarget: never synced.
    writes.push(
      s.upstreamClient.create(
        parseGvr('v1/configmaps'),
        workload('v1/configmaps', 'bulk-a', 'not-mine', 'other-target'),
        { namespace: 'bulk-a' },
      ),
    );
    await Promise.all(writes);

    const engine = s.engine();
    await engine.start();
    expect(engine.getStatus().connected).toBe(true);
    await waitForMarker(s, placed, '0', 0, 30_000);
    const applied = s.syncer.of('apply');
    expect(new Set(applied.map((call) => call.id)).size).toBe(200);
    expect(s.syncer.overlaps).toEqual([]);
    const byKey = new Map(placed.map((p) => [p.key, p]));
    for (const call of applied) {
      const p = byKey.get(call.id);
      if (p === undefined) throw new Error(`unexpected key ${call.id}`);
      const stored = await s.upstreamClient.get(parseGvr(p.gvr), { namespace: p.namespace, name: p.name });
      expect(call.upstream?.metadata.uid).toBe(stored.metadata.uid);
    }
    const status = engine.getStatus();
    for (const gvr of TEST_GVRS) expect(status.resources[gvr]?.synced).toBeGreaterThanOrEqual(40);
    expect(status.droppedResources).toBeUndefined();
  });

  it('updates arrive with the latest object; deletes, finalized deletes and unscheduling reach delete', async (ctx) => {
    const { upstream, downstream } = servers(ctx);
    stack = await startRealStack(upstream, downstream, { name: 'updates', syncedResources: [] });
    const s = stack;
    await createNamespaces(s, ['upd']);
    const configmaps = parseGvr('v1/configmaps');
    const names = Array.from({ length: 10 }, (_, i) => `cm-${i}`);
    for (const name of names) {
      await s.upstreamClient.create(configmaps, workload('v1/configmaps', 'upd', name, s.ref.key), {
        namespace: 'upd',
      });
    }
    const keys = names.map((name) => s.downKey(configmaps, 'upd', name));
    await s.engine().start();
    await waitForMarker(s, keys, '0', 0, 30_000);

    let since = s.syncer.calls.length;
    // Two quick edits of each: the worker reads the cache, so the last edit is what an apply sees.
    for (const marker of ['1', '2']) {
      await Promise.all(
        names.map((name) =>
          s.upstreamClient.patch(configmaps, { namespace: 'upd', name }, 'merge', {
            metadata: { annotations: { [MARKER]: marker } },
          }),
        ),
      );
    }
    await waitForMarker(s, keys, '2', since, 30_000);
    expect(s.syncer.overlaps).toEqual([]);

    since = s.syncer.calls.length;
    const deletesOf = (name: string) =>
      s.syncer.calls
        .slice(since)
        .filter((c) => c.kind === 'delete' && c.id === s.downKey(configmaps, 'upd', name));
    // Gone at once (no finalizer): a delete with no upstream object.
    await s.upstreamClient.delete(configmaps, { namespace: 'upd', name: 'cm-0' });
    // Held by a finalizer: the object stays with a deletionTimestamp, and the delete carries it.
    await s.upstreamClient.patch(configmaps, { namespace: 'upd', name: 'cm-1' }, 'merge', {
      metadata: { finalizers: ['test.kcp.io/hold'] },
    });
    await s.upstreamClient.delete(configmaps, { namespace: 'upd', name: 'cm-1' });
    // No longer scheduled here: out of the informer's selection, so deleted downstream.
    await s.upstreamClient.patch(configmaps, { namespace: 'upd', name: 'cm-2' }, 'merge', {
      metadata: { labels: { [stateLabel(s.ref.key)]: null } },
    });
    await eventually(() => ['cm-0', 'cm-1', 'cm-2'].every((name) => deletesOf(name).length > 0), 20_000);
    expect(deletesOf('cm-0')[0]?.upstream).toBeUndefined();
    expect(deletesOf('cm-1').some((c) => c.upstream?.metadata.deletionTimestamp !== undefined)).toBe(true);
    expect(deletesOf('cm-2')[0]?.upstream).toBeUndefined();
    await s.upstreamClient.patch(configmaps, { namespace: 'upd', name: 'cm-1' }, 'merge', {
      metadata: { finalizers: null },
    });
  });

  it('status and recreation: a downstream change goes up, a downstream delete sends the object down again', async (ctx) => {
    const { upstream, downstream } = servers(ctx);
    stack = await startRealStack(upstream, downstream, {
      name: 'status',
      syncedResources: ['apps/v1/deployments'],
    });
    const s = stack;
    await createNamespaces(s, ['st']);
    const deployments = parseGvr('apps/v1/deployments');
    await s.upstreamClient.create(deployments, workload('apps/v1/deployments', 'st', 'web', s.ref.key), {
      namespace: 'st',
    });
    // A syncer that writes what it is given downstream, so the downstream informer sees "our" object.
    const down = s.downstreamClient;
    s.syncer.behavior = async (call) => {
      if (call.kind !== 'apply' || call.desired === undefined) return undefined;
      const desired: KubeObject = structuredClone(call.desired);
      desired.metadata = {
        name: desired.metadata.name as string,
        namespace: 'default',
        labels: { ...desired.metadata.labels, [DOWNSTREAM_CLUSTER_LABEL]: s.ref.key },
      };
      const written = await down
        .create(deployments, desired, { namespace: 'default' })
        .catch(() => down.get(deployments, { namespace: 'default', name: desired.metadata.name as string }));
      return { key: call.item.key, operation: 'create', success: true, conflicts: [], object: written };
    };
    await s.engine().start();
    await eventually(() => s.syncer.of('status').length >= 1);
    expect(s.syncer.of('status')[0]?.downstream?.metadata.namespace).toBe('default');

    // A status write downstream (what a controller would do) comes up as another status call.
    const statusCalls = s.syncer.of('status').length;
    const current = await down.get(deployments, { namespace: 'default', name: 'web' });
    await down.updateStatus(
      deployments,
      { ...current, status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 } },
      { namespace: 'default' },
    );
    await eventually(() =>
      s.syncer
        .of('status')
        .slice(statusCalls)
        .some((c) => (c.downstream?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 1),
    );

    await down.delete(deployments, { namespace: 'default', name: 'web' });
    await eventually(() => s.syncer.of('apply').length === 2);
    expect(s.syncer.of('status').some((call) => call.downstream === undefined)).toBe(true);
  });

  it('starts GVRs added to the SyncTarget at run time and stops those removed', async (ctx) => {
    const { upstream, downstream } = servers(ctx);
    stack = await startRealStack(upstream, downstream, {
      name: 'gvrs',
      syncedResources: ['apps/v1/deployments', 'batch/v1/jobs'],
    });
    const s = stack;
    await createNamespaces(s, ['gvrs']);
    const engine = s.engine();
    await engine.start();
    expect(engine.activeResources()).toEqual(
      expect.arrayContaining(['apps/v1/deployments', 'batch/v1/jobs']),
    );
    expect(engine.activeResources()).not.toContain('v1/services');

    const services = parseGvr('v1/services');
    await s.upstreamClient.create(services, workload('v1/services', 'gvrs', 'api', s.ref.key), {
      namespace: 'gvrs',
    });
    await s.setSyncedResources(['apps/v1/deployments', 'batch/v1/jobs', 'v1/services']);
    await eventually(() =>
      s.syncer.of('apply').some((call) => call.id === s.downKey(services, 'gvrs', 'api')),
    );
    expect(engine.activeResources()).toContain('v1/services');

    await s.setSyncedResources(['batch/v1/jobs']);
    await eventually(() => !engine.activeResources().includes('apps/v1/deployments'));
    // Built-in GVRs the engine always syncs stay.
    expect(engine.activeResources()).toContain('v1/configmaps');
  });
});
