import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SyncTarget, toSyncTargetKey } from '@kcp-tmc/interfaces';
import { type KubeSimulator, placeNamespace, startKubeSimulator } from '@kcp-tmc/testing';
import { container } from 'tsyringe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  SYNC_TARGET_CLUSTER as CLUSTER,
  IMPORT_CONFIGMAPS,
  postSyncTarget,
  simulatorAgentOptions,
} from '../test/support/agent-options.js';
import { RecordingDownstreamSyncer, recordingModule } from '../test/support/recording-syncer.js';
import { waitFor } from '../test/support/wait.js';
import { AgentStartError } from './agent/upstream-access.js';
import { type Agent, createAgent } from './compose.js';
import type { AgentOptions } from './config/options.js';

const WORKSPACE = 'root:org:ws';

async function kcpPair() {
  const upstream = await startKubeSimulator({ kcp: { clusters: [CLUSTER, WORKSPACE] } });
  const downstream = await startKubeSimulator();
  return { upstream, downstream };
}

function optionsFor(
  upstream: KubeSimulator,
  downstream: KubeSimulator,
  extra: Partial<AgentOptions> = {},
): AgentOptions {
  return simulatorAgentOptions(upstream, downstream, {
    ...IMPORT_CONFIGMAPS,
    metricsBindAddress: { host: '127.0.0.1', port: 0 },
    healthProbeBindAddress: { host: '127.0.0.1', port: 0 },
    ...extra,
  });
}

describe('createAgent', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('composes every package, syncs through the virtual workspace, heartbeats, serves probes and metrics', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    const target = await postSyncTarget(upstream, 'east');
    const key = toSyncTargetKey(CLUSTER, 'east');
    // kcp's Placement scheduling labels the namespace; kcp's resource controller copies the label onto the
    // ConfigMap (and removes a state label its namespace lacks: pkg/reconciler/workload/resource).
    await placeNamespace(upstream, WORKSPACE, 'app', key);
    const cm = await fetch(`${upstream.url}/clusters/${WORKSPACE}/api/v1/namespaces/app/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'app' },
        data: { color: 'blue' },
      }),
    });
    expect(cm.status).toBe(201);

    const syncer = new RecordingDownstreamSyncer();
    const agent: Agent = await createAgent(optionsFor(upstream, downstream), {
      extraModules: [recordingModule(syncer)],
    });
    cleanup.push(() => agent.stop());
    expect(agent.syncTarget).toEqual({ cluster: CLUSTER, name: 'east', uid: target.metadata.uid, key });
    await agent.start();

    await waitFor(() => syncer.applied.has('app/settings'), 'the ConfigMap to reach the downstream syncer');
    const desired = syncer.applied.get('app/settings');
    expect(desired?.metadata.namespace).toMatch(/^kcp-[0-9a-z]{12}$/);

    await waitFor(async () => {
      const st = (await (
        await fetch(`${upstream.url}/clusters/${CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/east`)
      ).json()) as SyncTarget;
      return st.status?.lastSyncerHeartbeatTime !== undefined;
    }, 'a heartbeat on the SyncTarget');

    const probes = agent.endpoints.probes as string;
    const metrics = agent.endpoints.metrics as string;
    await waitFor(async () => (await fetch(`${probes}/readyz`)).status === 200, 'readyz to pass');
    expect((await fetch(`${probes}/livez`)).status).toBe(200);
    const text = await (await fetch(`${metrics}/metrics`)).text();
    expect(text).toContain('# TYPE');
    expect(text).toMatch(
      /^syncer_build_info\{version="\d+\.\d+\.\d+[^"]*",node_version="v[\d.]+",platform="[^"]+"\} 1$/m,
    );
    // The resource in kubectl's resource.version.group spelling, the cluster the upstream object's.
    expect(text).toMatch(
      /^syncer_resources_synced_total\{cluster="[a-z0-9:]+",resource="configmaps\.v1",direction="down"\} \d+$/m,
    );
    expect(agent.status().connected).toBe(true);

    await Promise.all([agent.stop(), agent.stop()]);
    await expect(fetch(`${probes}/livez`)).rejects.toThrow();
  });

  it('fails with a clear message when the SyncTarget does not exist', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await expect(createAgent(optionsFor(upstream, downstream, { syncTargetName: 'west' }))).rejects.toThrow(
      new AgentStartError('SyncTarget "west" not found in logical cluster "root:org"'),
    );
  });

  it('fails when --sync-target-uid does not match', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await postSyncTarget(upstream, 'east');
    // kcp's syncer refuses with these words (kcp v0.11: pkg/syncer/syncer.go).
    await expect(createAgent(optionsFor(upstream, downstream, { syncTargetUid: 'other' }))).rejects.toThrow(
      /^unexpected SyncTarget UID [0-9a-f-]+, expected other, refusing to sync$/,
    );
  });

  it('fails with the address when the upstream is unreachable', async () => {
    const { upstream, downstream } = await kcpPair();
    const dir = await mkdtemp(join(tmpdir(), 'agent-test-'));
    const kubeconfig = join(dir, 'upstream.yaml');
    await copyFile(upstream.kubeconfigPath, kubeconfig);
    await upstream.stop();
    cleanup.push(
      () => downstream.stop(),
      () => rm(dir, { recursive: true }),
    );
    const options = optionsFor(upstream, downstream, { fromKubeconfig: kubeconfig });
    await expect(createAgent(options)).rejects.toThrow(
      /^cannot read SyncTarget "east" in logical cluster "root:org" from the upstream: /,
    );
  });

  it('names the flag of a kubeconfig that cannot be loaded', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await expect(
      createAgent(optionsFor(upstream, downstream, { toKubeconfig: '/nonexistent/kc' })),
    ).rejects.toThrow(/^cannot load --to-kubeconfig \/nonexistent\/kc: ENOENT/);
    await expect(createAgent(optionsFor(upstream, downstream, { fromContext: 'nope' }))).rejects.toThrow(
      /^cannot load --from-kubeconfig .*: kubeconfig has no context "nope"/,
    );
  });

  it('refuses to start the engine without a DownstreamSyncer', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await postSyncTarget(upstream, 'east');
    const agent = await createAgent(optionsFor(upstream, downstream), { modules: [] });
    cleanup.push(() => agent.stop());
    await expect(agent.start()).rejects.toThrow(/no DownstreamSyncer is registered/);
  });

  it('makes its containers, also the SyncTarget client one, from the given parent', async () => {
    const { upstream, downstream } = await kcpPair();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await postSyncTarget(upstream, 'east');
    const parent = container.createChildContainer();
    const children = vi.spyOn(parent, 'createChildContainer');
    const agent = await createAgent(optionsFor(upstream, downstream), { parent, modules: [] });
    cleanup.push(() => agent.stop());
    // The agent's own and the one its SyncTarget client lives in: none from tsyringe's global root.
    expect(children).toHaveBeenCalledTimes(2);
    expect(children.mock.results.map((r) => r.value)).toContain(agent.container);
  });
});
