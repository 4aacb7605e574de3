import type { FaultRule } from '@kcp-tmc/testing';
import { call, WORKSPACES } from '../e2e/support.js';
import { etcdRestart } from './etcd-scenario.js';
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
  etcdRestart(),
  partition('upstream', 'refuse', 'upstream outage'),
  errorStorm('upstream', { status: 503, rate: 0.5, retryAfterSeconds: 1 }, 'upstream 503 storm'),
  watchChaos('upstream', true, 'upstream 410 storm'),
  {
    name: 'agent SIGKILL during the initial sync',
    seed: 10,
    // No agent runs between the kill and the restart's start: no heartbeat can land then.
    heartbeatPauses: true,
    async run(context) {
      const [agent] = context.agents;
      if (agent === undefined) throw new Error('no agent');
      context.fault.start = Date.now();
      await context.kill(agent);
      await context.workload.create(FULL ? 2_000 : 300);
      const next = await context.startAgent();
      await until(
        async () => (await context.workload.compare()).lost.length < context.workload.size / 2,
        'part of the sync',
      );
      await context.kill(next);
      await context.startAgent();
      context.fault.end = Date.now();
    },
  },
  {
    name: 'agent SIGKILL during namespace deletion',
    heartbeatPauses: true,
    async run(context) {
      const [agent] = context.agents;
      if (agent === undefined) throw new Error('no agent');
      // The upstream namespace of one workspace goes, with its objects (deleted as kcp's namespace controller
      // deletes them: the upstream simulator runs none); the agent dies while it cleans up downstream.
      const workspace = WORKSPACES[0] as string;
      const inNamespace = (place: string) => place.startsWith(`${workspace}/bulk/`);
      const left = async () => [...(await context.workload.downstream()).keys()].filter(inNamespace).length;
      const doomed = await left();
      const base = `${context.world.upstream.url}/clusters/${workspace}`;
      const deleted = await call(base, '/api/v1/namespaces/bulk', 'DELETE');
      if (deleted.status !== 200) throw new Error(`namespace delete: ${deleted.status}`);
      const kill = async () => {
        // Mid-cleanup: the agent has deleted some of the namespace's objects downstream, not all.
        await until(async () => (await left()) < doomed - 5, 'the cleanup downstream to begin', 10_000);
        context.note('objects left downstream at the kill', await left());
        context.fault.start = Date.now();
        await context.kill(agent);
      };
      await Promise.all([context.workload.deleteWhere(inNamespace, 4), kill()]);
      await context.startAgent();
      context.fault.end = Date.now();
    },
  },
  leaderFailover(),
  syncTargetRecreated('wait'),
  syncTargetRecreated('exit'),
  tunnelReconnect(),
];

// What `pnpm test` runs (CI: about 90 s on 2 loaded cores): a downstream fault on the real server, an upstream
// outage, a kill, a failover and a tunnel restart. The SyncTarget recreation: `pnpm chaos`.
const CI = [
  'downstream etcd restart (real kube-apiserver)',
  'upstream outage',
  'agent SIGKILL during namespace deletion',
  'leader failover under load (lease 4 s)',
  'tunnel reconnect under load (logs streaming)',
];

// The default contract on a deleted SyncTarget (exit 1, restarted by the kubelet) measures a process start more
// than the agent: kept for the full form only.
const FULL_ONLY = ['SyncTarget deleted and recreated (exit 1, restarted)'];

export function scenariosOf(form: ChaosForm): readonly Scenario[] {
  if (form === 'ci') return SCENARIOS.filter((s) => CI.includes(s.name));
  return form === 'full' ? SCENARIOS : SCENARIOS.filter((s) => !FULL_ONLY.includes(s.name));
}
