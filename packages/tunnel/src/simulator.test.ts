import {
  DOWNSTREAM_CLUSTER_LABEL,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTunnel, connectedTunnel } from '../test/support/connected-tunnel.js';
import {
  downstreamNamespaceFor,
  OTHER_TARGET,
  readText,
  TARGET,
  WORKSPACE,
} from '../test/support/harness.js';
import { HttpKubeClient } from '../test/support/http-kube-client.js';
import { waitFor } from '../test/support/wait.js';
import type { TunnelClient } from './agent/tunnel-client.js';
import type { TunnelServer } from './server/tunnel-server.js';

// The acceptance path against the Kubernetes API simulator from @kcp-tmc/testing as the downstream cluster:
// namespaces and pods are created over real HTTP with kcp's names, labels and locators; container log lines are
// appended to the simulator's log store, as its fake kubelet does.

const logPath = (namespace: string, pod: string, query = '') =>
  `/clusters/${WORKSPACE}/api/v1/namespaces/${namespace}/pods/${pod}/log${query}`;

async function createJson(client: HttpKubeClient, path: string, object: unknown): Promise<void> {
  const response = await client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(object),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

async function syncedNamespace(
  client: HttpKubeClient,
  target: SyncTargetRef,
  namespace: string,
): Promise<string> {
  const name = downstreamNamespaceFor(target, namespace);
  await createJson(client, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { [DOWNSTREAM_CLUSTER_LABEL]: target.key },
      annotations: {
        [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(
          namespaceLocator(WORKSPACE, target, namespace),
        ),
      },
    },
  });
  return name;
}

async function pod(client: HttpKubeClient, namespace: string, name: string): Promise<void> {
  await createJson(client, `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
  });
}

describe('tunnel against the Kubernetes API simulator', () => {
  let sim: KubeSimulator;
  let downstream: HttpKubeClient;
  let tunnel: ConnectedTunnel | undefined;
  let server: TunnelServer;
  let agent: TunnelClient;
  let ownNamespace: string;
  let foreignNamespace: string;
  let baseUrl: string;

  beforeAll(async () => {
    sim = await startKubeSimulator({ token: 'downstream-token' });
    downstream = new HttpKubeClient(sim.kubeconfig);
    ownNamespace = await syncedNamespace(downstream, TARGET, 'default');
    foreignNamespace = await syncedNamespace(downstream, OTHER_TARGET, 'other');
    await pod(downstream, ownNamespace, 'web-1');
    await pod(downstream, foreignNamespace, 'secret-pod');
    sim.logs.append('', ownNamespace, 'web-1', 'app', 'listening on :8080');
    sim.logs.append('', foreignNamespace, 'secret-pod', 'app', 'not for cluster-1');

    tunnel = await connectedTunnel(downstream);
    ({ server, agent, baseUrl } = tunnel);
  });

  afterAll(async () => {
    await tunnel?.close();
    await sim?.stop();
  });

  it('an upstream client reads the downstream pod log of an upstream pod', async () => {
    const response = await server.send(TARGET, { path: logPath('default', 'web-1') });
    expect(response.status).toBe(200);
    expect(await readText(response.body)).toBe('listening on :8080\n');
    expect(downstream.requested).toContain(`/api/v1/namespaces/${ownNamespace}/pods/web-1/log`);
  });

  it('a follow=true stream stays open and carries new lines until the caller leaves', async () => {
    const url = `${baseUrl}/syncers/${TARGET.cluster}/${TARGET.name}${logPath('default', 'web-1', '?follow=true')}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${needle}"`);
        text += Buffer.from(value).toString('utf8');
      }
    };
    await readUntil('listening on :8080\n');
    for (let i = 1; i <= 3; i++) {
      sim.logs.append('', ownNamespace, 'web-1', 'app', `GET /healthz ${i}`);
      await readUntil(`GET /healthz ${i}\n`);
    }
    expect(text).toBe('listening on :8080\nGET /healthz 1\nGET /healthz 2\nGET /healthz 3\n');
    expect(agent.stats().activeStreams).toBe(1);
    await reader.cancel();
    await waitFor(() => agent.stats().activeStreams === 0, 'the agent to end the downstream follow');
  });

  it('answers 403 for a namespace of another SyncTarget without asking the downstream for it', async () => {
    const response = await server.send(TARGET, { path: logPath('other', 'secret-pod') });
    expect(response.status).toBe(403);
    expect(JSON.parse(await readText(response.body))).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(
      downstream.requested.some((path) => path.includes(`${foreignNamespace}/pods/secret-pod/log`)),
    ).toBe(false);
  });

  it('passes the downstream API server errors through', async () => {
    // `default` in the workspace is ours, but this pod does not exist downstream.
    const response = await server.send(TARGET, { path: logPath('default', 'ghost') });
    expect(response.status).toBe(404);
    expect(JSON.parse(await readText(response.body))).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});

