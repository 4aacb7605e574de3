import type { KubeObject } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Agent,
  DEPLOYMENTS,
  deployment,
  EVENTS,
  startAgent,
  startUpstream,
  type Upstream,
  WORKLOAD_CLUSTER,
} from './support/agents.js';
import { downstreamEvent as kubeletEvent } from './support/events.js';
import { eventually } from './support/wait.js';

const scope = { cluster: WORKLOAD_CLUSTER, namespace: 'default' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

const downstreamEvent = (about: KubeObject, reason: string, message: string, i: number) =>
  kubeletEvent(about, reason, message, i, 'sim-node');

async function upstreamEvents(upstream: Upstream, reason: string): Promise<KubeObject[]> {
  const list = await upstream.client.list(EVENTS, scope);
  return list.items.filter((e) => e.reason === reason);
}

describe('event sync against simulators (kcp wildcard upstream, fake controllers downstream)', () => {
  let upstream: Upstream | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.stop();
    await upstream?.close();
    agent = undefined;
    upstream = undefined;
  });

  it("a pod's Events land upstream on the Deployment; 50 repeats make one Event with count 50", async () => {
    upstream = await startUpstream();
    agent = await startAgent(upstream, 'east');
    const up = upstream;
    const created = await up.client.create(DEPLOYMENTS, deployment('web', 1, [agent.ref]), scope);
    await agent.engine.start();

    const downstreamClient = agent.downstreamClient;
    const pod = await eventually('a Ready pod downstream', async () => {
      const pods = await downstreamClient.list(PODS);
      return pods.items.find((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
    });
    // The fake kubelet's own Events about the pod come up against the Deployment.
    const started = await eventually('the kubelet Started event upstream', async () => {
      const events = await upstreamEvents(up, 'Started');
      return events.length === 1 ? events[0] : undefined;
    });
    expect(started.involvedObject).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      uid: created.metadata.uid,
    });
    expect(started.metadata.namespace).toBe('default');
    expect(started.reportingInstance).toBe('east');

    const namespace = pod.metadata.namespace as string;
    for (let i = 0; i < 50; i++) {
      await downstreamClient.create(
        EVENTS,
        downstreamEvent(pod, 'BackOff', 'Back-off pulling image "registry.example/app:1"', i),
        { namespace },
      );
    }
    // An object in the same namespace that this SyncTarget does not own: its Events stay downstream.
    const stray = await downstreamClient.create(
      CONFIGMAPS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace } },
      { namespace },
    );
    await downstreamClient.create(EVENTS, downstreamEvent(stray, 'Stray', 'not ours', 0), { namespace });

    const backOff = await eventually(
      'one BackOff event with count 50 upstream',
      async () => {
        const events = await upstreamEvents(up, 'BackOff');
        return events.length === 1 && events[0]?.count === 50 ? events[0] : undefined;
      },
      30_000,
    );
    expect(backOff.involvedObject).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      uid: created.metadata.uid,
    });
    expect(backOff.type).toBe('Warning');
    expect(await upstreamEvents(up, 'Stray')).toEqual([]);
    // The count never runs past the repeats (each downstream Event counted once).
    expect((await upstreamEvents(up, 'BackOff'))[0]?.count).toBe(50);
  });

  it('a downstream Event whose count grows bumps the one upstream Event', async () => {
    upstream = await startUpstream();
    agent = await startAgent(upstream, 'east');
    const up = upstream;
    await up.client.create(DEPLOYMENTS, deployment('api', 1, [agent.ref]), scope);
    await agent.engine.start();
    const downstreamClient = agent.downstreamClient;
    const owned = await eventually('the Deployment downstream', async () => {
      const items = (await downstreamClient.list(DEPLOYMENTS)).items;
      return items[0];
    });
    const namespace = owned.metadata.namespace as string;
    const event = await downstreamClient.create(
      EVENTS,
      downstreamEvent({ ...owned, apiVersion: 'apps/v1', kind: 'Deployment' }, 'SyncTest', 'repeated', 0),
      { namespace },
    );
    await eventually('count 1 upstream', async () => (await upstreamEvents(up, 'SyncTest'))[0]?.count === 1);
    for (const count of [2, 3, 7]) {
      await downstreamClient.patch(EVENTS, { namespace, name: event.metadata.name as string }, 'merge', {
        count,
      });
    }
    const bumped = await eventually('count 7 upstream', async () => {
      const events = await upstreamEvents(up, 'SyncTest');
      return events.length === 1 && events[0]?.count === 7 ? events[0] : undefined;
    });
    // Direct Events about the synced object keep pointing at its upstream self.
    expect(bumped.involvedObject).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
  });
});
