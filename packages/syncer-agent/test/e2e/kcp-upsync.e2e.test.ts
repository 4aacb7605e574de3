// Upsync against the simulator's kcp mode, which serves kcp's upsyncer virtual workspace: the pod variant of
// kcp-upsync.real.e2e.test.ts (real kcp v0.11 cannot accept pods from a kube 1.35 downstream, see that file). A
// pod created downstream with kcp's upsync labels appears in its workspace with its status, follows it, goes away
// when deleted downstream, also while the agent was down.
import { type SyncTarget, upsyncerVirtualWorkspaceUrl } from '@kcp-tmc/interfaces';
import { acceptResources, type KubeSimulator, placedNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentArgs,
  CLI_BUILT,
  call,
  KEY,
  ST_CLUSTER,
  ST_NAME,
  spawnAgent,
  started,
  WORKSPACES,
  waitFor,
} from './support.js';

const WS = WORKSPACES[0] as string;

interface Pod {
  metadata: {
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  status?: { phase?: string; podIP?: string };
}

describe.skipIf(!CLI_BUILT)('upsync through the simulator’s upsyncer virtual workspace', () => {
  let upstream: KubeSimulator;
  let downstream: KubeSimulator;
  let agent: AgentProcess | undefined;
  let physical = '';

  const ws = () => `${upstream.url}/clusters/${WS}`;
  const upPod = async (name: string): Promise<Pod | undefined> => {
    const answer = await call(ws(), `/api/v1/namespaces/apps/pods/${name}`);
    return answer.status === 200 ? (answer.json as unknown as Pod) : undefined;
  };
  const startAgent = async () => {
    agent = spawnAgent(agentArgs({ upstream, downstream, stop: async () => {} }));
    await started(agent);
  };
  const stopAgent = async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
  };
  const createPod = async (name: string): Promise<Pod> => {
    const answer = await call(downstream.url, `/api/v1/namespaces/${physical}/pods`, 'POST', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: {
          app: 'web',
          'internal.workload.kcp.io/cluster': KEY,
          [`state.workload.kcp.io/${KEY}`]: 'Upsync',
        },
      },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    });
    expect(answer.status).toBe(201);
    return answer.json as unknown as Pod;
  };
  const setPhase = async (name: string, phase: string): Promise<Pod> => {
    const path = `/api/v1/namespaces/${physical}/pods/${name}`;
    const current = (await call(downstream.url, path)).json;
    const answer = await call(downstream.url, `${path}/status`, 'PUT', {
      ...current,
      status: { phase, podIP: '10.1.2.3' },
    });
    expect(answer.status).toBe(200);
    return answer.json as unknown as Pod;
  };

  beforeAll(async () => {
    upstream = await startKubeSimulator({ kcp: { clusters: [ST_CLUSTER, WS] } });
    downstream = await startKubeSimulator();
    const st = await call(
      upstream.url,
      `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`,
      'POST',
      {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: ST_NAME },
      },
    );
    expect(st.status).toBe(201);
    await acceptResources(upstream, ST_CLUSTER, ST_NAME, ['v1/services', 'v1/pods', 'v1/persistentvolumes']);
    expect((await call(ws(), '/api/v1/namespaces', 'POST', placedNamespace('apps', KEY))).status).toBe(201);
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    };
    expect((await call(ws(), '/api/v1/namespaces/apps/services', 'POST', service)).status).toBe(201);
    await startAgent();
    await waitFor(async () => {
      const namespaces = (await call(downstream.url, '/api/v1/namespaces')).json.items ?? [];
      physical =
        namespaces.find((n) =>
          n.metadata.annotations?.['kcp.io/namespace-locator']?.includes('"namespace":"apps"'),
        )?.metadata.name ?? '';
      return physical !== '';
    }, 'the apps namespace synced down');
  });

  afterAll(async () => {
    await stopAgent();
    await Promise.all([upstream?.stop(), downstream?.stop()]);
  });

  it('upsyncs a labelled pod with its status, follows status changes, and deletes it upstream', async () => {
    await createPod('up-1');
    const running = await setPhase('up-1', 'Running');
    await waitFor(
      async () =>
        (await upPod('up-1'))?.metadata.annotations?.['workload.kcp.io/rv'] ===
        running.metadata.resourceVersion,
      'up-1 upstream with its status',
    );
    const pod = (await upPod('up-1')) as Pod;
    expect(pod.metadata.labels).toEqual({ app: 'web', [`state.workload.kcp.io/${KEY}`]: 'Upsync' });
    expect(pod.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${KEY}`]);
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '10.1.2.3' });

    await setPhase('up-1', 'Succeeded');
    await waitFor(
      async () => (await upPod('up-1'))?.status?.phase === 'Succeeded',
      'up-1 Succeeded upstream',
    );

    expect((await call(downstream.url, `/api/v1/namespaces/${physical}/pods/up-1`, 'DELETE')).status).toBe(
      200,
    );
    await waitFor(async () => (await upPod('up-1')) === undefined, 'up-1 gone upstream');
  });

  it('serves only Upsync-labelled objects through the upsyncer virtual workspace, as kcp does', async () => {
    // A pod of the workspace that is not upsynced is invisible there (builder/template.go's label selector).
    const plain = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    expect((await call(ws(), '/api/v1/namespaces/apps/pods', 'POST', plain)).status).toBe(201);
    const st = (
      await call(upstream.url, `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`)
    ).json;
    const url = upsyncerVirtualWorkspaceUrl(st as unknown as SyncTarget);
    const answer = await call(`${url}/clusters/${WS}`, '/api/v1/namespaces/apps/pods/plain');
    expect(answer.status).toBe(404);
    // Services are synced, never upsynced: the upsyncer VW serves pods and persistent volumes only.
    const discovery = await call(`${url}/clusters/*`, '/api/v1');
    const served = (discovery.json as unknown as { resources: Array<{ name: string }> }).resources.map(
      (r) => r.name,
    );
    expect(served.filter((n) => !n.includes('/')).sort()).toEqual(['persistentvolumes', 'pods']);
  });

  it('holds a pod deleted upstream by its finalizer until it goes downstream', async () => {
    await createPod('held');
    await waitFor(async () => (await upPod('held')) !== undefined, 'held upstream');
    expect((await call(ws(), '/api/v1/namespaces/apps/pods/held', 'DELETE')).status).toBe(200);
    expect((await upPod('held'))?.metadata.finalizers).toEqual([`workload.kcp.io/syncer-${KEY}`]);
    expect((await call(downstream.url, `/api/v1/namespaces/${physical}/pods/held`)).status).toBe(200);
    expect((await call(downstream.url, `/api/v1/namespaces/${physical}/pods/held`, 'DELETE')).status).toBe(
      200,
    );
    await waitFor(async () => (await upPod('held')) === undefined, 'held gone upstream');
  });

  it('after a restart, deletes upstream a pod deleted downstream while the agent was down', async () => {
    await createPod('doomed');
    await waitFor(async () => (await upPod('doomed')) !== undefined, 'doomed upstream');
    await stopAgent();
    expect((await call(downstream.url, `/api/v1/namespaces/${physical}/pods/doomed`, 'DELETE')).status).toBe(
      200,
    );
    await startAgent();
    await waitFor(
      async () => (await upPod('doomed')) === undefined,
      'doomed gone upstream after the restart',
    );
  });
});
