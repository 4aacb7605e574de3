// SIGTERM during an initial sync: the agent exits 0 within --shutdown-timeout, finishing only the keys in flight.
import { describe, expect, it } from 'vitest';
import {
  agentArgs,
  CLI_BUILT,
  createConfigMaps,
  ownedDownstream,
  spawnAgent,
  started,
  startWorld,
  waitFor,
} from './support.js';

const CONFIGMAPS = 600;

describe.skipIf(!CLI_BUILT)('syncer-agent shutdown (process)', () => {
  it('SIGTERM in the middle of an initial sync exits 0 within --shutdown-timeout', async () => {
    const world = await startWorld();
    try {
      await createConfigMaps(world, CONFIGMAPS);
      // client-go's default QPS: the 600 ConfigMaps take longer than the timeout to sync, so the backlog is
      // still queued at SIGTERM.
      const args = agentArgs(world).filter((a) => !/^--(qps|burst|shutdown-timeout)=/.test(a));
      const agent = spawnAgent([...args, '--qps=30', '--burst=20', '--shutdown-timeout=10s']);
      await started(agent);
      await waitFor(
        async () => (await ownedDownstream(world, '/api/v1/configmaps')).length > 10,
        'the initial sync to be under way',
      );
      const signalledAt = Date.now();
      agent.child.kill('SIGTERM');
      const { code } = await agent.exited;
      const tookMs = Date.now() - signalledAt;
      console.info(`SIGTERM to exit during the initial sync: ${tookMs} ms`);
      // A forced exit (130) is what a shutdown past the timeout ends with.
      expect(code).toBe(0);
      const all = agent.logs();
      // From the signal on (the simulator serves no OpenAPI: the API importer complains before).
      const logs = all.slice(all.findIndex((l) => l.msg === 'signal received, draining'));
      expect(logs.some((l) => l.msg === 'shutdown did not finish in time, exiting')).toBe(false);
      expect(logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
      const left = logs.find((l) => l.msg === 'queued work left for the next start');
      expect(left?.handedBack).toBeGreaterThan(0);
      expect((await ownedDownstream(world, '/api/v1/configmaps')).length).toBeLessThan(CONFIGMAPS);
    } finally {
      await world.stop();
    }
  }, 90_000);
});
