import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentProcess, agentArgs, spawnAgent, started, startWorld, type World } from '../e2e/support.js';
import { type FaultWindow, watchHeartbeats } from './heartbeats.js';
import { type Convergence, isConverged, Workload } from './workload.js';

/**
 * `ci`: the few scenarios `pnpm test` runs; `short` (`pnpm chaos`): every scenario with 4 s faults; `full`:
 * every scenario as long and as large as the issue asks.
 */
export type ChaosForm = 'ci' | 'short' | 'full';
export const FORM: ChaosForm =
  process.env.KCP_TMC_CHAOS === 'full' ? 'full' : process.env.KCP_TMC_CHAOS === 'ci' ? 'ci' : 'short';
export const FULL = FORM === 'full';
export const HEARTBEAT_PERIOD_MS = 2_000;
const AGENT_FLAGS = [
  `--heartbeat-period=${HEARTBEAT_PERIOD_MS / 1000}s`,
  '--downstream-namespace-clean-delay=1s',
  ...(process.env.KCP_TMC_CHAOS_V ? [`-v=${process.env.KCP_TMC_CHAOS_V}`] : []),
];
// Only where replicas are the point: a leader that cannot renew its downstream Lease exits, as
// controller-runtime's do, and nothing here would restart it after a downstream outage. client-go's
// proportions (15 s / 10 s / 2 s: six attempts within the renew deadline) scaled to a 4 s lease, so a leader
// starved of CPU for a second on 2 loaded cores keeps its lease.
export const LEASE_DURATION_MS = 4_000;
export const LEADER_ELECTION_FLAGS = [
  '--leader-elect',
  '--leader-elect-resource-namespace=default',
  `--leader-elect-lease-duration=${LEASE_DURATION_MS / 1000}s`,
  '--leader-elect-renew-deadline=3s',
  '--leader-elect-retry-period=500ms',
];

export interface ChaosContext {
  readonly world: World;
  readonly workload: Workload;
  /** The agents running now (the first is the one started first). */
  readonly agents: AgentProcess[];
  /** Starts one more replica of the agent; resolves when it logged `agent started` unless `standby`. */
  startAgent(options?: AgentOptions): Promise<AgentProcess>;
  /** kill -9 of an agent, resolved once it is gone. */
  kill(agent: AgentProcess): Promise<void>;
  /**
   * Marks when the fault began or healed, where that is not the start or the end of `run` (the heartbeat gap
   * is judged outside this window; recovery counts from the end of `run`).
   */
  readonly fault: Partial<FaultWindow>;
  /** A figure of the scenario's own for the report (e.g. the failover time). */
  note(name: string, value: number): void;
  /** Runs `cleanup` when the scenario ends, whatever happened. */
  defer(cleanup: () => Promise<void> | void): void;
}

export interface AgentOptions {
  /** Resolve once the process runs, not once it logged `agent started` (a standby, or one that may exit). */
  readonly standby?: boolean;
  /** Kubeconfig files in place of the simulators' own (e.g. a front that records or serves a tunnel). */
  readonly upstreamKubeconfig?: string;
  readonly downstreamKubeconfig?: string;
  /** Flags for this agent only. */
  readonly flags?: readonly string[];
}

export interface Scenario {
  readonly name: string;
  /** Objects created and synced before the fault (default 100). */
  readonly seed?: number;
  /** Injects the fault, changes the workload while it lasts, and heals: returns once healed. */
  run(context: ChaosContext): Promise<void>;
  /** The servers (default: the upstream and downstream simulators of `startWorld`). */
  world?(): Promise<World>;
  /** How the first agent runs (e.g. behind a front); called before it starts. */
  firstAgent?(context: ChaosContext): Promise<AgentOptions>;
  /** Figures taken once the downstream converged (see `note`). */
  afterConverged?(context: ChaosContext): Promise<void>;
  /** The most each note may be (the scenario's own acceptance). */
  readonly bar?: Readonly<Record<string, number>>;
  /** Extra flags for every agent of the scenario. */
  readonly agentFlags?: readonly string[];
  /**
   * The heartbeat cannot land while the fault lasts (the upstream fails, or the leader is dead and the standby
   * waits out the lease): the gap is judged outside the fault window only.
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
  /** The same outside the fault window (the whole scenario unless the heartbeat pauses by design). */
  readonly judgedHeartbeatGapMs: number;
  readonly faultMs: number;
  readonly notes: Readonly<Record<string, number>>;
}

