import { describe, expect, it } from 'vitest';
import { CLI_BUILT, call, ST_CLUSTER, ST_NAME, spawnAgent, started, startWorld, waitFor } from './support.js';

// The container args of the Deployment `kubectl kcp workload sync` generates (kcp v0.11:
// reference/real-kcp/ground-truth/syncer.yaml.redacted), with this world's kubeconfig, cluster and uid.
function generatedArgs(kubeconfig: string, uid: string): string[] {
  return [
    `--from-kubeconfig=${kubeconfig}`,
    `--sync-target-name=${ST_NAME}`,
    `--sync-target-uid=${uid}`,
    `--from-cluster=${ST_CLUSTER}`,
    '--api-import-poll-interval=1m0s',
    '--downstream-namespace-clean-delay=30s',
    '--resources=deployments.apps',
    '--resources=services',
    '--qps=20',
    '--burst=30',
    '--dns-image=ghcr.io/kcp-dev/kcp/syncer:v0.11.0',
  ];
}

// kcp's generated upstream ClusterRole for the SyncTarget (pkg/cliplugins/workload/plugin/sync.go).
const KCP_GENERATED_ROLE = {
  enforce: true,
  rules: [
    {
      verbs: ['get', 'list', 'watch'],
      groups: ['workload.kcp.io'],
      resources: ['synctargets'],
      names: [ST_NAME],
      allowed: true,
    },
    {
      verbs: ['update', 'patch'],
      groups: ['workload.kcp.io'],
      resources: ['synctargets/status'],
      names: [ST_NAME],
      allowed: true,
    },
    { groups: ['workload.kcp.io'], resources: ['synctargets', 'synctargets/status'], allowed: false },
  ],
};

describe.skipIf(!CLI_BUILT)("syncer-agent from kcp's generated Deployment (process)", () => {
  it('runs with exactly its args (no command), NAMESPACE and RBAC, plus -v, --qps=-1, JSON logs', async () => {
    const world = await startWorld();
    try {
      world.upstream.setAccessRules(KCP_GENERATED_ROLE);
      const st = await call(
        world.upstream.url,
        `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`,
      );
      const args = [
        ...generatedArgs(world.upstream.kubeconfigPath, st.json.metadata.uid as string),
        // In a pod the downstream is in-cluster and the listeners' ports are free; here they are not.
        `--to-kubeconfig=${world.downstream.kubeconfigPath}`,
        '--metrics-bind-address=127.0.0.1:0',
        '--health-probe-bind-address=127.0.0.1:0',
        '--heartbeat-period=1s',
        '--qps=-1',
        '-v=4',
        '--logging-format=json',
      ];
      const agent = spawnAgent(args, { NAMESPACE: 'kcp-syncer-edge-1a2b3c4d' });
      try {
        await started(agent);
        await waitFor(async () => {
          const { json } = await call(
            world.upstream.url,
            `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`,
          );
          return (
            (json.status as { lastSyncerHeartbeatTime?: string } | undefined)?.lastSyncerHeartbeatTime !==
            undefined
          );
        }, 'a heartbeat under the generated role');
        expect(agent.logs().filter((l) => String(l.msg).includes(' denies '))).toEqual([]);
        // -v=4: debug lines are written.
        expect(agent.logs().some((l) => l.level === 'debug')).toBe(true);
        agent.child.kill('SIGTERM');
        expect((await agent.exited).code).toBe(0);
      } finally {
        if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
      }
    } finally {
      await world.stop();
    }
  }, 60_000);
});
