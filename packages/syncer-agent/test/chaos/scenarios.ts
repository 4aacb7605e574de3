import type { FaultRule } from '@kcp-tmc/testing';
import { call, WORKSPACES } from '../e2e/support.js';
import { type ChaosContext, during, FULL, LEADER_ELECTION_FLAGS, type Scenario, until } from './harness.js';

// Short in CI; the figures (30 s outage, 2,000 objects) with KCP_TMC_CHAOS=full.
const FAULT_MS = FULL ? 30_000 : 4_000;
const CHANGES = FULL ? 500 : 60;

/** Creates, updates and deletes objects while a fault lasts: the work the fault must not lose. */
async function churn(context: ChaosContext): Promise<void> {
  await context.workload.create(CHANGES);
  await context.workload.update(CHANGES / 2);
  await context.workload.delete(CHANGES / 4);
}

function errorStorm(side: 'downstream' | 'upstream', rule: FaultRule, name: string): Scenario {
  return {
    name,
    heartbeatPauses: side === 'upstream',
    async run(context) {
      const sim = context.world[side];
      sim.faults.addRule(rule);
      // Upstream faults hit this test's own writes too: those change the workload before and after.
      await during(FAULT_MS, () => (side === 'downstream' ? churn(context) : Promise.resolve()));
      sim.faults.clearRules();
      if (side === 'upstream') await churn(context);
    },
  };
}

function partition(side: 'downstream' | 'upstream', mode: 'refuse' | 'hang', name: string): Scenario {
  return {
    name,
    heartbeatPauses: side === 'upstream',
    async run(context) {
      const sim = context.world[side];
      if (side === 'upstream') await churn(context);
      await sim.faults.partition(mode);
      await during(FAULT_MS, () => (side === 'downstream' ? churn(context) : Promise.resolve()));
      await sim.faults.heal();
    },
  };
}

function watchChaos(side: 'downstream' | 'upstream', compact: boolean, name: string): Scenario {
  return {
    name,
    heartbeatPauses: side === 'upstream',
    async run(context) {
      const sim = context.world[side];
      // Every 250 ms for the fault's length: watches end, and (compact) their resourceVersions expire (410).
      const storm = setInterval(() => {
        if (compact) sim.faults.compact();
        sim.faults.dropWatches();
      }, 250);
      try {
        await during(FAULT_MS, () => churn(context));
      } finally {
        clearInterval(storm);
      }
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  errorStorm(
    'downstream',
    { status: 503, rate: 0.5, retryAfterSeconds: 1 },
    'downstream 503 storm with Retry-After',
  ),
  errorStorm('downstream', { status: 429, rate: 0.5, retryAfterSeconds: 1 }, 'downstream 429 storm'),
  errorStorm('downstream', { status: 500, rate: 0.3 }, 'downstream 500s on a third of requests'),
  errorStorm('downstream', { verb: 'patch', status: 409, rate: 0.5 }, 'downstream 409 storm on writes'),
  partition('downstream', 'refuse', 'downstream outage (connection refused)'),
  partition('downstream', 'hang', 'downstream hanging (accepts, never answers)'),
  watchChaos('downstream', false, 'downstream watches dropped'),
  watchChaos('downstream', true, 'downstream 410 storm'),
  partition('upstream', 'refuse', 'upstream outage'),
  errorStorm('upstream', { status: 503, rate: 0.5, retryAfterSeconds: 1 }, 'upstream 503 storm'),
  watchChaos('upstream', true, 'upstream 410 storm'),
  {
    name: 'agent SIGKILL during the initial sync',
    seed: 10,
    async run(context) {
      const [agent] = context.agents;
      if (agent === undefined) throw new Error('no agent');
      await context.kill(agent);
      await context.workload.create(FULL ? 2_000 : 300);
      const next = await context.startAgent();
      await until(
        async () => (await context.workload.compare()).lost.length < context.workload.size / 2,
        'part of the sync',
      );
      await context.kill(next);
      await context.startAgent();
    },
  },
  {
    name: 'agent SIGKILL during namespace deletion',
    async run(context) {
      const [agent] = context.agents;
      if (agent === undefined) throw new Error('no agent');
      // The upstream namespace of one workspace goes, with its objects (deleted as kcp's namespace controller
      // deletes them: the upstream simulator runs none); the agent dies while it cleans up downstream.
      const workspace = WORKSPACES[0] as string;
      const base = `${context.world.upstream.url}/clusters/${workspace}`;
      const deleted = await call(base, '/api/v1/namespaces/bulk', 'DELETE');
      if (deleted.status !== 200) throw new Error(`namespace delete: ${deleted.status}`);
      await context.workload.deleteWhere((place) => place.startsWith(`${workspace}/bulk/`));
      await context.kill(agent);
      await context.startAgent();
    },
  },
  {
    name: 'leader failover under load',
    agentFlags: LEADER_ELECTION_FLAGS,
    heartbeatPauses: true,
    async run(context) {
      const [leader] = context.agents;
      if (leader === undefined) throw new Error('no agent');
      const standby = await context.startAgent({ standby: true });
      await until(
        () => standby.logs().some((l) => l.msg === 'caches synced, waiting for leadership'),
        'a warm standby',
      );
      await Promise.all([churn(context), context.kill(leader)]);
      await until(() => standby.logs().some((l) => l.msg === 'agent started'), 'the standby to lead', 10_000);
    },
  },
];
