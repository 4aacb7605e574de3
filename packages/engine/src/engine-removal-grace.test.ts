import { deletionAnnotation } from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineHarness, SYNC_TARGET_REF, upstreamObject } from '../test/support/engine-harness.js';
import { until } from '../test/support/wait.js';

const DEPLOYMENTS = 'apps/v1/deployments';

// The Placement that dropped its SyncTarget for a moment (reference/real-kcp/README.md, "Our agent", item 4):
// with a removal grace, a momentary unschedule touches nothing downstream; past the grace the copy goes.
describe('DefaultSyncEngine removal grace', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('removes nothing when the object leaves and comes back within the grace', async () => {
    const h = engineHarness({ config: { removalGraceMs: 5_000 } });
    const web = upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web');
    h.up(DEPLOYMENTS).upsert(web);
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 1);

    h.up(DEPLOYMENTS).remove(web);
    await vi.advanceTimersByTimeAsync(3_000);
    h.up(DEPLOYMENTS).upsert({ ...web, metadata: { ...web.metadata, resourceVersion: '2' } });
    await until(() => h.syncer.of('apply').length === 2);
    // Well past the first departure's grace: the recheck it planned finds the object scheduled again.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.syncer.of('delete')).toEqual([]);
    await h.engine.stop();
  });

  it('removes the copy once the grace is over, for a departure by absence or by deletion annotation', async () => {
    const h = engineHarness({ config: { removalGraceMs: 5_000 } });
    const web = upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web');
    const api = upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'api');
    h.up(DEPLOYMENTS).upsert(web);
    h.up(DEPLOYMENTS).upsert(api);
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 2);

    const left = Date.now();
    h.up(DEPLOYMENTS).remove(web);
    const annotations = {
      ...api.metadata.annotations,
      [deletionAnnotation(SYNC_TARGET_REF.key)]: '2026-01-01T00:00:00Z',
    };
    h.up(DEPLOYMENTS).upsert({ ...api, metadata: { ...api.metadata, resourceVersion: '2', annotations } });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(h.syncer.of('delete')).toEqual([]);
    await until(() => h.syncer.of('delete').length === 2, 2_000, 10);
    expect(Date.now() - left).toBeGreaterThanOrEqual(5_000);
    expect(
      h.syncer
        .of('delete')
        .map((c) => c.item.key.name)
        .sort(),
    ).toEqual(['api', 'web']);
    await h.engine.stop();
  });

  it('without a grace (kcp v0.11 syncer, pkg/syncer/spec/spec_process.go) removes the copy at once', async () => {
    const h = engineHarness();
    const web = upstreamObject(DEPLOYMENTS, 'root:a', 'ns', 'web');
    h.up(DEPLOYMENTS).upsert(web);
    await h.engine.start();
    await until(() => h.syncer.of('apply').length === 1);
    const left = Date.now();
    h.up(DEPLOYMENTS).remove(web);
    await until(() => h.syncer.of('delete').length === 1, 1_000, 5);
    expect(Date.now() - left).toBeLessThan(100);
    await h.engine.stop();
  });
});
