import { AGENT_NODE_OPTIONS } from '@kcp-tmc/syncer-agent';
import { type AgentProcess, round, spawnAgent, startBenchWorld } from './agent-support.js';
import type { Benchmark } from './registry.js';

// What the agent process holds before its first object, as deployed (the Deployment's NODE_OPTIONS): started
// against the simulators with a SyncTarget and nothing to sync, its RSS once its work queues have stayed empty
// for 2 s (informers listed, controllers started), then sampled for a few seconds. Several fresh processes,
// since one figure on a shared machine is noisy.

const RUNS = 3;
const SAMPLE_MS = 3_000;

async function untilIdle(agent: AgentProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      // Throws until the agent has logged its metrics address.
      await agent.idle(2_000, Math.max(1, deadline - performance.now()));
      return;
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function idleRss(agent: AgentProcess): Promise<{ settled: number; max: number }> {
  let max = 0;
  let settled = 0;
  const end = performance.now() + SAMPLE_MS;
  while (performance.now() < end) {
    settled = agent.rss();
    max = Math.max(max, settled);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { settled: round(settled / 2 ** 20, 1), max: round(max / 2 ** 20, 1) };
}

export const agentIdle: Benchmark = {
  name: 'agent-idle',
  description: `syncer-agent process (NODE_OPTIONS="${AGENT_NODE_OPTIONS}" as deployed) on the simulators with nothing to sync: RSS once idle, ${RUNS} fresh processes`,
  async run() {
    const w = await startBenchWorld();
    try {
      const runs: Array<{ settled: number; max: number }> = [];
      for (let i = 0; i < RUNS; i++) {
        const agent = await spawnAgent(w, AGENT_NODE_OPTIONS);
        try {
          await untilIdle(agent, 60_000);
          runs.push(await idleRss(agent));
        } finally {
          await agent.stop();
        }
      }
      const settled = runs.map((r) => r.settled).sort((a, b) => a - b);
      return {
        agentNodeOptions: AGENT_NODE_OPTIONS,
        idleRssMiB: runs,
        medianIdleRssMiB: settled[Math.floor(settled.length / 2)],
      };
    } finally {
      await w.stop();
    }
  },
};
