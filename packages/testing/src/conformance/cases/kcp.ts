import { randomBytes } from 'node:crypto';
import { describe, expect, it, type TestContext } from 'vitest';
import { stateLabel, syncTargetKey } from '../../kcp/synctarget-key.js';
import { eventually } from '../client.js';
import { configMap, expectOk, type Suite, type SuiteRef } from '../suite.js';

const CLUSTER_ANNOTATION = 'kcp.io/cluster';

function kcpSuite(
  s: SuiteRef,
  ctx: TestContext,
): (Suite & { clusters: [string, string]; base: string }) | undefined {
  const suite = s();
  if (!suite.target.capabilities.kcp || !suite.target.kcp) {
    ctx.skip();
    return undefined;
  }
  return { ...suite, clusters: suite.target.kcp.clusters, base: suite.client.baseServer };
}

async function ensureNamespace(
  suite: Suite & { base: string },
  cluster: string,
  ns: string,
  labels: Record<string, string> = {},
) {
  const res = await suite.client.request(
    'POST',
    `/clusters/${cluster}/api/v1/namespaces`,
    { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } } },
    suite.base,
  );
  expect([201, 409], res.text).toContain(res.status);
}

export function kcpCases(s: SuiteRef): void {
  describe('kcp logical clusters', () => {
    it('keeps logical clusters independent and annotates every object with kcp.io/cluster', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      const [a, b] = k.clusters;
      const ns = k.name('lc');
      for (const c of [a, b]) await ensureNamespace(k, c, ns);
      for (const c of [a, b]) {
        const res = await k.client.request(
          'POST',
          `/clusters/${c}/api/v1/namespaces/${ns}/configmaps`,
          { body: configMap('same', { from: c }) },
          k.base,
        );
        expect(res.status, res.text).toBe(201);
        expect(res.json.metadata.annotations[CLUSTER_ANNOTATION]).toBe(c);
      }
      for (const c of [a, b]) {
        const res = await k.client.request(
          'GET',
          `/clusters/${c}/api/v1/namespaces/${ns}/configmaps/same`,
          {},
          k.base,
        );
        expect(res.json.data).toEqual({ from: c });
      }
    });

    it('lists and watches across clusters with the wildcard /clusters/*', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      const [a, b] = k.clusters;
      const ns = k.name('wild');
      const tag = k.name('tag');
      for (const c of [a, b]) await ensureNamespace(k, c, ns);
      const list0 = await k.client.request(
        'GET',
        '/clusters/*/api/v1/configmaps',
        { query: { labelSelector: `w=${tag}` } },
        k.base,
      );
      expectOk(list0);
      const stream = await k.client.watch(
        '/clusters/*/api/v1/configmaps',
        { labelSelector: `w=${tag}`, resourceVersion: list0.json.metadata.resourceVersion },
        k.base,
      );
      try {
        for (const c of [a, b]) {
          const res = await k.client.request(
            'POST',
            `/clusters/${c}/api/v1/namespaces/${ns}/configmaps`,
            { body: configMap('x', {}, { labels: { w: tag } }) },
            k.base,
          );
          expect(res.status).toBe(201);
        }
        await eventually(() => stream.events.length >= 2, 10_000, 'wildcard watch events');
        expect(stream.events.map((e) => e.object.metadata.annotations[CLUSTER_ANNOTATION]).sort()).toEqual(
          [a, b].sort(),
        );
        const list = await k.client.request(
          'GET',
          '/clusters/*/api/v1/configmaps',
          { query: { labelSelector: `w=${tag}` } },
          k.base,
        );
        expect(
          list.json.items
            .map(
              (i: { metadata: { annotations: Record<string, string> } }) =>
                i.metadata.annotations[CLUSTER_ANNOTATION],
            )
            .sort(),
        ).toEqual([a, b].sort());
      } finally {
        stream.abort();
      }
    });

    it('serves a CRD only in the logical cluster that defines it', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      const [a, b] = k.clusters;
      const group = `k${randomBytes(3).toString('hex')}.conformance.example.com`;
      const res = await k.client.request(
        'POST',
        `/clusters/${a}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`,
        {
          body: {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            metadata: { name: `things.${group}` },
            spec: {
              group,
              scope: 'Cluster',
              names: { plural: 'things', singular: 'thing', kind: 'Thing' },
              versions: [
                {
                  name: 'v1',
                  served: true,
                  storage: true,
                  schema: {
                    openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              ],
            },
          },
        },
        k.base,
      );
      expect(res.status, res.text).toBe(201);
      await eventually(
        async () =>
          (await k.client.request('GET', `/clusters/${a}/apis/${group}/v1`, {}, k.base)).status === 200,
        30_000,
        'CRD served',
      );
      expect((await k.client.request('GET', `/clusters/${b}/apis/${group}/v1`, {}, k.base)).status).toBe(404);
    });

    // kcp serves a wildcard request for a CRD-backed resource from the CRDs of every logical cluster, as long as
    // their schemas agree (its apiextensions CRD lister for the wildcard cluster), discovery included.
    it('lists and discovers a CRD across the logical clusters that define it with /clusters/*', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      const [a, b] = k.clusters;
      const group = `w${randomBytes(3).toString('hex')}.conformance.example.com`;
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `gizmos.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      };
      const ns = k.name('gz');
      for (const c of [a, b]) {
        const res = await k.client.request(
          'POST',
          `/clusters/${c}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`,
          { body: crd },
          k.base,
        );
        expect(res.status, res.text).toBe(201);
        await ensureNamespace(k, c, ns);
        await eventually(
          async () =>
            (await k.client.request('GET', `/clusters/${c}/apis/${group}/v1`, {}, k.base)).status === 200,
          30_000,
          'CRD served',
        );
        const made = await k.client.request(
          'POST',
          `/clusters/${c}/apis/${group}/v1/namespaces/${ns}/gizmos`,
          { body: { apiVersion: `${group}/v1`, kind: 'Gizmo', metadata: { name: 'g' } } },
          k.base,
        );
        expect(made.status, made.text).toBe(201);
      }
      const discovery = await k.client.request('GET', `/clusters/*/apis/${group}/v1`, {}, k.base);
      expectOk(discovery);
      expect(discovery.json.resources.find((r: { name: string }) => r.name === 'gizmos')?.namespaced).toBe(
        true,
      );
      const list = await k.client.request('GET', `/clusters/*/apis/${group}/v1/gizmos`, {}, k.base);
      expectOk(list);
      expect(
        list.json.items
          .map(
            (i: { metadata: { annotations: Record<string, string> } }) =>
              i.metadata.annotations[CLUSTER_ANNOTATION],
          )
          .sort(),
      ).toEqual([a, b].sort());
    });
  });

  describe('kcp syncer virtual workspace', () => {
    it('publishes the virtual workspace URL and shows only objects selected for the SyncTarget', async (ctx) => {
      const k = kcpSuite(s, ctx);
      if (!k) return;
      if (!k.target.capabilities.syncerVirtualWorkspace) return ctx.skip();
      const [a] = k.clusters;
      const stName = k.name('st');
      const st = await k.client.request(
        'POST',
        `/clusters/${a}/apis/workload.kcp.io/v1alpha1/synctargets`,
        {
          body: {
            apiVersion: 'workload.kcp.io/v1alpha1',
            kind: 'SyncTarget',
            metadata: { name: stName },
            spec: {},
          },
        },
        k.base,
      );
      expect(st.status, st.text).toBe(201);
      const syncerURL = await eventually(
        async () => {
          const got = await k.client.request(
            'GET',
            `/clusters/${a}/apis/workload.kcp.io/v1alpha1/synctargets/${stName}`,
            {},
            k.base,
          );
          return got.json?.status?.virtualWorkspaces?.[0]?.syncerURL as string | undefined;
        },
        15_000,
        'syncerURL in SyncTarget status',
      );
      expect(syncerURL).toMatch(new RegExp(`/services/syncer/${a}/${stName}/${st.json.metadata.uid}$`));
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
      // workspace selects on the object's own label (pkg/virtual/syncer/builder/template.go).
      const vwList = await eventually(
        async () => {
          const res = await k.client.request('GET', '/clusters/*/api/v1/configmaps', {}, syncerURL);
          const listed = res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
          return res.status === 200 && JSON.stringify(listed) === '["in-synced-ns"]' ? res : undefined;
        },
        30_000,
        'only in-synced-ns in the virtual workspace',
      );
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
    });
  });
}
