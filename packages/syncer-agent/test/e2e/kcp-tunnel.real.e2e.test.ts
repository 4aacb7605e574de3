// Issue 14's tunnel acceptance on real kcp v0.11 with its KCPSyncerTunnel gate: `kubectl logs` against the
// workspace streams a downstream pod's log through kcp's syncer tunnel to the agent, and is refused for a pod in
// a namespace the agent does not own. kcp finds the pod upstream (upsynced by the agent from downstream, which
// needs the Pod schema of kcp-pods-support.ts) and computes its downstream namespace; the downstream
// kube-apiserver reads the log from a fake kubelet on loopback.
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { namespaceLocator, physicalClusterNamespaceName } from '@kcp-tmc/interfaces';
import { downstreamNamespace, type KcpWorld, resolveKubectl, startKcpWorld } from '@kcp-tmc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_API_IMPORT, syncPodsOnRealKcp } from './kcp-pods-support.js';
import { realKcpRuns } from './kcp-real-support.js';
import { FakeKubelet, pod, registerNode } from './kcp-tunnel-support.js';
import { waitFor } from './support.js';

const canRun = await realKcpRuns('the real-kcp tunnel suite');

const GATE = '--feature-gates=KCPSyncerTunnel=true';
const NODE = 'node-1';
const BIG_LOG_BYTES = 32 * 1024 * 1024;