// The same path with the simulator's fake controllers: a Deployment rolls out downstream, the fake kubelet
// writes the container's log lines, and an upstream client reads and follows them through the tunnel.
describe('tunnel against the simulator with fake controllers', () => {
  let sim: KubeSimulator;
  let downstream: HttpKubeClient;
  let tunnel: ConnectedTunnel | undefined;
  let server: TunnelServer;
  let agent: TunnelClient;
  let ownNamespace: string;
  let podName: string;

  beforeAll(async () => {
    sim = await startKubeSimulator({
      token: 'downstream-token',
      controllers: { podReadyDelayMs: 20, logIntervalMs: 50 },
    });
    downstream = new HttpKubeClient(sim.kubeconfig);
    ownNamespace = await syncedNamespace(downstream, TARGET, 'default');
    await createJson(downstream, `/apis/apps/v1/namespaces/${ownNamespace}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ownNamespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'example/web:1' }] },
        },
      },
    });
    // The pod name is generated by the fake ReplicaSet controller: read it back once it runs.
    podName = await waitForRunningPod(downstream, ownNamespace);

    tunnel = await connectedTunnel(downstream);
    ({ server, agent } = tunnel);
  });

  afterAll(async () => {
    await tunnel?.close();
    await sim?.stop();
  });

  it('returns the lines the kubelet wrote, as the downstream serves them', async () => {
    const direct = await downstream.request(`/api/v1/namespaces/${ownNamespace}/pods/${podName}/log`);
    const expected = await direct.text();
    expect(expected).toContain('container app is ready');
    const response = await server.send(TARGET, { path: logPath('default', podName) });
    expect(response.status).toBe(200);
    const text = await readText(response.body);
    // The kubelet keeps appending heartbeat lines, so the tunnelled read starts with what the direct read saw.
    expect(text.startsWith(expected)).toBe(true);
  });

  it('follows the log: new kubelet heartbeat lines arrive while the stream stays open', async () => {
    const response = await server.send(TARGET, { path: logPath('default', podName, '?follow=true') });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const heartbeats = () => text.match(/^heartbeat \d+$/gm)?.length ?? 0;
    const seenAtStart = { value: -1 };
    while (seenAtStart.value < 0 || heartbeats() < seenAtStart.value + 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the follow stream ended while the pod runs');
      text += Buffer.from(value).toString('utf8');
      if (seenAtStart.value < 0 && text.includes('container app is ready')) seenAtStart.value = heartbeats();
    }
    expect(agent.stats().activeStreams).toBe(1);
    await reader.cancel();
    await waitFor(() => agent.stats().activeStreams === 0, 'the agent to end the downstream follow');
  });
});

async function waitForRunningPod(client: HttpKubeClient, namespace: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await client.request(`/api/v1/namespaces/${namespace}/pods`);
    const list = (await response.json()) as {
      items: Array<{ metadata: { name: string }; status?: { phase?: string } }>;
    };
    const running = list.items.find((p) => p.status?.phase === 'Running');
    if (running) return running.metadata.name;
    if (Date.now() > deadline) throw new Error(`no Running pod in ${namespace} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
