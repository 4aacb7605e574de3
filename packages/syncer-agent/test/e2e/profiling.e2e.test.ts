// `run --profiling` serves CPU and heap profiles on the probe address, as controller-runtime's pprof endpoints.
import { describe, expect, it } from 'vitest';
import { agentArgs, CLI_BUILT, spawnAgent, started, startWorld } from './support.js';

describe.skipIf(!CLI_BUILT)('syncer-agent --profiling (process)', () => {
  it('serves /debug/pprof/profile and /debug/pprof/heap with --profiling, 404 without', async () => {
    const world = await startWorld();
    try {
      const plain = spawnAgent(agentArgs(world));
      const { probes: plainProbes } = await started(plain);
      expect((await fetch(`${plainProbes}/debug/pprof/profile?seconds=1`)).status).toBe(404);
      expect((await fetch(`${plainProbes}/debug/pprof/heap`)).status).toBe(404);
      plain.child.kill('SIGTERM');
      expect((await plain.exited).code).toBe(0);

      const agent = spawnAgent(agentArgs(world, ['--profiling']));
      const { probes } = await started(agent);
      try {
        expect(probes).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const cpu = await fetch(`${probes}/debug/pprof/profile?seconds=1`);
        expect(cpu.status).toBe(200);
        const profile = (await cpu.json()) as { nodes: unknown[]; startTime: number; endTime: number };
        expect(profile.nodes.length).toBeGreaterThan(0);
        expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(900_000);
        const heap = await fetch(`${probes}/debug/pprof/heap`);
        expect(heap.status).toBe(200);
        const sampled = (await heap.json()) as { head: { children: unknown[] }; samples: unknown[] };
        expect(sampled.samples.length).toBeGreaterThan(0);
      } finally {
        agent.child.kill('SIGTERM');
        expect((await agent.exited).code).toBe(0);
      }
    } finally {
      await world.stop();
    }
  }, 90_000);
});
