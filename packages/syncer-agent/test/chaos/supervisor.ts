import type { AgentProcess } from '../e2e/support.js';
import type { AgentOptions, ChaosContext } from './harness.js';

// The kubelet restarts a crashed container after 10 s, doubling to 5 min; scaled down 40x so a scenario
// measures the agent, not the wait.
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 2_000;

export interface Supervisor {
  /** Restarts so far. */
  readonly restarts: number;
  /** Exit codes of the agents that ended on their own, in order. */
  readonly exitCodes: ReadonlyArray<number | null>;
  /** The agent running now (or the last one). */
  readonly current: AgentProcess;
  stop(): void;
}

/**
 * Restarts the scenario's first agent whenever it exits, as a Deployment's pod would be, with the kubelet's
 * doubling backoff (reset once an agent logged `agent started`).
 */
export function supervise(
  context: ChaosContext,
  first: AgentProcess,
  options: AgentOptions = {},
): Supervisor {
  let stopped = false;
  let restarts = 0;
  let current = first;
  let backoff = FIRST_BACKOFF_MS;
  const exitCodes: Array<number | null> = [];
  const watch = (agent: AgentProcess) => {
    void agent.exited.then(async ({ code }) => {
      if (stopped) return;
      exitCodes.push(code);
      if (agent.logs().some((l) => l.msg === 'agent started')) backoff = FIRST_BACKOFF_MS;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      if (stopped) return;
      restarts++;
      current = await context.startAgent({ ...options, standby: true });
      watch(current);
    });
  };
  watch(first);
  return {
    get restarts() {
      return restarts;
    },
    exitCodes,
    get current() {
      return current;
    },
    stop: () => {
      stopped = true;
    },
  };
}
