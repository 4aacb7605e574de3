import { expect } from 'vitest';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import { cmPath, configMap, type SuiteRef, withMetadata } from '../suite.js';
import { itOnSyncer, placeObject, seenBySyncer, vwPath } from './kcp-support.js';

const names = (list: { items: { metadata: { name: string } }[] }) =>
  list.items.map((i) => i.metadata.name).sort();

function syncerServedResourceCases(s: SuiteRef): void {
  // pkg/virtual/syncer/schemas/builtin/builtin.go (namespaces, configmaps, secrets, serviceaccounts always),
  // controllers/apireconciler (plus the Accepted syncedResources) and builder/build.go (never pods or
  // endpoints); events are in neither. builder/forwarding.go: get, list, watch, update, patch only.
  itOnSyncer(
    s,
    'serves the built-in four and Accepted syncedResources, never pods, endpoints or events',
    async (c) => {
      const core = await c.vw('GET', '/clusters/*/api/v1');
      expect(core.status, core.text).toBe(200);
      const served = new Map<string, string[]>(
        core.json.resources.map((r: { name: string; verbs: string[] }) => [r.name, [...r.verbs].sort()]),
      );
      for (const r of ['namespaces', 'configmaps', 'secrets', 'serviceaccounts'])
        expect(served.has(r), r).toBe(true);
      for (const r of ['pods', 'endpoints', 'events']) expect(served.has(r), r).toBe(false);
      expect(served.get('configmaps')).toEqual(['get', 'list', 'patch', 'update', 'watch']);
      for (const r of ['pods', 'events'])
        expect((await c.vw('GET', `/clusters/*/api/v1/${r}`)).status).toBe(404);
      for (const gvr of c.st.syncedResources) {
        const parts = gvr.split('/');
        const resource = parts.pop()!;
        const list = await c.vw(
          'GET',
          `/clusters/*/${parts.length === 1 ? 'api' : 'apis'}/${parts.join('/')}/${resource}`,
        );
        expect(list.status, `${gvr}: ${list.text}`).toBe(200);
      }
    },
  );

  itOnSyncer(s, 'serves no create and no delete', async (c) => {
    const { ns, made, path } = await placeObject(c, 'vw-verbs', cmPath, configMap('kept'));
    await seenBySyncer(c, path);
    expect((await c.vw('POST', vwPath(made, cmPath(ns)), configMap('new'))).status).toBe(405);
    expect((await c.vw('DELETE', path)).status).toBe(405);
    expect((await c.vw('DELETE', vwPath(made, cmPath(ns)))).status).toBe(405);
    expect((await c.kcp('GET', cmPath(ns, 'kept'))).status).toBe(200);
    expect((await c.kcp('GET', cmPath(ns, 'new'))).status).toBe(404);
  });
}

