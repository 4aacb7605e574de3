import type { FaultRule } from '@kcp-tmc/testing';
import { call, WORKSPACES } from '../e2e/support.js';
import { type ChaosForm, during, FULL, type Scenario, until } from './harness.js';
import { leaderFailover, syncTargetRecreated } from './lifecycle-scenarios.js';
import { churn, FAULT_MS } from './load.js';
import { tunnelReconnect } from './tunnel-scenario.js';

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
      context.fault.end = Date.now();
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
      context.fault.start = Date.now();
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

const SCENARIOS: readonly Scenario[] = [
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
  leaderFailover(),
  syncTargetRecreated,
  tunnelReconnect(),
];

// What `pnpm test` runs (CI, about 2 minutes on 2 loaded cores): one fault of each kind, the new ones first.
const CI = [
  'downstream outage (connection refused)',
  'upstream outage',
  'agent SIGKILL during namespace deletion',
  'leader failover under load (lease 4 s)',
  'SyncTarget deleted and recreated',
  'tunnel reconnect under load (logs streaming)',
];

export function scenariosOf(form: ChaosForm): readonly Scenario[] {
  return form === 'ci' ? SCENARIOS.filter((s) => CI.includes(s.name)) : SCENARIOS;
}
