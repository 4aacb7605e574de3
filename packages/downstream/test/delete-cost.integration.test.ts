import { parseGvr } from '@kcp-tmc/interfaces';
import type { RequestStats } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { workload } from './support/fixtures.js';
import { downstreamGet, simsSuite, startAgent, WORKLOAD_CLUSTERS } from './support/stack.js';
import { eventually } from './support/wait.js';

const COUNT = 30;
const CONFIGMAPS = parseGvr('v1/configmaps');

const verb = (stats: RequestStats, verbName: string) => stats.byResource.configmaps?.[verbName] ?? 0;

// kcp's syncer deletes from its informers' view: one downstream DELETE and one upstream update (the finalizer)
// per object. Reads before each step would double the requests of a namespace deletion on both servers.
describe('deleting synced objects upstream (simulators)', () => {
  const suite = simsSuite();

  it('costs one downstream DELETE and one upstream update per object, and no GET on either server', async () => {
    const { sims } = suite;
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    await sims.placeNamespace(cluster, 'gone');
    const names = Array.from({ length: COUNT }, (_, i) => `cm-${i}`);
    for (const name of names) {
      await sims.upstreamClient.create(CONFIGMAPS, workload('ConfigMap', 'gone', name, sims.ref.key), {
        cluster,
        namespace: 'gone',
      });
    }
    suite.agent = await startAgent(sims);
    const first = suite.agent;
    const downstreamNs = sims.downstreamNamespace(cluster, 'gone');
    await eventually(
      async () =>
        (await Promise.all(names.map((n) => downstreamGet(sims, CONFIGMAPS, downstreamNs, n)))).every(
          Boolean,
        ),
      30_000,
      'every object downstream',
    );
    await eventually(() => first.engine.queue.len() === 0, 20_000, 'queue drained');

    const downBefore = sims.downstream.stats();
    const upBefore = sims.upstream.stats();
    for (const name of names)
      await sims.upstreamClient.delete(CONFIGMAPS, { cluster, namespace: 'gone', name });
    // A LIST per check: the counts below are of GETs, so the wait adds none of its own.
    const upstreamLeft = async () =>
      (await sims.upstreamClient.list(CONFIGMAPS, { cluster, namespace: 'gone' })).items.filter((o) =>
        names.includes(o.metadata.name ?? ''),
      );
    await eventually(
      async () => (await upstreamLeft()).length === 0,
      30_000,
      'every object released upstream',
    );
    const downAfter = sims.downstream.stats();
    const upAfter = sims.upstream.stats();
    const left = await Promise.all(names.map((n) => downstreamGet(sims, CONFIGMAPS, downstreamNs, n)));
    expect(left.filter(Boolean)).toEqual([]);
    expect(verb(downAfter, 'delete') - verb(downBefore, 'delete')).toBe(COUNT);
    expect(verb(downAfter, 'get') - verb(downBefore, 'get')).toBe(0);
    // One release per object; a second write only where kcp's deletion annotation made the first copy stale.
    const updates = verb(upAfter, 'update') - verb(upBefore, 'update');
    expect(updates).toBeGreaterThanOrEqual(COUNT);
    expect(updates).toBeLessThanOrEqual(2 * COUNT);
    expect(verb(upAfter, 'get') - verb(upBefore, 'get')).toBe(0);
  }, 120_000);
});
