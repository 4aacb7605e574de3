import { describe, expect, it } from 'vitest';
import { stateLabel, syncTargetKey } from '../../kcp/synctarget-key.js';
import { eventually } from '../client.js';
import { configMap, expectOk, type SuiteRef } from '../suite.js';
import { ensureNamespace, kcpSuite } from './kcp.js';

/** A SyncTarget the case creates itself in a test cluster (no syncer, no Placement). */
export function kcpOwnSyncTargetCases(s: SuiteRef): void {
  describe('kcp syncer virtual workspace', () => {
    it('publishes the virtual workspace URL and shows only objects selected for the SyncTarget', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      // The namespaces are placed by hand: no Placement, no syncer for this SyncTarget.
      if (!k.target.capabilities.syncerVirtualWorkspace || !k.target.capabilities.handSetNamespaceState)
        return ctx.skip();
      const [a] = k.clusters;
      const stName = k.name('st');
      const syncerURL = await createSyncTarget(k, a, stName);
      const label = stateLabel(syncTargetKey(a, stName));
      const synced = k.name('synced');
      const other = k.name('other');
      await ensureNamespace(k, a, synced, { [label]: 'Sync' });
      await ensureNamespace(k, a, other);
      const post = (ns: string, name: string, labels: Record<string, string> = {}) =>
        k.client.request(
          'POST',
          `/clusters/${a}/api/v1/namespaces/${ns}/configmaps`,
          { body: configMap(name, {}, { labels }) },
          k.base,
        );
      expect((await post(synced, 'in-synced-ns')).status).toBe(201);
      expect((await post(other, 'labelled', { [label]: 'Sync' })).status).toBe(201);
      expect((await post(other, 'not-selected')).status).toBe(201);
      expect((await post(other, 'pending', { [label]: '' })).status).toBe(201);

      // kcp's workload resource controller gives the namespace's contents its state labels and removes a state
      // label their namespace lacks (pkg/reconciler/workload/resource/resource_reconcile.go); the virtual
      // workspace selects on the object's own label (pkg/virtual/syncer/builder/template.go). kcp's own
      // kube-root-ca.crt of the placed namespace is placed with it (ground-truth/go-syncer/upstream-demo.json).
      const vwList = await listedConfigMaps(k, syncerURL, ['in-synced-ns', 'kube-root-ca.crt']);
      expectOk(vwList);
      const nsList = await k.client.request('GET', '/clusters/*/api/v1/namespaces', {}, syncerURL);
      expect(nsList.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([synced]);

      const stream = await k.client.watch(
        '/clusters/*/api/v1/configmaps',
        { resourceVersion: vwList.json.metadata.resourceVersion },
        syncerURL,
      );
      try {
        expect((await post(other, 'late-unselected')).status).toBe(201);
        expect((await post(synced, 'late-selected')).status).toBe(201);
        await stream.waitFor((e) => e.object?.metadata?.name === 'late-selected');
        expect(stream.events.map((e) => e.object.metadata.name)).toEqual(['late-selected']);
      } finally {
        stream.abort();
      }

      await expectSyncerWritesChecked(k, syncerURL, { cluster: a, synced, other });
    });
  });
}

type KcpSuite = NonNullable<ReturnType<typeof kcpSuite>>;

/** Creates a SyncTarget and waits for kcp to publish its syncer virtual workspace URL (with the SyncTarget's uid). */
async function createSyncTarget(k: KcpSuite, cluster: string, name: string): Promise<string> {
  const st = await k.client.request(
    'POST',
    `/clusters/${cluster}/apis/workload.kcp.io/v1alpha1/synctargets`,
    { body: { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name }, spec: {} } },
    k.base,
  );
  expect(st.status, st.text).toBe(201);
  const syncerURL = await eventually(
    async () => {
      const got = await k.client.request(
        'GET',
        `/clusters/${cluster}/apis/workload.kcp.io/v1alpha1/synctargets/${name}`,
        {},
        k.base,
      );
      return got.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
    },
    15_000,
    'syncerURL in SyncTarget status',
  );
  expect(syncerURL).toMatch(new RegExp(`/services/syncer/${cluster}/${name}/${st.json.metadata.uid}$`));
  return syncerURL;
}

/** The virtual workspace's ConfigMap list, once it names exactly `expected` (sorted). */
async function listedConfigMaps(k: KcpSuite, syncerURL: string, expected: string[]) {
  return eventually(
    async () => {
      const res = await k.client.request('GET', '/clusters/*/api/v1/configmaps', {}, syncerURL);
      const listed = res.json?.items?.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
      // Thrown, so that a timeout reports what the virtual workspace listed last.
      if (res.status !== 200 || JSON.stringify(listed) !== JSON.stringify(expected))
        throw new Error(`HTTP ${res.status}: ${JSON.stringify(listed) ?? res.text}`);
      return res;
    },
    30_000,
    `only ${expected.join(' and ')} in the virtual workspace`,
  );
}

/** Writes and reads through the virtual workspace: finalizer-less writes, unselected objects, a wrong uid. */
async function expectSyncerWritesChecked(
  k: KcpSuite,
  syncerURL: string,
  { cluster: a, synced, other }: { cluster: string; synced: string; other: string },
): Promise<void> {
  const obj = await k.client.request(
    'GET',
    `/clusters/${a}/api/v1/namespaces/${synced}/configmaps/in-synced-ns`,
    {},
    syncerURL,
  );
  expectOk(obj);
  // A syncer write without its finalizer is refused (pkg/virtual/syncer/transformations/transformer.go).
  const upd = await k.client.request(
    'PUT',
    `/clusters/${a}/api/v1/namespaces/${synced}/configmaps/in-synced-ns`,
    { body: { ...obj.json, data: { via: 'vw' } } },
    syncerURL,
  );
  expect(upd.status, upd.text).toBe(500);
  const hidden = await k.client.request(
    'GET',
    `/clusters/${a}/api/v1/namespaces/${other}/configmaps/labelled`,
    {},
    syncerURL,
  );
  expect(hidden.status).toBe(404);
  const wrongUid = syncerURL.replace(/\/[^/]+$/, '/00000000-0000-0000-0000-000000000000');
  expect([403, 404]).toContain(
    (await k.client.request('GET', '/clusters/*/api/v1/configmaps', {}, wrongUid)).status,
  );
}
