// The status behaviour of status.integration.test.ts against real kube-apiservers: a plain-mode upstream
// serving the SyncTarget CRD and one real downstream. There is no kubelet
// nor deployment controller downstream, so the test writes downstream Deployment status itself, as they
// would. Simulator-only: pods really running (fake controllers).
import { type KubeClient, type KubeObject, statusAnnotation } from '@kcp-tmc/interfaces';
import { afterEach, describe, expect, it } from 'vitest';
import { DEPLOYMENTS, deployment } from '../support/agents.js';
import { eventually } from '../support/wait.js';
import { type RealAgent, startRealAgent, writeDeploymentStatus } from './agents.js';
import { useRealUpstreamServers } from './servers.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' } as const;

const servers = useRealUpstreamServers('status');

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
    // Verbatim, and no per-target annotation (kcp: pkg/syncer/status/status_process.go).
    expect(synced.status).toEqual((await east.downstreamDeployment('web')).status);
    expect(synced.metadata.annotations?.[statusAnnotation(east.ref.key)]).toBeUndefined();
  });

  // Status goes to the /status subresource as kcp's syncer writes it: no write of ours moves a generation, on
  // either side, so status writes cannot loop through spec writes.
  it('status writes move no generation upstream or downstream', async (ctx) => {
    const { upstream, downstream, client } = servers(ctx);
    await namespace(client, 'status-gen');
    const east = await startRealAgent(upstream, downstream, 'gen-east');
    agents.push(east);
    const scope = { namespace: 'status-gen' };
    await client.create(DEPLOYMENTS, withNamespace(deployment('web', 1, [east.ref]), 'status-gen'), scope);
    await east.engine.start();
    await writeDeploymentStatus(east.downstreamClient, await east.downstreamDeployment('web'), 1);
    const first = await eventually('upstream readyReplicas 1', async () => {
      const object = await client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return statusOf(object).readyReplicas === 1 ? object : undefined;
    });
    expect(first.metadata.generation).toBe(1);
    expect((await east.downstreamDeployment('web')).metadata.generation).toBe(1);
  });
});
