import { encodeClusterKey, parseGvr } from '@kcp-tmc/interfaces';
import { type RequestStats } from '@kcp-tmc/testing';
import { describe, expect, it } from 'vitest';
import { workload } from './support/fixtures.js';
import { simsSuite, startAgent, WORKLOAD_CLUSTERS } from './support/stack.js';
import { eventually } from './support/wait.js';

const PER_CLUSTER = 40;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Writes to objects, counted at the server; the engine's SelfSubjectAccessReviews at start are not writes to objects. */
function objectWrites(stats: RequestStats): number {
  let total = 0;
  for (const [resource, verbs] of Object.entries(stats.byResource)) {
    if (resource.startsWith('selfsubjectaccessreviews')) continue;
    for (const [verb, count] of Object.entries(verbs)) if (WRITE_VERBS.has(verb)) total += count;
  }
  return total;
}
const KINDS: ReadonlyArray<readonly [string, string]> = [
  ['ConfigMap', 'v1/configmaps'],
  ['Deployment', 'apps/v1/deployments'],
  ['Service', 'v1/services'],
];

describe('a second sync of unchanged objects (fresh agent, same clusters)', () => {
  const suite = simsSuite();
  const ids: string[] = [];

  it('syncs 100+ objects in one run, then a restarted agent writes nothing', async () => {
    const { sims } = suite;
    for (const cluster of WORKLOAD_CLUSTERS) {
      await sims.placeNamespace(cluster, 'bulk');
      for (let i = 0; i < PER_CLUSTER; i++) {
        const [kind, gvr] = KINDS[i % KINDS.length] as readonly [string, string];
        const object = workload(kind, 'bulk', `obj-${i}`, sims.ref.key);
        await sims.upstreamClient.create(parseGvr(gvr), object, { cluster, namespace: 'bulk' });
        ids.push(encodeClusterKey({ cluster, gvr: parseGvr(gvr), namespace: 'bulk', name: `obj-${i}` }));
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(100);
    suite.agent = await startAgent(sims);
    const first = suite.agent;
    await eventually(
      () => {
        const done = new Set(first.syncer.applied.filter((a) => a.result.success).map((a) => a.id));
        return ids.every((id) => done.has(id));
      },
      60_000,
      'first sync of every object',
    );
    // Let the caches settle (the finalizer patches bring every key back once).
    await eventually(() => first.engine.queue.len() === 0, 20_000, 'queue drained');
    await suite.agent.stop();
    suite.agent = undefined;

    const downBefore = sims.downstream.stats();
    const upBefore = sims.upstream.stats();
    suite.agent = await startAgent(sims);
    const second = suite.agent;
    await eventually(
      () => {
        const done = new Set(second.syncer.applied.filter((a) => a.result.success).map((a) => a.id));
        return ids.every((id) => done.has(id));
      },
      60_000,
      'second sync of every object',
    );
    await eventually(() => second.engine.queue.len() === 0, 20_000, 'queue drained');
    const downAfter = sims.downstream.stats();
    const upAfter = sims.upstream.stats();
    expect(objectWrites(downAfter) - objectWrites(downBefore)).toBe(0);
    expect(objectWrites(upAfter) - objectWrites(upBefore)).toBe(0);
    const operations = second.syncer.applied.filter((a) => ids.includes(a.id)).map((a) => a.result.operation);
    expect(new Set(operations)).toEqual(new Set(['noop']));
  }, 120_000);

  // A fresh process (a restart, or a standby taking the lease) remembers nothing of what it applied; the objects
  // were created by POST, which leaves our fields under an Update entry of our manager. A changed value costs one
  // apply, forced over that entry alone (kcp forces every apply: pkg/syncer/spec/spec_process.go), plus the
  // apply that found the conflict: not a GET, a managedFields patch and a third apply.
  it('after a restart, a value changed upstream costs at most two downstream writes per object', async () => {
    const { sims } = suite;
    await suite.agent?.stop();
    suite.agent = undefined;
    const cluster = WORKLOAD_CLUSTERS[0] as string;
    const changed: string[] = [];
    for (let i = 0; i < PER_CLUSTER; i += KINDS.length) {
      const gvr = parseGvr('v1/configmaps');
      const current = await sims.upstreamClient.get(gvr, { cluster, namespace: 'bulk', name: `obj-${i}` });
      current.data = { key: `changed-${i}` };
      await sims.upstreamClient.update(gvr, current, { cluster, namespace: 'bulk' });
      changed.push(encodeClusterKey({ cluster, gvr, namespace: 'bulk', name: `obj-${i}` }));
    }
    const downBefore = sims.downstream.stats();
    suite.agent = await startAgent(sims);
    const third = suite.agent;
    await eventually(
      () => {
        const done = new Set(third.syncer.applied.filter((a) => a.result.success).map((a) => a.id));
        return ids.every((id) => done.has(id));
      },
      60_000,
      'third sync of every object',
    );
    await eventually(() => third.engine.queue.len() === 0, 20_000, 'queue drained');
    const writes = objectWrites(sims.downstream.stats()) - objectWrites(downBefore);
    expect(writes).toBeGreaterThanOrEqual(changed.length);
    expect(writes).toBeLessThanOrEqual(2 * changed.length);
    const updated = third.syncer.applied.filter((a) => a.result.operation === 'update').map((a) => a.id);
    expect(new Set(updated)).toEqual(new Set(changed));
    const applied = third.syncer.applied.filter((a) => changed.includes(a.id)).map((a) => a.result);
    expect(applied.flatMap((r) => r.conflicts ?? [])).toEqual([]);
  }, 120_000);
});