const RECOVERY_DEADLINE_MS = 60_000;

/** Runs one scenario on fresh simulators with a fresh agent, and measures what it left behind. */
export async function runScenario(scenario: Scenario): Promise<ScenarioReport> {
  const world = await (scenario.world ?? startWorld)();
  const agents: AgentProcess[] = [];
  const all: AgentProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const notes: Record<string, number> = {};
  const heartbeats = watchHeartbeats(world);
  try {
    const context: ChaosContext = {
      world,
      workload: new Workload(world),
      agents,
      fault: {},
      note: (name, value) => {
        notes[name] = value;
      },
      defer: (cleanup) => cleanups.push(cleanup),
      async startAgent(options = {}) {
        const agent = spawnAgent(
          withKubeconfigs(
            agentArgs(world, [...AGENT_FLAGS, ...(scenario.agentFlags ?? []), ...(options.flags ?? [])]),
            options,
          ),
        );
        agents.push(agent);
        all.push(agent);
        void agent.exited.then(() => agents.includes(agent) && agents.splice(agents.indexOf(agent), 1));
        if (options.standby !== true) await started(agent, 60_000);
        return agent;
      },
      async kill(agent) {
        agent.child.kill('SIGKILL');
        await agent.exited;
        if (agents.includes(agent)) agents.splice(agents.indexOf(agent), 1);
      },
    };
    await context.startAgent((await scenario.firstAgent?.(context)) ?? {});
    await context.workload.create(scenario.seed ?? 100);
    await converge(context.workload, RECOVERY_DEADLINE_MS);
    const faultAt = Date.now();
    await scenario.run(context);
    const healedAt = Date.now();
    const result = await converge(context.workload, RECOVERY_DEADLINE_MS);
    await scenario.afterConverged?.(context);
    const window = { start: context.fault.start ?? faultAt, end: context.fault.end ?? healedAt };
    return {
      scenario: scenario.name,
      objects: context.workload.size,
      ...result.convergence,
      recoveryMs: result.at - healedAt,
      maxHeartbeatGapMs: heartbeats.maxGapMs(),
      judgedHeartbeatGapMs:
        scenario.heartbeatPauses === true ? heartbeats.maxGapOutsideMs(window) : heartbeats.maxGapMs(),
      faultMs: window.end - window.start,
      notes,
    };
  } finally {
    heartbeats.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
    // KCP_TMC_CHAOS_LOGS=<dir>: every agent's log of the scenario, for a failure's post-mortem.
    const logs = process.env.KCP_TMC_CHAOS_LOGS;
    if (logs !== undefined) {
      mkdirSync(logs, { recursive: true });
      const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-');
      for (const [i, agent] of all.entries())
        writeFileSync(join(logs, `${slug}-agent-${i}.log`), agent.stderr());
    }
    for (const agent of all) agent.child.kill('SIGKILL');
    await Promise.all(all.map((agent) => agent.exited));
    await world.stop();
  }
}

function withKubeconfigs(args: string[], options: AgentOptions): string[] {
  return args.map((arg) => {
    if (options.upstreamKubeconfig !== undefined && arg.startsWith('--from-kubeconfig='))
      return `--from-kubeconfig=${options.upstreamKubeconfig}`;
    if (options.downstreamKubeconfig !== undefined && arg.startsWith('--to-kubeconfig='))
      return `--to-kubeconfig=${options.downstreamKubeconfig}`;
    return arg;
  });
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
