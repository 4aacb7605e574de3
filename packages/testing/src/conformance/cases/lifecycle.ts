import { expect, it } from 'vitest';
import { eventually, type RawClient } from '../client.js';
import { describeGroups } from '../groups.js';
import {
  cmPath,
  configMap,
  create,
  expectEventsUntilDeleted,
  expectOk,
  expectStatus,
  type SuiteRef,
  withMetadata,
} from '../suite.js';

/** Creates namespace `name` and a ConfigMap in it. */
async function namespaceHolding(client: RawClient, name: string, content: { metadata: { name: string } }) {
  await create(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await create(client, cmPath(name), content);
}

function finalizerCases(s: SuiteRef): void {
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
      const added = await client.put(
        cmPath(ns, n),
        withMetadata(got.json, { finalizers: ['example.com/hold', 'example.com/new'] }),
      );
      expectStatus(added, 422, 'Invalid');
      const released = await client.put(cmPath(ns, n), withMetadata(got.json, { finalizers: [] }));
      expectOk(released);
      expectStatus(await client.get(cmPath(ns, n)), 404, 'NotFound');
      await expectEventsUntilDeleted(watch, ['MODIFIED', 'DELETED']);
    } finally {
      watch.abort();
    }
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
    await namespaceHolding(client, n, configMap('inside'));
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
    await namespaceHolding(client, n, configMap('inside'));
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
