import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AgentProcess,
  agentArgs,
  call,
  ST_CLUSTER,
  ST_NAME,
  spawnAgent,
  started,
  startWorld,
  type World,
} from '../e2e/support.js';
import { type Convergence, isConverged, Workload } from './workload.js';

/** The chaos suite runs short by default (CI); `KCP_TMC_CHAOS=full` runs each fault as long as the issue asks. */
export const FULL = process.env.KCP_TMC_CHAOS === 'full';
export const HEARTBEAT_PERIOD_MS = 2_000;
const AGENT_FLAGS = [
  `--heartbeat-period=${HEARTBEAT_PERIOD_MS / 1000}s`,
  '--downstream-namespace-clean-delay=1s',
];
// Only where replicas are the point: a leader that cannot renew its downstream Lease exits, as
// controller-runtime's do, and nothing here would restart it after a downstream outage.
export const LEADER_ELECTION_FLAGS = [
  '--leader-elect',
  '--leader-elect-resource-namespace=default',
  '--leader-elect-lease-duration=3s',
  '--leader-elect-renew-deadline=2s',
  '--leader-elect-retry-period=500ms',
];

export interface ChaosContext {
  readonly world: World;
  readonly workload: Workload;
  /** The agents running now (the first is the one started first). */
  readonly agents: AgentProcess[];
  /** Starts one more replica of the agent; resolves when it logged `agent started` unless `standby`. */
  startAgent(options?: { standby?: boolean }): Promise<AgentProcess>;
  /** kill -9 of an agent, resolved once it is gone. */
  kill(agent: AgentProcess): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  /** Objects created and synced before the fault (default 100). */
  readonly seed?: number;
  /** Injects the fault, changes the workload while it lasts, and heals: returns once healed. */
  run(context: ChaosContext): Promise<void>;
  /** Extra flags for every agent of the scenario. */
  readonly agentFlags?: readonly string[];
  /**
   * The heartbeat is expected to pause (the upstream fails, or the leader dies and the standby waits out the
   * lease): its gap is reported, not judged.
   */
  readonly heartbeatPauses?: boolean;
}

export interface ScenarioReport extends Convergence {
  readonly scenario: string;
  readonly objects: number;
  /** From the fault's heal to a downstream equal to the upstream. */
  readonly recoveryMs: number;
  /** The longest time between two heartbeats seen upstream over the whole scenario. */
  readonly maxHeartbeatGapMs: number;
  readonly faultMs: number;
}

const RECOVERY_DEADLINE_MS = 60_000;

/** Runs one scenario on fresh simulators with a fresh agent, and measures what it left behind. */
export async function runScenario(scenario: Scenario): Promise<ScenarioReport> {
  const world = await startWorld();
  const agents: AgentProcess[] = [];
  const all: AgentProcess[] = [];
  const heartbeats = watchHeartbeats(world);
  try {
    const context: ChaosContext = {
      world,
      workload: new Workload(world),
      agents,
      async startAgent(options = {}) {
        const agent = spawnAgent(agentArgs(world, [...AGENT_FLAGS, ...(scenario.agentFlags ?? [])]));
        agents.push(agent);
        all.push(agent);
        if (options.standby !== true) await started(agent, 60_000);
        return agent;
      },
      async kill(agent) {
        agent.child.kill('SIGKILL');
        await agent.exited;
        agents.splice(agents.indexOf(agent), 1);
      },
    };
    await context.startAgent();
    await context.workload.create(scenario.seed ?? 100);
    await converge(context.workload, RECOVERY_DEADLINE_MS);
    const faultAt = Date.now();
    await scenario.run(context);
    const healedAt = Date.now();
    const result = await converge(context.workload, RECOVERY_DEADLINE_MS);
    return {
      scenario: scenario.name,
      objects: context.workload.size,
      ...result.convergence,
      recoveryMs: result.at - healedAt,
      maxHeartbeatGapMs: heartbeats.maxGapMs(),
      faultMs: healedAt - faultAt,
    };
  } finally {
    heartbeats.stop();
    // KCP_TMC_CHAOS_LOGS=<dir>: every agent's log of the scenario, for a failure's post-mortem.
    const logs = process.env.KCP_TMC_CHAOS_LOGS;
    if (logs !== undefined) {
      const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-');
      for (const [i, agent] of all.entries())
        writeFileSync(join(logs, `${slug}-agent-${i}.log`), agent.stderr());
    }
    for (const agent of agents) agent.child.kill('SIGKILL');
    await Promise.all(agents.map((agent) => agent.exited));
    await world.stop();
  }
}

/** Polls until the downstream equals the workload, or the deadline: then the last comparison. */
async function converge(
  workload: Workload,
  deadlineMs: number,
): Promise<{ convergence: Convergence; at: number }> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const convergence = await workload.compare();
    if (isConverged(convergence) || Date.now() > deadline) return { convergence, at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Samples the SyncTarget's lastSyncerHeartbeatTime every 100 ms (through the upstream, faults and all: a
 * failed sample counts as nothing seen) and keeps the longest wait between two new values.
 */
function watchHeartbeats(world: World): { maxGapMs(): number; stop(): void } {
  const path = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
  let last: string | undefined;
  let lastAt: number | undefined;
  let maxGap = 0;
  let stopped = false;
  const sample = async () => {
    while (!stopped) {
      try {
        const { json } = await call(world.upstream.url, path);
        const beat = (json.status as { lastSyncerHeartbeatTime?: string } | undefined)
          ?.lastSyncerHeartbeatTime;
        if (beat !== undefined && beat !== last) {
          const now = Date.now();
          if (lastAt !== undefined) maxGap = Math.max(maxGap, now - lastAt);
          last = beat;
          lastAt = now;
        }
      } catch {
        // The upstream is down in this scenario: nothing seen.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  void sample();
  return {
    maxGapMs: () => (lastAt === undefined ? maxGap : Math.max(maxGap, Date.now() - lastAt)),
    stop: () => {
      stopped = true;
    },
  };
}

/** Resolves once `condition` holds, polling every 50 ms; fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lasts `ms` of fault while `work` runs alongside; resolves when both are done. */
export async function during(ms: number, work: () => Promise<void>): Promise<void> {
  await Promise.all([work(), new Promise((resolve) => setTimeout(resolve, ms))]);
}
