import { type KubeObject, statusAnnotation } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  DEPLOYMENTS,
  deployment,
  startAgent,
  startUpstream,
  type Upstream,
  WORKLOAD_CLUSTER,
} from './support/agents.js';
import { eventually } from './support/wait.js';

const scope = { cluster: WORKLOAD_CLUSTER, namespace: 'default' };

function statusOf(object: KubeObject): Record<string, unknown> {
  return (object.status ?? {}) as Record<string, unknown>;
}

describe('status sync against simulators (kcp wildcard upstream, fake controllers downstream)', () => {
  let upstream: Upstream | undefined;
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await upstream?.close();
    upstream = undefined;
  });

  it('a Deployment that becomes Ready downstream shows its ready replicas upstream', async () => {
    upstream = await startUpstream();
    const east = await startAgent(upstream, 'east');
    agents.push(east);
    await upstream.client.create(DEPLOYMENTS, deployment('web', 2, [east.ref]), scope);
    await east.engine.start();

    const synced = await eventually('upstream readyReplicas 2', async () => {
      const object = await upstream?.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return object !== undefined && statusOf(object).readyReplicas === 2 ? object : undefined;
    });
    const status = statusOf(synced);
    expect(status.replicas).toBe(2);
    expect(status.availableReplicas).toBe(2);
    // observedGeneration speaks of the upstream generation, not the downstream one.
    expect(status.observedGeneration).toBe(synced.metadata.generation);
    const recorded = JSON.parse(synced.metadata.annotations?.[statusAnnotation(east.ref.key)] ?? 'null');
    expect(recorded.readyReplicas).toBe(2);
  });

  // The write loop real kube-apiservers exposed: a Deployment's generation moves on every annotation change, our
  // status annotation included. Downstream generations count downstream spec writes, so they prove the status
  // path never causes one: exactly one per upstream spec change, however many status writes go upstream.
  it('observedGeneration settles at the upstream generation; status writes cause no downstream spec write', async () => {
    upstream = await startUpstream();
    const east = await startAgent(upstream, 'east');
    agents.push(east);
    const client = upstream.client;
    await client.create(DEPLOYMENTS, deployment('web', 2, [east.ref]), scope);
    await east.engine.start();
    const settled = (ready: number) =>
      eventually(`upstream settled with ${ready} ready`, async () => {
        const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
        const status = statusOf(object);
        return status.readyReplicas === ready && status.observedGeneration === object.metadata.generation
          ? object
          : undefined;
      });
    const downstreamGeneration = async () => {
      const list = await east.downstreamClient.list(DEPLOYMENTS);
      return list.items.find((d) => d.metadata.name === 'web')?.metadata.generation;
    };

    const first = await settled(2);
    // Created once, never rewritten, though every status annotation write moved the upstream generation.
    expect(first.metadata.generation).toBeGreaterThan(1);
    expect(await downstreamGeneration()).toBe(1);

    const scaled = { ...first, spec: { ...(first.spec as object), replicas: 3 } };
    await client.update(DEPLOYMENTS, scaled, scope);
    const second = await settled(3);
    expect(second.metadata.generation).toBeGreaterThan(first.metadata.generation as number);
    expect(await downstreamGeneration()).toBe(2);
    // Settled means settled: a fresh read still agrees, nothing is still writing.
    const again = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
    expect(again.metadata.generation).toBe(second.metadata.generation);
    expect(statusOf(again).observedGeneration).toBe(second.metadata.generation);
  });

  it('two agents on two downstream clusters converge on the summed status', async () => {
    upstream = await startUpstream();
    const east = await startAgent(upstream, 'east');
    const west = await startAgent(upstream, 'west');
    agents.push(east, west);
    await upstream.client.create(DEPLOYMENTS, deployment('web', 3, [east.ref, west.ref]), scope);
    await Promise.all([east.engine.start(), west.engine.start()]);

    const synced = await eventually('upstream readyReplicas 6', async () => {
      const object = await upstream?.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return object !== undefined && statusOf(object).readyReplicas === 6 ? object : undefined;
    });
    expect(statusOf(synced).replicas).toBe(6);
    const annotations = synced.metadata.annotations ?? {};
    for (const agent of [east, west]) {
      expect(JSON.parse(annotations[statusAnnotation(agent.ref.key)] ?? 'null').readyReplicas).toBe(3);
    }
    // Each downstream really runs its share.
    for (const agent of [east, west]) {
      const pods = await agent.downstreamClient.list({ group: '', version: 'v1', resource: 'pods' });
      expect(pods.items.length).toBe(3);
    }

    // Scale down one side downstream (as if its cluster lost capacity): the sum follows.
    const westCopy = (await west.downstreamClient.list(DEPLOYMENTS)).items[0] as KubeObject;
    await west.downstreamClient.patch(
      DEPLOYMENTS,
      { namespace: westCopy.metadata.namespace as string, name: 'web' },
      'merge',
      { spec: { replicas: 1 } },
    );
    await eventually('upstream readyReplicas 4', async () => {
      const object = await upstream?.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return object !== undefined && statusOf(object).readyReplicas === 4 ? object : undefined;
    });
  });
});
