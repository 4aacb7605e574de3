import { NAMESPACE_LOCATOR_ANNOTATION } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  agentArgs,
  CLI_BUILT,
  call,
  createAll,
  expectConvergedOnce,
  ownedDownstream,
  spawnAgent,
  started,
  syncLabels,
  useWorld,
  WORKSPACES,
  waitFor,
} from './support.js';

const TOTAL = 2_000;

describe.skipIf(!CLI_BUILT)('kill -9 in the middle of a 2,000-object sync', () => {
  const world = useWorld(async (started) => {
    const items = Array.from({ length: TOTAL }, (_, i) => ({
      base: `${started.upstream.url}/clusters/${WORKSPACES[i % WORKSPACES.length]}`,
      path: '/api/v1/namespaces/bulk/configmaps',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${i}`, labels: syncLabels() },
        data: { i: String(i) },
      },
    }));
    await createAll(items);
  }, 120_000);

  it('a restart converges with no duplicate and no stray object', async () => {
    const all = () => ownedDownstream(world, '/api/v1/configmaps');
    // The test's ConfigMaps; kcp's own kube-root-ca.crt of each placed namespace is synced too, as
    // kcp-root-ca.crt (ground-truth/go-syncer/downstream-ns-kcp-*.json), and checked apart below.
    const owned = async () => (await all()).filter((o) => o.metadata.name?.startsWith('cm-'));
    // Slow enough that the kill lands mid-sync.
    const first = spawnAgent(agentArgs(world, ['--qps=150', '--burst=50']));
    await started(first, 60_000);
    await waitFor(async () => (await owned()).length >= 200, 'part of the sync to land', 60_000, 50);
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    expect(signal).toBe('SIGKILL');
    const partial = (await owned()).length;
    expect(partial).toBeLessThan(TOTAL);

    const second = spawnAgent(agentArgs(world));
    try {
      await started(second, 60_000);
      await waitFor(
        async () => (await owned()).length >= TOTAL,
        `all ${TOTAL} objects downstream`,
        120_000,
        250,
      );
      const objects = await owned();
      expect(objects).toHaveLength(TOTAL);
      // Besides them, exactly one kcp-root-ca.crt per placed namespace (apps and bulk in each workspace).
      const rootCa = () => all().then((list) => list.filter((o) => !o.metadata.name?.startsWith('cm-')));
      await waitFor(async () => (await rootCa()).length >= 4, 'kcp-root-ca.crt in every namespace', 30_000);
      const others = await rootCa();
      expect(others.map((o) => o.metadata.name)).toEqual(Array(4).fill('kcp-root-ca.crt'));
      expect(new Set(others.map((o) => o.metadata.namespace)).size).toBe(4);
      // Each downstream object maps back, through its namespace's locator, to exactly one upstream object.
      const namespaces = (await call(world.downstream.url, '/api/v1/namespaces')).json.items ?? [];
      const workspaceOf = new Map(
        namespaces
          .filter((ns) => ns.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION] !== undefined)
          .map((ns) => {
            const locator = JSON.parse(ns.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION] as string) as {
              cluster: string;
              namespace: string;
            };
            return [ns.metadata.name as string, `${locator.cluster}/${locator.namespace}`] as const;
          }),
      );
      expectConvergedOnce(
        objects,
        workspaceOf,
        new Set(Array.from({ length: TOTAL }, (_, i) => `${WORKSPACES[i % WORKSPACES.length]}/bulk/cm-${i}`)),
      );
    } finally {
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  }, 240_000);
});
