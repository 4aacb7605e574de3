import { expect } from 'vitest';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import { cmPath, configMap, deployment, deployPath, type SuiteRef, withMetadata } from '../suite.js';
import { itOnSyncer, own, placeObject, seenBySyncer, vwPath } from './kcp-support.js';

function syncerStatusAndSpecCases(s: SuiteRef): void {
  // transformations/transformer.go: no status in the view until this SyncTarget reported one; a /status write
  // by the only SyncTarget holding the object is promoted into `.status`, the view annotation records
  // `{"status":"##promoted##"}` (ground-truth/go-syncer/upstream-demo.json); kcp's status strategy keeps view
  // annotations on status writes (kcp-dev/kubernetes customresource/status_strategy_patch.go).
  itOnSyncer(s, 'promotes the status the only SyncTarget reports into .status', async (c, ctx) => {
    if (!c.st.syncedResources.includes('apps/v1/deployments')) return ctx.skip();
    const { ns, path } = await placeObject(c, 'vw-status', deployPath, deployment('web'));
    const owned = await own(c, path);
    expect(owned.status).toBeUndefined();
    expect((await c.kcp('GET', deployPath(ns, 'web'))).json.metadata.annotations[c.viewAnnotation]).toBe(
      '{}',
    );
    const reported = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 };
    const put = await c.vw('PUT', `${path}/status`, { ...owned, status: reported });
    expect(put.status, put.text).toBe(200);
    expect(put.json.status).toEqual(reported);
    const stored = (await c.kcp('GET', deployPath(ns, 'web'))).json;
    expect(stored.status).toEqual(reported);
    expect(stored.metadata.annotations[c.viewAnnotation]).toBe('{"status":"##promoted##"}');
    expect((await c.vw('GET', path)).json.status).toEqual(reported);
  });

  // transformations/specdiff.go: the JSON patch in `experimental.spec-diff.workload.kcp.io/<key>` is applied to
  // the spec this SyncTarget reads; the stored spec stays as it is.
  itOnSyncer(s, 'applies the per-SyncTarget spec diff to what the syncer reads', async (c, ctx) => {
    if (!c.st.syncedResources.includes('apps/v1/deployments')) return ctx.skip();
    const ns = await c.placedNamespace('vw-specdiff');
    const body = deployment('diffed');
    const diff = JSON.stringify([{ op: 'replace', path: '/replicas', value: 3 }]);
    const annotations = { [`experimental.spec-diff.workload.kcp.io/${c.st.syncTargetKey}`]: diff };
    const made = await c.kcp('POST', deployPath(ns), withMetadata(body, { annotations }));
    expect(made.status, made.text).toBe(201);
    const view = (await seenBySyncer(c, vwPath(made.json, deployPath(ns, 'diffed')))).json;
    expect(view.spec.replicas).toBe(3);
    expect((await c.kcp('GET', deployPath(ns, 'diffed'))).json.spec.replicas).toBe(1);
  });
}

function syncerDeletionCases(s: SuiteRef): void {
  // pkg/reconciler/workload/resource/resource_reconcile.go sets `deletion.internal.workload.kcp.io/<key>` from
  // the object's deletionTimestamp; transformer.go AfterRead shows it as the view's deletionTimestamp while
  // `finalizers.workload.kcp.io/<key>` is empty; BeforeWrite of a view without the syncer finalizer drops the
  // SyncTarget (label, finalizer, annotations), which lets kcp remove the object.
  itOnSyncer(
    s,
    'shows deletion through the deletion annotation and lets the syncer release the object',
    async (c) => {
      const { ns, path } = await placeObject(c, 'vw-delete', cmPath, configMap('doomed'));
      await own(c, path);
      expect((await c.kcp('DELETE', cmPath(ns, 'doomed'))).status).toBe(200);
      const stored = await eventually(
        async () => {
          const got = (await c.kcp('GET', cmPath(ns, 'doomed'))).json;
          return got?.metadata?.annotations?.[c.deletionAnnotation] ? got : undefined;
        },
        30_000,
        'the deletion annotation',
      );
      expect(Date.parse(stored.metadata.annotations[c.deletionAnnotation])).toBe(
        Date.parse(stored.metadata.deletionTimestamp),
      );
      const view = (await c.vw('GET', path)).json;
      expect(Date.parse(view.metadata.deletionTimestamp)).toBe(Date.parse(stored.metadata.deletionTimestamp));
      const held = `finalizers.workload.kcp.io/${c.st.syncTargetKey}`;
      const hold = await c.kcp(
        'PATCH',
        cmPath(ns, 'doomed'),
        { metadata: { annotations: { [held]: 'example.com/wait' } } },
        'application/merge-patch+json',
      );
      expect(hold.status, hold.text).toBe(200);
      expect((await c.vw('GET', path)).json.metadata.deletionTimestamp).toBeUndefined();
      await c.kcp(
        'PATCH',
        cmPath(ns, 'doomed'),
        { metadata: { annotations: { [held]: null } } },
        'application/merge-patch+json',
      );
      const deleting = (await seenBySyncer(c, path)).json;
      expect(deleting.metadata.deletionTimestamp).toBeDefined();
      const release = await c.vw('PUT', path, withMetadata(deleting, { finalizers: [] }));
      expect(release.status, release.text).toBe(200);
      await eventually(
        async () => (await c.kcp('GET', cmPath(ns, 'doomed'))).status === 404,
        30_000,
        'the object gone from kcp',
      );
    },
  );
}

export function kcpSyncerLifecycleCases(s: SuiteRef): void {
  describeGroups('kcp syncer virtual workspace: status and deletion', s, [
    syncerStatusAndSpecCases,
    syncerDeletionCases,
  ]);
}