function kubectl(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe.runIf(canRun)("kcp's syncer tunnel on real kcp", () => {
  let world: KcpWorld;
  let kubectlPath: string;
  const kubelet = new FakeKubelet();
  let owned = '';
  let unowned = '';
  let agentMibPerSecond = 0;

  const upsynced = (name: string, namespace: string) =>
    pod(name, namespace, { labels: { [`state.workload.kcp.io/${world.syncTargetKey}`]: 'Upsync' } });
  const logs = (name: string, namespace: string) =>
    kubectl(kubectlPath, [`--kubeconfig=${world.workspace.kubeconfigPath}`, 'logs', '-n', namespace, name]);

  /** GETs big-1's log through kcp as its admin: bytes read and MiB/s. */
  const readBigLog = async () => {
    const started = performance.now();
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${world.kcp.url}/clusters/${world.workspace.path}/api/v1/namespaces/default/pods/big-1/log`,
        { ca: world.kcp.caCertPem, headers: { authorization: `Bearer ${world.kcp.token}` } },
        (res) => {
          let total = 0;
          res.on('data', (chunk: Buffer) => {
            total += chunk.length;
          });
          res.once('end', () =>
            res.statusCode === 200 ? resolve(total) : reject(new Error(`${res.statusCode}`)),
          );
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end();
    });
    const seconds = (performance.now() - started) / 1000;
    return { bytes, mibPerSecond: bytes / 1024 / 1024 / seconds };
  };

  beforeAll(async () => {
    kubectlPath = (await resolveKubectl()).kubectl;
    world = await startKcpWorld('agent', { kcpArgs: [GATE], workloadSyncArgs: [GATE, FAST_API_IMPORT] });
    await kubelet.start();
    await registerNode(world, NODE, kubelet);
    await syncPodsOnRealKcp(world);
    // A Service makes the agent create the downstream namespace of `default`.
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    };
    expect((await world.up('POST', '/api/v1/namespaces/default/services', service)).status).toBe(201);
    await waitFor(
      async () => {
        owned = (await downstreamNamespace(world, 'default')) ?? '';
        return owned !== '';
      },
      'default synced down',
      120_000,
    );
    const st = await world.up(
      'GET',
      `/apis/workload.kcp.io/v1alpha1/synctargets/${world.generated.syncTargetName}`,
    );
    const uid = (st.body as { metadata: { uid: string } }).metadata.uid;
    const target = { cluster: world.workspace.cluster, name: world.generated.syncTargetName, uid };
    // kcp computes the downstream namespace from the SyncTarget and the pod's workspace and namespace.
    expect(physicalClusterNamespaceName(namespaceLocator(world.workspace.cluster, target, 'default'))).toBe(
      owned,
    );
    unowned = physicalClusterNamespaceName(namespaceLocator(world.workspace.cluster, target, 'other'));

    for (const [namespace, upstreamNamespace, name, log] of [
      [owned, 'default', 'web-1', 'hello from downstream\n'],
      [unowned, 'other', 'db-1', 'a secret the agent must not hand out\n'],
      [owned, 'default', 'big-1', Buffer.alloc(BIG_LOG_BYTES, 'x\n')],
    ] as const) {
      kubelet.logs.set(`${namespace}/${name}`, log);
      if (namespace === unowned) {
        // Exists downstream, but not made by the agent: no SyncTarget label, no locator.
        await world.down('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: namespace },
        });
        await world.up('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: upstreamNamespace },
        });
      }
      // In an owned namespace the pod carries what kcp's upsyncer keys on (pkg/syncer/upsync): the SyncTarget's
      // Upsync state label and the syncer's ownership label, so the agent upsyncs it into the workspace.
      const labels = {
        [`state.workload.kcp.io/${world.syncTargetKey}`]: 'Upsync',
        'internal.workload.kcp.io/cluster': world.syncTargetKey,
      };
      const downPod = pod(name, namespace, namespace === owned ? { labels } : {});
      const down = { ...downPod, spec: { ...downPod.spec, nodeName: NODE } };
      expect((await world.down('POST', `/api/v1/namespaces/${namespace}/pods`, down)).status).toBe(201);
      if (namespace === owned) continue;
      // Nothing upsyncs from a namespace the agent does not own: a user's pod upstream that kcp maps to it.
      const up = await world.up(
        'POST',
        `/api/v1/namespaces/${upstreamNamespace}/pods`,
        upsynced(name, upstreamNamespace),
      );
      expect(up.status, JSON.stringify(up.body)).toBe(201);
    }
    await waitFor(
      async () =>
        (await world.up('GET', '/api/v1/namespaces/default/pods/web-1')).status === 200 &&
        (await world.up('GET', '/api/v1/namespaces/default/pods/big-1')).status === 200,
      'web-1 and big-1 upsynced',
      60_000,
    );
  }, 900_000);

  afterAll(async () => {
    await world?.stop();
    await kubelet.stop();
  }, 60_000);

  it('streams the log of a pod in a namespace the agent syncs', async () => {
    let answer = { code: -1, stdout: '', stderr: '' };
    // The agent dials the tunnel once it runs; kcp answers "tunnel closed" until then.
    await waitFor(
      async () => {
        answer = await logs('web-1', 'default');
        return answer.code === 0;
      },
      'kubectl logs through kcp',
      60_000,
    );
    expect(answer.stdout).toBe('hello from downstream\n');
  }, 90_000);

  it('refuses a pod in a namespace the agent does not own, without asking the kubelet', async () => {
    const answer = await logs('db-1', 'other');
    expect(answer.code).not.toBe(0);
    expect(answer.stderr).toContain(`namespace "${unowned}" is not synced by SyncTarget`);
    expect(answer.stdout).not.toContain('secret');
    expect(kubelet.requested.some((path) => path.includes('db-1'))).toBe(false);
  }, 60_000);

  it('carries a large log whole (figure: MiB/s through kcp)', async () => {
    const { bytes, mibPerSecond } = await readBigLog();
    expect(bytes).toBe(BIG_LOG_BYTES);
    agentMibPerSecond = mibPerSecond;
  }, 120_000);

  // Differential: kcp's Go syncer on the same world. Run last: it replaces the agent.
  it("kcp's Go syncer streams the same log; unlike the agent it also hands out the unowned namespace's (intended)", async () => {
    await world.startSyncer('go');
    let answer = { code: -1, stdout: '', stderr: '' };
    await waitFor(
      async () => {
        answer = await logs('web-1', 'default');
        return answer.code === 0;
      },
      "kubectl logs through kcp's Go syncer",
      60_000,
    );
    expect(answer.stdout).toBe('hello from downstream\n');
    // kcp v0.11's syncer reverse-proxies whatever kcp sends to the downstream API server with its own
    // credentials (pkg/syncer/tunneler.go); the agent answers only pods of namespaces it owns (issue 18's rule).
    const other = await logs('db-1', 'other');
    expect(other.stdout).toBe('a secret the agent must not hand out\n');
    const go = await readBigLog();
    expect(go.bytes).toBe(BIG_LOG_BYTES);
    console.log(
      `kcp tunnel log throughput (${BIG_LOG_BYTES} bytes): agent ${agentMibPerSecond.toFixed(1)} MiB/s, ` +
        `kcp's Go syncer ${go.mibPerSecond.toFixed(1)} MiB/s, ratio ${(agentMibPerSecond / go.mibPerSecond).toFixed(2)}`,
    );
  }, 120_000);
});
