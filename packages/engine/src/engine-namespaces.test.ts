import { NAMESPACE_LOCATOR_ANNOTATION, namespaceLocator, namespaceLocatorToJson } from '@kcp-tmc/interfaces';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  downstreamObject,
  engineHarness,
  SYNC_TARGET_REF,
  upstreamObject,
} from '../test/support/engine-harness.js';
import { until } from '../test/support/wait.js';

const NAMESPACES = 'v1/namespaces';

function downstreamNamespace(name: string, cluster: string, upstream: string, uid = SYNC_TARGET_REF.uid) {
  const locator = namespaceLocator(cluster, { ...SYNC_TARGET_REF, uid }, upstream);
  return downstreamObject('', name, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: namespaceLocatorToJson(locator) } },
    status: { phase: 'Active' },
  });
}

// kcp v0.11's spec and status syncers skip the namespaces resource (pkg/syncer/spec/spec_controller.go,
// pkg/syncer/status/status_controller.go): no finalizer, status or annotation of the syncer on an upstream
// Namespace (ground-truth/go-syncer/upstream-namespaces.json). Its namespace controller (pkg/syncer/namespace)
// plans the downstream namespace's deletion once the upstream namespace is gone from the syncer's view.
describe('DefaultSyncEngine namespaces, as kcp', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never applies, deletes or writes status for a Namespace; plans cleaning when the upstream one goes', async () => {
    const h = engineHarness({ syncedResources: ['v1/configmaps'] });
    const demo = upstreamObject(NAMESPACES, 'root:a', '', 'demo', { apiVersion: 'v1', kind: 'Namespace' });
    h.up(NAMESPACES).upsert(demo);
    h.down(NAMESPACES).upsert(downstreamNamespace('kcp-demo', 'root:a', 'demo'));
    await h.engine.start();
    await until(() => h.syncer.cleaning.length >= 2);
    // Both sides agree the upstream namespace is there: keep the downstream one.
    expect(h.syncer.cleaning).toEqual([
      { action: 'cancel', namespace: 'kcp-demo' },
      { action: 'cancel', namespace: 'kcp-demo' },
    ]);

    h.up(NAMESPACES).remove(demo);
    await until(() => h.syncer.cleaning.length === 3);
    expect(h.syncer.cleaning.at(-1)).toEqual({ action: 'plan', namespace: 'kcp-demo' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.syncer.calls).toEqual([]);
    await h.engine.stop();
  });

  it('a downstream namespace whose upstream namespace is not in view is planned for cleaning (restart case)', async () => {
    const h = engineHarness({ syncedResources: ['v1/configmaps'] });
    h.down(NAMESPACES).upsert(downstreamNamespace('kcp-orphan', 'root:a', 'gone'));
    h.down(NAMESPACES).upsert(downstreamNamespace('kcp-other', 'root:a', 'gone', 'another-uid'));
    h.down(NAMESPACES).upsert({
      ...downstreamNamespace('kcp-ending', 'root:a', 'gone'),
      metadata: {
        ...downstreamNamespace('kcp-ending', 'root:a', 'gone').metadata,
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
    });
    await h.engine.start();
    await until(() => h.syncer.cleaning.length === 1);
    await vi.advanceTimersByTimeAsync(100);
    // Another SyncTarget's namespace and a terminating one are left alone.
    expect(h.syncer.cleaning).toEqual([{ action: 'plan', namespace: 'kcp-orphan' }]);
    expect(h.syncer.calls).toEqual([]);
    await h.engine.stop();
  });

  it('deletes a copy written before a restart whose upstream object is gone, and keeps the others', async () => {
    const deployments = 'apps/v1/deployments';
    const h = engineHarness({ syncedResources: [deployments, 'v1/configmaps'] });
    h.down(NAMESPACES).upsert(downstreamNamespace('kcp-demo', 'root:a', 'demo'));
    h.up(deployments).upsert(upstreamObject(deployments, 'root:a', 'demo', 'kept'));
    h.down(deployments).upsert(downstreamObject('kcp-demo', 'kept'));
    h.down(deployments).upsert(downstreamObject('kcp-demo', 'orphan'));
    // kcp's renamed CA bundle maps back to kube-root-ca.crt, which is still upstream.
    h.up('v1/configmaps').upsert(
      upstreamObject('v1/configmaps', 'root:a', 'demo', 'kube-root-ca.crt', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
      }),
    );
    h.down('v1/configmaps').upsert(
      downstreamObject('kcp-demo', 'kcp-root-ca.crt', { apiVersion: 'v1', kind: 'ConfigMap' }),
    );
    await h.engine.start();
    await until(() => h.syncer.names('delete').length > 0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.syncer.names('delete')).toEqual(['root:a/demo/orphan']);
    await h.engine.stop();
  });
});
