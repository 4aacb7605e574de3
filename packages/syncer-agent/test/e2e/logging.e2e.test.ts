// --logging-format and klog's -v, through the CLI as a process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentArgs, CLI_BUILT, spawnAgent, started, startWorld } from './support.js';

/** A run that stops at start (no kubeconfig anywhere) after logging its options at -v 2. */
async function runWithoutKubeconfig(flags: string[]): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'agent-home-'));
  try {
    const agent = spawnAgent(['--sync-target-name=edge', '--from-cluster=root:org', ...flags], {
      HOME: home,
      KUBECONFIG: '',
    });
    expect((await agent.exited).code).toBe(2);
    return agent.stderr();
  } finally {
    await rm(home, { recursive: true });
  }
}

describe.skipIf(!CLI_BUILT)('syncer-agent logging flags (process)', () => {
  it('--logging-format=text writes klog-style lines, json one object per line with ts, level, msg and fields', async () => {
    const text = await runWithoutKubeconfig(['--logging-format=text']);
    expect(text).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{3} options .*syncTargetName=edge/m);
    const json = await runWithoutKubeconfig(['--logging-format=json']);
    const line = JSON.parse(json.split('\n')[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'debug', msg: 'options', v: 2, syncTargetName: 'edge' });
    expect(new Date(line.ts as string).toISOString()).toBe(line.ts);
  });

  it('-v follows klog: 2 by default, 0 hides the V(2) lines, 6 shows every request', async () => {
    expect(await runWithoutKubeconfig(['--logging-format=json'])).toContain('"msg":"options"');
    expect(await runWithoutKubeconfig(['--logging-format=json', '-v', '0'])).not.toContain('"msg":"options"');

    const world = await startWorld();
    try {
      const agent = spawnAgent(agentArgs(world, ['-v=6', '--logging-format=json']));
      await started(agent);
      agent.child.kill('SIGTERM');
      expect((await agent.exited).code).toBe(0);
      const requests = agent.logs().filter((l) => l.msg === 'request');
      expect(requests.length).toBeGreaterThan(0);
      expect(requests[0]).toMatchObject({ level: 'debug', v: 6, method: 'GET' });
      const quiet = spawnAgent(agentArgs(world, ['--logging-format=json']));
      await started(quiet);
      quiet.child.kill('SIGTERM');
      expect((await quiet.exited).code).toBe(0);
      expect(quiet.logs().filter((l) => l.msg === 'request')).toEqual([]);
    } finally {
      await world.stop();
    }
  }, 90_000);
});