function syncerSelectionCases(s: SuiteRef): void {
  // builder/template.go + forwardingregistry.WithStaticLabelSelector: the selector is the object's own
  // `state.workload.kcp.io/<key>=Sync`; pkg/reconciler/workload/resource/resource_reconcile.go copies the
  // namespace's state labels onto its contents and removes a state label the namespace does not carry.
  itOnSyncer(
    s,
    "selects objects by their own state label, which kcp keeps equal to their namespace's",
    async (c) => {
      const placed = await c.placedNamespace('vw-placed');
      const other = c.name('vw-other');
      await c.st.createUnplacedNamespace(other);
      const inPlaced = await c.kcp('POST', cmPath(placed), configMap('follows-ns'));
      const byHand = await c.kcp(
        'POST',
        cmPath(other),
        configMap('by-hand', {}, { labels: { [c.stateLabel]: 'Sync' } }),
      );
      expect([inPlaced.status, byHand.status]).toEqual([201, 201]);
      await eventually(
        async () =>
          (await c.kcp('GET', cmPath(placed, 'follows-ns'))).json?.metadata?.labels?.[c.stateLabel] ===
          'Sync',
        30_000,
        'the state label copied from the namespace',
      );
      await eventually(
        async () =>
          (await c.kcp('GET', cmPath(other, 'by-hand'))).json?.metadata?.labels?.[c.stateLabel] === undefined,
        30_000,
        'the hand-set state label removed',
      );
      await seenBySyncer(c, vwPath(inPlaced.json, cmPath(placed, 'follows-ns')));
      expect((await c.vw('GET', vwPath(byHand.json, cmPath(other, 'by-hand')))).status).toBe(404);
      const list = await c.vw('GET', '/clusters/*/api/v1/configmaps', undefined, {
        labelSelector: `${c.stateLabel}=Sync`,
      });
      expect(names(list.json)).toContain('follows-ns');
      // The forwarding storage relays client-go's unstructured list, whose items carry kind and apiVersion
      // (pkg/virtual/framework/forwardingregistry/store.go).
      expect(list.json.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
      expect(names(list.json)).not.toContain('by-hand');
      const namespaces = names((await c.vw('GET', '/clusters/*/api/v1/namespaces')).json);
      expect(namespaces).toContain(placed);
      expect(namespaces).not.toContain(other);
      const stream = await c.syncer.watch(
        '/clusters/*/api/v1/configmaps',
        { resourceVersion: list.json.metadata.resourceVersion },
        c.st.syncerURL,
      );
      try {
        expect((await c.kcp('POST', cmPath(placed, undefined), configMap('late'))).status).toBe(201);
        const added = await stream.waitFor((e) => e.object?.metadata?.name === 'late', 30_000);
        expect(added.type).toBe('ADDED');
        expect(added.object.metadata.labels[c.stateLabel]).toBe('Sync');
      } finally {
        stream.abort();
      }
    },
  );
}

function syncerViewCases(s: SuiteRef): void {
  // transformations/transformer.go AfterRead: finalizers other than the syncer's own and every
  // `diff.syncer.internal.kcp.io/*` annotation are hidden; BeforeWrite rebuilds the write from the stored
  // object, so only the syncer finalizer and the per-SyncTarget view annotation change (`{}` for a ConfigMap,
  // as ground-truth/go-syncer/upstream-demo.json shows); what the syncer sends besides is dropped.
  itOnSyncer(
    s,
    'hides foreign finalizers and view annotations, and rebuilds writes from the stored object',
    async (c) => {
      const keptFinalizer = configMap('cm', { a: '1' }, { finalizers: ['example.com/keep'] });
      const { ns, path } = await placeObject(c, 'vw-rebuild', cmPath, keptFinalizer);
      const view = (await seenBySyncer(c, path)).json;
      expect(view.metadata.finalizers).toBeUndefined();
      const unowned = await c.vw('PUT', path, { ...view, data: { a: 'changed' } });
      expect(unowned.status, unowned.text).toBe(500);
      const stale = await c.vw(
        'PUT',
        path,
        withMetadata(view, { resourceVersion: '1', finalizers: [c.finalizer] }),
      );
      expect(stale.status, stale.text).toBe(409);
      view.metadata.finalizers = [c.finalizer];
      view.metadata.labels = { ...view.metadata.labels, added: 'by-syncer' };
      view.metadata.annotations = {
        ...view.metadata.annotations,
        'added.example.com/x': 'y',
        [`experimental.status.workload.kcp.io/${c.st.syncTargetKey}`]: '{}',
      };
      view.data = { a: 'changed' };
      const put = await c.vw('PUT', path, view);
      expect(put.status, put.text).toBe(200);
      expect(put.json.metadata.finalizers).toEqual([c.finalizer]);
      expect(put.json.metadata.annotations[c.viewAnnotation]).toBeUndefined();
      const stored = (await c.kcp('GET', cmPath(ns, 'cm'))).json;
      expect(stored.data).toEqual({ a: '1' });
      expect(stored.metadata.labels.added).toBeUndefined();
      expect(stored.metadata.annotations['added.example.com/x']).toBeUndefined();
      expect(
        stored.metadata.annotations[`experimental.status.workload.kcp.io/${c.st.syncTargetKey}`],
      ).toBeUndefined();
      expect(stored.metadata.annotations[c.viewAnnotation]).toBe('{}');
      expect(stored.metadata.finalizers).toEqual(['example.com/keep', c.finalizer]);
      // A patch is applied to the syncer's view, then rebuilt like an update (forwardingregistry/store.go).
      const patched = await c.syncer.request(
        'PATCH',
        path,
        { rawBody: '{"data":{"a":"patched"}}', contentType: 'application/merge-patch+json' },
        c.st.syncerURL,
      );
      expect(patched.status, patched.text).toBe(200);
      expect((await c.kcp('GET', cmPath(ns, 'cm'))).json.data).toEqual({ a: '1' });
      await c.kcp(
        'PATCH',
        cmPath(ns, 'cm'),
        { metadata: { finalizers: [c.finalizer] } },
        'application/merge-patch+json',
      );
    },
  );
}

export function kcpSyncerVirtualWorkspaceCases(s: SuiteRef): void {
  describeGroups('kcp syncer virtual workspace (v0.11 rules)', s, [
    syncerServedResourceCases,
    syncerSelectionCases,
    syncerViewCases,
  ]);
}
