import { jsonEqual, type KubeObject, statusAnnotation } from '@kcp-tmc/interfaces';
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

  // kcp v0.11's status syncer copies the downstream .status verbatim with UpdateStatus
  // (pkg/syncer/status/status_process.go); ground-truth/go-syncer/upstream-demo.json shows it on the Deployment.
  it('a Deployment that becomes Ready downstream shows the downstream status verbatim upstream', async () => {
    upstream = await startUpstream();
    const east = await startAgent(upstream, 'east');
    agents.push(east);
    await upstream.client.create(DEPLOYMENTS, deployment('web', 2, [east.ref]), scope);
    await east.engine.start();

    const synced = await eventually('upstream readyReplicas 2', async () => {
      const object = await upstream?.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      return object !== undefined && statusOf(object).readyReplicas === 2 ? object : undefined;
    });
    const downstream = await eventually('the downstream status as written upstream', async () => {
      const copy = (await east.downstreamClient.list(DEPLOYMENTS)).items[0];
      return copy !== undefined && jsonEqual(copy.status, synced.status) ? copy : undefined;
    });
    expect(statusOf(downstream).availableReplicas).toBe(2);
    // No per-target annotation without advanced scheduling, and a /status write moves no generation.
    expect(synced.metadata.annotations?.[statusAnnotation(east.ref.key)]).toBeUndefined();
    expect(synced.metadata.generation).toBe(1);
    expect(downstream.metadata.generation).toBe(1);
  });

  // With featuregates.experimental.workload.kcp.io/advancedscheduling on the SyncTarget, kcp's syncer writes the
  // status JSON into experimental.status.workload.kcp.io/<key> with an update of the object, never .status.
  it('with advanced scheduling the status goes into the per-target annotation only', async () => {
    upstream = await startUpstream();
    const east = await startAgent(upstream, 'east', { advancedScheduling: true });
    agents.push(east);
    await upstream.client.create(DEPLOYMENTS, deployment('web', 2, [east.ref]), scope);
    await east.engine.start();

    const synced = await eventually('annotation with readyReplicas 2', async () => {
      const object = await upstream?.client.get(DEPLOYMENTS, { ...scope, name: 'web' });
      const recorded = JSON.parse(object?.metadata.annotations?.[statusAnnotation(east.ref.key)] ?? 'null');
      return recorded?.readyReplicas === 2 ? object : undefined;
    });
    expect(synced.status ?? {}).toEqual({});
  });
});
