import { expect, it } from 'vitest';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import { cmPath, configMap, create, expectOk, expectStatus, type SuiteRef } from '../suite.js';

function finalizerCases(s: SuiteRef): void {
  it('keeps a finalized object with deletionTimestamp until its last finalizer goes', async () => {
    const { client, ns, name } = s();
    const n = name('hold');
    const created = await create(client, cmPath(ns), configMap(n, {}, { finalizers: ['example.com/hold'] }));
    const watch = await client.watch(cmPath(ns), {
      resourceVersion: created.metadata.resourceVersion,
      fieldSelector: `metadata.name=${n}`,
    });
    try {
      const del = await client.delete(cmPath(ns, n));
      expectOk(del);
      expect(del.json.metadata.deletionTimestamp).toBeTruthy();
      const got = await client.get(cmPath(ns, n));
      expectOk(got);
      expect(got.json.metadata.deletionTimestamp).toBeTruthy();
      const added = await client.put(cmPath(ns, n), {
        ...got.json,
        metadata: { ...got.json.metadata, finalizers: ['example.com/hold', 'example.com/new'] },
      });
      expectStatus(added, 422, 'Invalid');
      const released = await client.put(cmPath(ns, n), {
        ...got.json,
        metadata: { ...got.json.metadata, finalizers: [] },
      });
      expectOk(released);
      expectStatus(await client.get(cmPath(ns, n)), 404, 'NotFound');
      await watch.waitFor((e) => e.type === 'DELETED');
      expect(watch.events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    } finally {
      watch.abort();
    }
  });

  it('checks delete preconditions (409 on a uid mismatch)', async () => {
    const { client, ns, name } = s();
    const n = name('pre');
    await create(client, cmPath(ns), configMap(n));
    const res = await client.delete(
      cmPath(ns, n),
      {},
      {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        preconditions: { uid: '00000000-0000-0000-0000-000000000000' },
      },
    );
    expectStatus(res, 409, 'Conflict');
    expectOk(await client.get(cmPath(ns, n)));
  });
}

function garbageCollectionCases(s: SuiteRef): void {
  it('deletes dependents through ownerReferences (garbage collection)', async (ctx) => {
    const { client, ns, name, target } = s();
    if (!target.capabilities.garbageCollection) return ctx.skip();
    const owner = await create(client, cmPath(ns), configMap(name('owner')));
    const dep = name('dependent');
    await create(
      client,
      cmPath(ns),
      configMap(
        dep,
        {},
        {
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid },
          ],
        },
      ),
    );
    expectOk(await client.delete(cmPath(ns, owner.metadata.name)));
    await eventually(
      async () => (await client.get(cmPath(ns, dep))).status === 404,
      30_000,
      'dependent deleted',
    );
  });
}

function namespaceLifecycleCases(s: SuiteRef): void {
  it('creates namespaces Active with the kubernetes finalizer and name label', async () => {
    const { client, name } = s();
    const n = name('ns');
    const ns = await create(client, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n },
    });
    expect(ns.status.phase).toBe('Active');
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe(n);
    await client.delete(`/api/v1/namespaces/${n}`);
  });

  it('marks a deleted namespace Terminating and forbids new content in it (403)', async () => {
    const { client, name } = s();
    const n = name('term');
    await create(client, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n },
    });
    await create(client, cmPath(n), configMap('inside'));
    const del = await client.delete(`/api/v1/namespaces/${n}`);
    expectOk(del);
    expect(del.json.status.phase).toBe('Terminating');
    expect(del.json.metadata.deletionTimestamp).toBeTruthy();
    const res = await eventually(
      async () => {
        const r = await client.post(cmPath(n), configMap(name('late')));
        return r.status === 403 ? r : undefined;
      },
      15_000,
      'creation forbidden in a terminating namespace',
    );
    expectStatus(res, 403, 'Forbidden');
    expect(res.json.details.causes).toContainEqual(
      expect.objectContaining({ reason: 'NamespaceTerminating', field: 'metadata.namespace' }),
    );
  });

  it('removes a deleted namespace and its contents (namespace controller)', async (ctx) => {
    const { client, name, target } = s();
    if (!target.capabilities.namespaceCascade) return ctx.skip();
    const n = name('casc');
    await create(client, '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n },
    });
    await create(client, cmPath(n), configMap('inside'));
    expectOk(await client.delete(`/api/v1/namespaces/${n}`));
    await eventually(
      async () => (await client.get(`/api/v1/namespaces/${n}`)).status === 404,
      60_000,
      'namespace removed',
    );
    expectStatus(await client.get(cmPath(n, 'inside')), 404, 'NotFound');
  });
}

export function lifecycleCases(s: SuiteRef): void {
  describeGroups('finalizers and deletion', s, [finalizerCases, garbageCollectionCases]);
  describeGroups('namespace lifecycle', s, [namespaceLifecycleCases]);
}
