// The status and aggregation behaviours of status.integration.test.ts and aggregate.integration.test.ts,
// against real kube-apiservers: a plain-mode upstream serving the SyncTarget CRD and one real downstream that
// both agents share (each its own SyncTarget, so its own namespaces and ownership label). There is no kubelet
// nor deployment controller downstream, so the test writes downstream Deployment status itself, as they
// would. Simulator-only: pods really running (fake controllers), and the 409-forever case (a stubbed client).
import { type KubeClient, type KubeObject, statusAnnotation } from '@kcp-tmc/interfaces';
import { type RealServers, startRealServers } from '@kcp-tmc/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { WorkloadStatusExtractor } from '../../src/extractors/workloads.js';
import { syncAggregatedStatus } from '../../src/status/aggregate.js';
import { DEPLOYMENTS, deployment } from '../support/agents.js';
import { eventually } from '../support/wait.js';
import { adminClient, type RealAgent, startRealAgent, writeDeploymentStatus } from './agents.js';

const START_TIMEOUT_MS = 45 * 60_000;
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;

let real: RealServers<'upstream' | 'downstream'>;
let admin: { client: KubeClient; close(): Promise<void> } | undefined;
beforeAll(async () => {
  real = await startRealServers({ upstream: { syncTargetCrd: true }, downstream: {} });
  if (!real.available) {
    console.warn(`skipping upstream real-server status suite: ${real.reason}`);
    return;
  }
  admin = adminClient(real.servers.upstream);
}, START_TIMEOUT_MS);
afterAll(async () => {
  await admin?.close();
  await real?.stop();
});

function servers(ctx: TestContext) {
  if (!real.available || admin === undefined)
    return ctx.skip(real.available ? 'no admin client' : real.reason);
  return { ...real.servers, client: admin.client };
}

/** Deployments go to a namespace of their own per test ('default' holds no namespace object to place). */
async function namespace(client: KubeClient, name: string): Promise<void> {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

function withNamespace(object: KubeObject, ns: string): KubeObject {
  return { ...object, metadata: { ...object.metadata, namespace: ns } };
}

const statusOf = (object: KubeObject) => (object.status ?? {}) as Record<string, unknown>;

describe('status sync against real kube-apiservers (plain upstream, status written downstream by the test)', () => {
  const agents: RealAgent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
  });

  it('a Deployment that becomes Ready downstream shows its ready replicas upstream', async (ctx) => {
    const { upstream, downstream, client } = servers(ctx);
    await namespace(client, 'status-one');
    const east = await startRealAgent(upstream, downstream, 'one-east');
    agents.push(east);
    const scope = { namespace: 'status-one' };
    await client.create(DEPLOYMENTS, withNamespace(deployment('web', 2, [east.ref]), 'status-one'), scope);
    await east.engine.start();
    await writeDeploymentStatus(east.downstreamClient, await east.downstreamDeployment('web'), 2);

    const synced = await eventually('upstream readyReplicas 2', async () => {
      const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return statusOf(object).readyReplicas === 2 ? object : undefined;
    });
    expect(statusOf(synced)).toMatchObject({ replicas: 2, availableReplicas: 2 });
    const recorded = JSON.parse(synced.metadata.annotations?.[statusAnnotation(east.ref.key)] ?? 'null');
    expect(recorded.readyReplicas).toBe(2);
  });

  // Found here first (the simulator then bumped generations on spec changes only): kube-apiserver bumps a
  // Deployment's generation on every annotation change, our status annotation included. When the synced
  // generation went down with the spec, each status write upstream became a spec write downstream, a new
  // status, another status write: 22 to 117 in 4 s. Downstream generations count downstream spec writes (no
  // controller runs there), and the upstream generation counts every write of ours, so both are bounded here.
  it('observedGeneration settles at the upstream generation, with a bounded number of writes', async (ctx) => {
    const { upstream, downstream, client } = servers(ctx);
    await namespace(client, 'status-gen');
    const east = await startRealAgent(upstream, downstream, 'gen-east');
    agents.push(east);
    const scope = { namespace: 'status-gen' };
    const settled = (ready: number) =>
      eventually(`upstream settled with ${ready} ready`, async () => {
        const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
        const status = statusOf(object);
        return status.readyReplicas === ready && status.observedGeneration === object.metadata.generation
          ? object
          : undefined;
      });
    await client.create(DEPLOYMENTS, withNamespace(deployment('web', 1, [east.ref]), 'status-gen'), scope);
    await east.engine.start();
    await writeDeploymentStatus(east.downstreamClient, await east.downstreamDeployment('web'), 1);
    const first = await settled(1);
    expect((await east.downstreamDeployment('web')).metadata.generation).toBe(1);
    // Create (1), at most one record before the status was written and one after: nothing else writes.
    expect(first.metadata.generation).toBeLessThanOrEqual(3);

    await client.update(DEPLOYMENTS, { ...first, spec: { ...(first.spec as object), replicas: 2 } }, scope);
    const copy = await eventually('the new spec downstream', async () => {
      const object = await east.downstreamDeployment('web');
      return (object.spec as { replicas?: number }).replicas === 2 ? object : undefined;
    });
    expect(copy.metadata.generation).toBe(2);
    await writeDeploymentStatus(east.downstreamClient, copy, 2);
    const second = await settled(2);
    // The spec change (1) and at most a lagging record and a caught-up one.
    expect(second.metadata.generation).toBeLessThanOrEqual((first.metadata.generation as number) + 3);
    expect((await east.downstreamDeployment('web')).metadata.generation).toBe(2);
    const again = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
    expect(again.metadata.generation).toBe(second.metadata.generation);
  });

  it('two agents converge on the summed status, and follow one side losing capacity', async (ctx) => {
    const { upstream, downstream, client } = servers(ctx);
    await namespace(client, 'status-two');
    const east = await startRealAgent(upstream, downstream, 'two-east');
    const west = await startRealAgent(upstream, downstream, 'two-west');
    agents.push(east, west);
    const scope = { namespace: 'status-two' };
    await client.create(
      DEPLOYMENTS,
      withNamespace(deployment('web', 3, [east.ref, west.ref]), 'status-two'),
      scope,
    );
    await Promise.all([east.engine.start(), west.engine.start()]);
    const copies = await Promise.all([east.downstreamDeployment('web'), west.downstreamDeployment('web')]);
    // Two downstream copies in two namespaces of the one downstream server.
    expect(new Set(copies.map((d) => d.metadata.namespace)).size).toBe(2);
    await Promise.all([
      writeDeploymentStatus(east.downstreamClient, copies[0], 3),
      writeDeploymentStatus(west.downstreamClient, copies[1], 3),
    ]);

    const synced = await eventually('upstream readyReplicas 6', async () => {
      const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return statusOf(object).readyReplicas === 6 ? object : undefined;
    });
    expect(statusOf(synced).replicas).toBe(6);
    for (const agent of [east, west]) {
      const recorded = synced.metadata.annotations?.[statusAnnotation(agent.ref.key)] ?? 'null';
      expect(JSON.parse(recorded).readyReplicas).toBe(3);
    }

    await writeDeploymentStatus(west.downstreamClient, copies[1], 1);
    await eventually('upstream readyReplicas 4', async () => {
      const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return statusOf(object).readyReplicas === 4 ? object : undefined;
    });
  });
});

