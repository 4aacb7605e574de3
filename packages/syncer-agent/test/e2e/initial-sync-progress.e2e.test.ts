// `run` logs the initial sync's progress per resource (synced of listed) while it runs and at completion.
import { describe, expect, it } from 'vitest';
import { agentArgs, CLI_BUILT, createConfigMaps, spawnAgent, startWorld, waitFor } from './support.js';

const CONFIGMAPS = 200;

describe.skipIf(!CLI_BUILT)('syncer-agent initial sync progress (process)', () => {
  it('logs synced/listed per resource while the initial sync runs, and once at completion', async () => {
    const world = await startWorld();
    try {
      await createConfigMaps(world, CONFIGMAPS);
      // At 30 requests a second (client-go's default is lower still), 200 ConfigMaps take longer than the 5 s
      // between progress lines.
      const args = agentArgs(world).filter((a) => !/^--(qps|burst)=/.test(a));
      const agent = spawnAgent([...args, '--qps=30', '--burst=20']);
      try {
        await waitFor(
          () => agent.logs().some((l) => String(l.msg).startsWith('initial sync complete')),
          'the initial sync to complete',
          60_000,
        );
        const lines = agent.logs().filter((l) => String(l.msg).startsWith('initial sync'));
        const during = lines.filter((l) => String(l.msg).startsWith('initial sync: '));
        expect(during.length).toBeGreaterThan(0);
        for (const line of [...during, lines.at(-1)]) {
          expect(line?.level).toBe('info');
          expect(line?.msg).toMatch(/configmaps \d+\/\d+/);
        }
        const synced = during.map(
          (l) => (l.resources as Record<string, { synced: number; listed: number }>).configmaps?.synced ?? 0,
        );
        expect(synced).toEqual([...synced].sort((a, b) => a - b));
        // Lines while it runs show it moving, not only 0 and the end.
        expect(synced.some((n) => n > 0 && n < CONFIGMAPS)).toBe(true);
        const complete = lines.at(-1) as Record<string, unknown>;
        const configmaps = (complete.resources as Record<string, { synced: number; listed: number }>)
          .configmaps;
        expect(configmaps?.listed).toBeGreaterThanOrEqual(CONFIGMAPS);
        expect(configmaps?.synced).toBe(configmaps?.listed);
        expect(complete.msg).toMatch(/^initial sync complete: .*configmaps (\d+)\/\1.* in \d+\.\ds$/);
      } finally {
        agent.child.kill('SIGTERM');
        await agent.exited;
      }
    } finally {
      await world.stop();
    }
  }, 90_000);
});
