import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentArgs, CLI_BUILT, spawnAgent, started, startWorld } from './support.js';

describe.skipIf(!CLI_BUILT)('syncer-agent errors and signals (process)', () => {
  it('an invalid flag exits 2 naming the flag', async () => {
    const agent = spawnAgent(['run', '--sync-target-name=edge', '--from-cluster=root', '--workers=zero']);
    const { code } = await agent.exited;
    expect(code).toBe(2);
    expect(agent.stderr()).toContain('--workers: expected a positive integer, got "zero"');
  });

  it('an unknown flag exits 2', async () => {
    const agent = spawnAgent(['run', '--sync-target=edge']);
    expect((await agent.exited).code).toBe(2);
    expect(agent.stderr()).toContain('--sync-target: unknown flag');
  });

  it('an unreachable upstream exits 1 with a clear message', async () => {
    const world = await startWorld();
    // A copy of the upstream kubeconfig outlives the simulator: it then points at a closed port.
    const dir = await mkdtemp(join(tmpdir(), 'agent-e2e-'));
    const kubeconfig = join(dir, 'upstream.yaml');
    await copyFile(world.upstream.kubeconfigPath, kubeconfig);
    const args = agentArgs(world).filter((a) => !a.startsWith('--from-kubeconfig'));
    await world.upstream.stop();
    try {
      // Through the environment, as a Deployment's env would set it.
      const agent = spawnAgent(args, { KCP_TMC_FROM_KUBECONFIG: kubeconfig });
      const { code } = await agent.exited;
      expect(code).toBe(1);
      expect(agent.stderr()).toMatch(
        /^syncer-agent run: cannot read SyncTarget "edge" in logical cluster "root:e2e" from the upstream: .*(ECONNREFUSED|unreachable|connect)/im,
      );
    } finally {
      await world.downstream.stop();
      await rm(dir, { recursive: true });
    }
  }, 60_000);

  it('a second signal forces exit while draining', async () => {
    const world = await startWorld();
    try {
      const agent = spawnAgent(agentArgs(world, ['--shutdown-timeout=1m']));
      await started(agent);
      agent.child.kill('SIGTERM');
      agent.child.kill('SIGINT');
      const { code } = await agent.exited;
      expect(agent.stderr()).toContain('signal received, draining');
      // Either the drain won the race (0) or the second signal cut it short (130, and said so).
      if (code === 130) expect(agent.stderr()).toContain('second signal, exiting without draining');
      else expect(code).toBe(0);
    } finally {
      await world.stop();
    }
  });
});
