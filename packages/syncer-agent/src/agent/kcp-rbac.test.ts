import { type SyncTarget } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SYNC_TARGET_CLUSTER as CLUSTER,
  postSyncTarget,
  simulatorAgentOptions,
} from '../../test/support/agent-options.js';
import { RecordingDownstreamSyncer, recordingModule } from '../../test/support/recording-syncer.js';
import { waitFor } from '../../test/support/wait.js';
import { type Agent, createAgent } from '../compose.js';
import { StreamLogger } from '../logging/logger.js';

const ST_PATH = `/clusters/${CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;
const USER = 'system:serviceaccount:default:kcp-syncer-east-1a2b3c4d';

// The upstream rules of the ClusterRole `kubectl kcp workload sync east` generates (kcp v0.11:
// pkg/cliplugins/workload/plugin/sync.go); everything else about SyncTargets is denied.
const KCP_GENERATED_ROLE = {
  enforce: true,
  user: USER,
  rules: [
    {
      verbs: ['get', 'list', 'watch'],
      groups: ['workload.kcp.io'],
      resources: ['synctargets'],
      names: ['east'],
      allowed: true,
    },
    {
      verbs: ['update', 'patch'],
      groups: ['workload.kcp.io'],
      resources: ['synctargets/status'],
      names: ['east'],
      allowed: true,
    },
    { groups: ['workload.kcp.io'], resources: ['synctargets', 'synctargets/status'], allowed: false },
  ],
};
const NOTHING_ON_SYNCTARGETS = {
  enforce: true,
  user: USER,
  rules: [{ groups: ['workload.kcp.io'], resources: ['synctargets', 'synctargets/status'], allowed: false }],
};

function memoryLogger() {
  const lines: string[] = [];
  const logger = new StreamLogger({
    stream: { write: (chunk: string) => lines.push(chunk) },
    format: 'json',
  });
  const entries = () => lines.map((l) => JSON.parse(l) as { level: string; msg: string; reason?: string });
  return { logger, entries };
}

const optionsFor = (upstream: KubeSimulator, downstream: KubeSimulator) =>
  simulatorAgentOptions(upstream, downstream);

describe("the agent under kcp's generated RBAC", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function world() {
    const upstream = await startKubeSimulator({ kcp: { clusters: [CLUSTER] } });
    const downstream = await startKubeSimulator();
    cleanup.push(
      () => upstream.stop(),
      () => downstream.stop(),
    );
    await postSyncTarget(upstream);
    return { upstream, downstream };
  }

  it('starts, reads its SyncTarget by name and field selector only, and heartbeats', async () => {
    const { upstream, downstream } = await world();
    upstream.setAccessRules(KCP_GENERATED_ROLE);
    const { logger, entries } = memoryLogger();
    const syncer = new RecordingDownstreamSyncer();
    const agent: Agent = await createAgent(optionsFor(upstream, downstream), {
      logger,
      extraModules: [recordingModule(syncer)],
    });
    cleanup.push(() => agent.stop());
    await agent.start();
    await waitFor(async () => {
      const st = (await (await fetch(`${upstream.url}${ST_PATH}/east`)).json()) as SyncTarget;
      return st.status?.lastSyncerHeartbeatTime !== undefined;
    }, 'a heartbeat on the SyncTarget');
    await waitFor(() => agent.status().connected, 'the engine to connect (SyncTarget informer synced)');
    expect(entries().filter((e) => e.msg.includes(' denies '))).toEqual([]);

    // Steady state: the role loses its status rule; the heartbeat's patch is denied and logged once.
    upstream.setAccessRules({
      ...KCP_GENERATED_ROLE,
      rules: KCP_GENERATED_ROLE.rules.filter(
        (r) => !r.resources.includes('synctargets/status') || r.allowed === false,
      ),
    });
    const denials = () => entries().filter((e) => e.msg.startsWith('upstream denies patch'));
    await waitFor(() => denials().length > 0, 'the denied heartbeat to be logged');
    const patches = () => upstream.stats().byVerb.patch ?? 0;
    const before = patches();
    await waitFor(() => patches() >= before + 2, 'more heartbeats to be denied');
    expect(denials()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: `upstream denies patch synctargets.workload.kcp.io/status "east" in cluster ${CLUSTER} (HTTP 403): grant update/patch on synctargets/status "east" (kcp's generated ClusterRole has it)`,
      }),
    ]);
  });

  it('logs a denied SyncTarget read once with what to grant, waits, and starts once granted', async () => {
    const { upstream, downstream } = await world();
    upstream.setAccessRules(NOTHING_ON_SYNCTARGETS);
    const { logger, entries } = memoryLogger();
    const starting = createAgent(optionsFor(upstream, downstream), { logger });
    const denials = () => entries().filter((e) => e.msg.startsWith('upstream denies'));
    await waitFor(() => denials().length > 0, 'the denied get to be logged');
    // Retries keep being denied; the denial is logged once.
    const before = upstream.stats().total;
    await waitFor(() => upstream.stats().total > before + 1, 'another attempt');
    expect(denials()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: `upstream denies get synctargets.workload.kcp.io "east" in cluster ${CLUSTER} (HTTP 403): grant get/list/watch on synctargets.workload.kcp.io "east" (kcp's generated ClusterRole has it)`,
        reason: `synctargets.workload.kcp.io "east" is forbidden: User "${USER}" cannot get resource "synctargets" in API group "workload.kcp.io" at the cluster scope`,
      }),
    ]);
    expect(entries().some((e) => e.msg.startsWith('waiting for access to SyncTarget "east"'))).toBe(true);

    upstream.setAccessRules(KCP_GENERATED_ROLE);
    const agent = await starting;
    cleanup.push(() => agent.stop());
    expect(agent.syncTarget.cluster).toBe(CLUSTER);
  });
});