describe('syncAggregatedStatus against a real kube-apiserver (plain upstream)', () => {
  const extractor = new WorkloadStatusExtractor();
  let counter = 0;
  const sync = (client: KubeClient, name: string, syncTargetKey: string, own: unknown) =>
    syncAggregatedStatus({
      client,
      gvr: DEPLOYMENTS,
      ref: { namespace: 'default', name },
      syncTargetKey,
      own,
      extractor,
      conflictRetries: 50,
    });
  async function create(client: KubeClient): Promise<string> {
    const name = `agg-${++counter}`;
    await client.create(DEPLOYMENTS, deployment(name, 1, []), { namespace: 'default' });
    return name;
  }

  it('writes annotation and status once, then nothing while nothing changes', async (ctx) => {
    const { client } = servers(ctx);
    const name = await create(client);
    expect((await sync(client, name, 'east', { replicas: 1, readyReplicas: 1 })).operation).toBe('update');
    // No write means an unchanged resourceVersion (the server bumps it on every write, even a no-op patch
    // that changes nothing is answered without one).
    const before = (await client.get(DEPLOYMENTS, { namespace: 'default', name })).metadata.resourceVersion;
    const second = await sync(client, name, 'east', { readyReplicas: 1, replicas: 1 });
    expect(second).toMatchObject({ operation: 'noop', reason: 'status unchanged' });
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    expect(stored.metadata.resourceVersion).toBe(before);
    expect(stored.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(stored.metadata.annotations?.[statusAnnotation('east')]).toBe('{"readyReplicas":1,"replicas":1}');
  });

  it('an upstream object that is gone is not an error', async (ctx) => {
    const { client } = servers(ctx);
    const outcome = await sync(client, 'never-created', 'east', { replicas: 1 });
    expect(outcome).toMatchObject({ operation: 'noop', reason: 'upstream object is gone' });
  });

  it('eight agents writing at once all land, and the status is their sum', async (ctx) => {
    const { client } = servers(ctx);
    const name = await create(client);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sync(client, name, `target-${i}`, { replicas: 8, readyReplicas: i }),
      ),
    );
    // The real server rejects a status with more ready than total replicas at any moment (the simulator does
    // not check), so every target's share keeps readyReplicas <= replicas, whatever merge lands first.
    // Concurrent writers meet each other's resourceVersions: the real server's 409s were retried, not lost.
    expect(outcomes.reduce((sum, o) => sum + o.conflicts, 0)).toBeGreaterThan(0);
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    for (let i = 0; i < 8; i++) {
      expect(stored.metadata.annotations?.[statusAnnotation(`target-${i}`)]).toBeDefined();
    }
    expect(stored.status).toMatchObject({ replicas: 64, readyReplicas: 28 });
  });

  it('a target that withdraws leaves the merge of the others', async (ctx) => {
    const { client } = servers(ctx);
    const name = await create(client);
    await sync(client, name, 'east', { replicas: 2, readyReplicas: 2 });
    await sync(client, name, 'west', { replicas: 3, readyReplicas: 1 });
    expect((await client.get(DEPLOYMENTS, { namespace: 'default', name })).status).toMatchObject({
      replicas: 5,
      readyReplicas: 3,
    });
    await sync(client, name, 'west', undefined);
    const stored = await client.get(DEPLOYMENTS, { namespace: 'default', name });
    expect(stored.metadata.annotations?.[statusAnnotation('west')]).toBeUndefined();
    expect(stored.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  });
});
