// The event-sync behaviours of events.integration.test.ts, against real kube-apiservers (plain upstream with
// the SyncTarget CRD, one real downstream). No kubelet or ReplicaSet controller runs downstream, so the test
// makes the pod's owner chain (ReplicaSet, Pod) and the Events itself. Simulator-only: the kubelet's own
// Events (fake controllers).
import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { DEPLOYMENTS, deployment, EVENTS } from '../support/agents.js';
import { downstreamEvent as kubeletEvent } from '../support/events.js';
import { eventually } from '../support/wait.js';
import { type RealAgent, startRealAgent } from './agents.js';
import { useRealUpstreamServers } from './servers.js';

const downstreamEvent = (about: KubeObject, reason: string, message: string, i: number) =>
  kubeletEvent(about, reason, message, i, 'node-1');

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;
const REPLICASETS = { group: 'apps', version: 'v1', resource: 'replicasets' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' } as const;

const servers = useRealUpstreamServers('event');

/** A Deployment placed on a fresh agent, and its downstream copy once written. */
async function placed(ctx: TestContext, ns: string, name: string) {
  const { upstream, downstream, client } = servers(ctx);
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const agent = await startRealAgent(upstream, downstream, `${ns}-east`);
  agents.push(agent);
  const object = deployment(name, 1, [agent.ref]);
  object.metadata.namespace = ns;
  const created = await client.create(DEPLOYMENTS, object, { namespace: ns });
  await agent.engine.start();
  const copy = await agent.downstreamDeployment(name);
  const events = async (reason: string) =>
    (await client.list(EVENTS, { namespace: ns })).items.filter((e) => e.reason === reason);
  return { client, agent, created, copy, events };
}

const agents: RealAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
});

describe('event sync against real kube-apiservers (plain upstream, Events created downstream by the test)', () => {
  it("a pod's Events land upstream on the Deployment; 50 repeats make one Event with count 50", async (ctx) => {
    const { agent, created, copy, events } = await placed(ctx, 'ev-pod', 'web');
    const down = agent.downstreamClient;
    const namespace = copy.metadata.namespace as string;
    // The owner chain a deployment controller would make: Deployment -> ReplicaSet -> Pod (not labelled as ours).
    const owner = (o: KubeObject, kind: string, apiVersion: string) => ({
      apiVersion,
      kind,
      name: o.metadata.name as string,
      uid: o.metadata.uid as string,
      controller: true,
    });
    const template = (copy.spec as { template: KubeObject }).template;
    const rs = await down.create(
      REPLICASETS,
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'web-5d4f',
          namespace,
          labels: { app: 'web' },
          ownerReferences: [owner(copy, 'Deployment', 'apps/v1')],
        },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
      },
      { namespace },
    );
    const pod = await down.create(
      PODS,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'web-5d4f-x2k9q',
          namespace,
          labels: { app: 'web' },
          ownerReferences: [owner(rs, 'ReplicaSet', 'apps/v1')],
        },
        spec: (template.spec ?? {}) as Record<string, unknown>,
      },
      { namespace },
    );
    for (let i = 0; i < 50; i++) {
      await down.create(
        EVENTS,
        downstreamEvent(
          { ...pod, apiVersion: 'v1', kind: 'Pod' },
          'BackOff',
          'Back-off pulling image "registry.example/app:1"',
          i,
        ),
        { namespace },
      );
    }
    // An object in the same namespace that this SyncTarget does not own: its Events stay downstream.
    const stray = await down.create(
      CONFIGMAPS,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace } },
      { namespace },
    );
    expect(stray.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL]).toBeUndefined();
    await down.create(
      EVENTS,
      downstreamEvent({ ...stray, apiVersion: 'v1', kind: 'ConfigMap' }, 'Stray', 'not ours', 0),
      {
        namespace,
      },
    );

    const backOff = await eventually(
      'one BackOff event with count 50 upstream',
      async () => {
        const found = await events('BackOff');
        return found.length === 1 && found[0]?.count === 50 ? found[0] : undefined;
      },
      30_000,
    );
    expect(backOff.involvedObject).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'ev-pod',
      name: 'web',
      uid: created.metadata.uid,
    });
    expect(backOff.metadata.namespace).toBe('ev-pod');
    expect(backOff.type).toBe('Warning');
    expect(backOff.reportingInstance).toBe(agent.ref.name);
    expect(await events('Stray')).toEqual([]);
    expect((await events('BackOff'))[0]?.count).toBe(50);
  });

  it('a downstream Event whose count grows bumps the one upstream Event', async (ctx) => {
    const { agent, copy, events } = await placed(ctx, 'ev-count', 'api');
    const down = agent.downstreamClient;
    const namespace = copy.metadata.namespace as string;
    const event = await down.create(
      EVENTS,
      downstreamEvent({ ...copy, apiVersion: 'apps/v1', kind: 'Deployment' }, 'SyncTest', 'repeated', 0),
      { namespace },
    );
    await eventually('count 1 upstream', async () => (await events('SyncTest'))[0]?.count === 1);
    for (const count of [2, 3, 7]) {
      await down.patch(EVENTS, { namespace, name: event.metadata.name as string }, 'merge', { count });
    }
    const bumped = await eventually('count 7 upstream', async () => {
      const found = await events('SyncTest');
      return found.length === 1 && found[0]?.count === 7 ? found[0] : undefined;
    });
    // Direct Events about the synced object keep pointing at its upstream self.
    expect(bumped.involvedObject).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
  });
});
