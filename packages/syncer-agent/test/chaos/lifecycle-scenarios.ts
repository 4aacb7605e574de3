import { acceptResources } from '@kcp-tmc/testing';
import { call, ST_CLUSTER, ST_NAME } from '../e2e/support.js';
import { type Front, type RecordedWrite, startFront } from './front.js';
import {
  type AgentOptions,
  type ChaosContext,
  LEADER_ELECTION_FLAGS,
  LEASE_DURATION_MS,
  type Scenario,
  until,
} from './harness.js';
import { churn, FAULT_MS } from './load.js';
import { supervise } from './supervisor.js';

const SYNC_TARGET = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets`;

const WAIT_LOG = 'SyncTarget deleted: every writer stopped, waiting for a SyncTarget of that name';

/**
 * The SyncTarget goes away under a running agent, while the workload changes; then it comes back (a new uid).
 * `wait`: the agent (--on-sync-target-deleted=wait) stops every writer and starts again in-process once a
 * SyncTarget of that name reappears. `exit`: it exits 1 (the default contract) and the harness restarts it as
 * a Deployment's kubelet would, with backoff. Either way the agent syncs the new incarnation; the old one's
 * namespaces stay, as kcp's syncer leaves them (reported as a note, not as stray).
 */
export function syncTargetRecreated(mode: 'wait' | 'exit'): Scenario {
  return {
    name:
      mode === 'wait'
        ? 'SyncTarget deleted and recreated (--on-sync-target-deleted=wait)'
        : 'SyncTarget deleted and recreated (exit 1, restarted)',
    heartbeatPauses: true,
    ...(mode === 'wait' ? { agentFlags: ['--on-sync-target-deleted=wait'] } : {}),
    async run(context) {
      const [agent] = context.agents;
      if (agent === undefined) throw new Error('no agent');
      const supervisor = supervise(context, agent);
      context.defer(() => supervisor.stop());
      context.fault.start = Date.now();
      const deleted = await call(context.world.upstream.url, `${SYNC_TARGET}/${ST_NAME}`, 'DELETE');
      if (deleted.status !== 200) throw new Error(`SyncTarget delete: ${deleted.status}`);
      if (mode === 'wait') {
        await until(() => agent.logs().some((l) => l.msg === WAIT_LOG), 'the agent to wait', 10_000);
      } else {
        await until(() => supervisor.exitCodes.length > 0, 'the agent to exit on the deletion', 10_000);
        context.note('first exit code', supervisor.exitCodes[0] ?? -1);
      }
      // Upstream changes while there is no SyncTarget: they must reach the new incarnation.
      await Promise.all([churn(context), new Promise((resolve) => setTimeout(resolve, FAULT_MS))]);
      const created = await call(context.world.upstream.url, SYNC_TARGET, 'POST', {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        metadata: { name: ST_NAME },
      });
      if (created.status !== 201) throw new Error(`SyncTarget create: ${created.status}`);
      await acceptResources(context.world.upstream, ST_CLUSTER, ST_NAME, [
        'apps/v1/deployments',
        'v1/services',
      ]);
      context.fault.end = Date.now();
      context.note('restarts', supervisor.restarts);
    },
    async afterConverged(context) {
      context.note('objects left by the old incarnation', await context.workload.earlierIncarnations());
    },
  };
}

/**
 * Two replicas with --leader-elect, each writing downstream through its own recording front (its identity);
 * the leader is killed while the workload changes. No write of the standby may come before it holds the lease,
 * none of the old leader once the standby holds it; the standby takes over within the lease duration + 2 s.
 */
export function leaderFailover(): Scenario {
  const fronts: Front[] = [];
  let taken: { acquiredAt: number; leaderFront: Front; standbyFront: Front } | undefined;
  const frontFor = async (context: ChaosContext): Promise<AgentOptions> => {
    const front = await startFront(context.world.downstream.url);
    fronts.push(front);
    context.defer(() => front.stop());
    return { downstreamKubeconfig: front.kubeconfigPath };
  };
  return {
    name: 'leader failover under load (lease 4 s)',
    agentFlags: LEADER_ELECTION_FLAGS,
    heartbeatPauses: true,
    bar: { 'failover ms': LEASE_DURATION_MS + 2_000, 'double writes': 0 },
    async firstAgent(context) {
      fronts.length = 0;
      taken = undefined;
      return frontFor(context);
    },
    async run(context) {
      const [leader] = context.agents;
      const [leaderFront] = fronts;
      if (leader === undefined || leaderFront === undefined) throw new Error('no leader');
      const standby = await context.startAgent({ ...(await frontFor(context)), standby: true });
      const standbyFront = fronts[1] as Front;
      await until(
        () => standby.logs().some((l) => l.msg === 'caches synced, waiting for leadership'),
        'a warm standby',
      );
      let killedAt = 0;
      const kill = async () => {
        // Mid-sync: once the leader has written some of the churn.
        const before = syncWrites(leaderFront.writes).length;
        await until(() => syncWrites(leaderFront.writes).length > before + 10, 'the leader to sync', 10_000);
        killedAt = Date.now();
        await context.kill(leader);
      };
      await Promise.all([churn(context), kill()]);
      // The workload keeps changing while the standby waits out the lease: the new leader has work to take over.
      const acquired = () => standby.logs().find((l) => l.msg === 'acquired the lease');
      await Promise.all([
        churn(context),
        until(() => acquired() !== undefined, 'the standby to lead', 10_000),
      ]);
      // The agent's own clock: the same machine's.
      const acquiredAt = Date.parse(acquired()?.ts as string);
      context.fault.start = killedAt;
      context.fault.end = acquiredAt;
      context.note('failover ms', acquiredAt - killedAt);
      await until(
        () => standby.logs().some((l) => l.msg === 'agent started'),
        'the new leader to start',
        10_000,
      );
      taken = { acquiredAt, leaderFront, standbyFront };
    },
    async afterConverged(context) {
      if (taken === undefined) throw new Error('no failover');
      const { acquiredAt, leaderFront, standbyFront } = taken;
      // A double write: the standby's before it held the lease, or the old leader's once the new one did (a
      // write the leader sent before it died may reach the server a little after: that one is no double).
      const early = syncWrites(standbyFront.writes).filter((w) => w.at < acquiredAt);
      const late = syncWrites(leaderFront.writes).filter((w) => w.at >= acquiredAt);
      context.note('double writes', early.length + late.length);
      if (early.length + late.length > 0)
        console.log('double writes', JSON.stringify({ acquiredAt, early, late }));
      context.note('writes of the first leader', syncWrites(leaderFront.writes).length);
      context.note('writes of the new leader', syncWrites(standbyFront.writes).length);
    },
  };
}

/** Writes of the sync itself: not the Lease, not access reviews (POSTs that change nothing). */
function syncWrites(writes: readonly RecordedWrite[]): RecordedWrite[] {
  return writes.filter(
    (w) => !w.path.includes('/leases') && !w.path.includes('accessreviews') && w.method !== 'GET',
  );
}
