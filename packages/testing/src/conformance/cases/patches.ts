import { expect, it } from 'vitest';
import { describeGroups } from '../groups.js';
import {
  cmPath,
  configMap,
  create,
  deployment,
  deployPath,
  expectOk,
  expectStatus,
  type SuiteRef,
} from '../suite.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

function patchTypeCases(s: SuiteRef): void {
  it('merge patch sets and removes fields (null deletes)', async () => {
    const { client, ns, name } = s();
    const n = name('mp');
    await create(client, cmPath(ns), configMap(n, { a: '1', b: '2' }));
    const res = await client.patch(cmPath(ns, n), MERGE, {
      metadata: { labels: { x: 'y' } },
      data: { a: null, c: '3' },
    });
    expectOk(res);
    expect(res.json.data).toEqual({ b: '2', c: '3' });
    expect(res.json.metadata.labels).toEqual({ x: 'y' });
  });

  it('JSON patch applies operations; a failed test answers 422', async () => {
    const { client, ns, name } = s();
    const n = name('jp');
    await create(client, cmPath(ns), configMap(n, { a: '1' }));
    const ok = await client.patch(cmPath(ns, n), JSON_PATCH, [
      { op: 'test', path: '/data/a', value: '1' },
      { op: 'replace', path: '/data/a', value: '2' },
      { op: 'add', path: '/data/b', value: '3' },
    ]);
    expectOk(ok);
    expect(ok.json.data).toEqual({ a: '2', b: '3' });
    const failed = await client.patch(cmPath(ns, n), JSON_PATCH, [
      { op: 'test', path: '/data/a', value: 'nope' },
    ]);
    expectStatus(failed, 422, 'Invalid');
  });

  it('strategic merge patch merges containers by name and env by name', async () => {
    const { client, ns, name } = s();
    const n = name('smp');
    const base = deployment(n);
    base.spec.template.spec.containers.push({ name: 'side', image: 'registry.k8s.io/pause:3.10', env: [] });
    await create(client, deployPath(ns), base);
    const res = await client.patch(deployPath(ns, n), STRATEGIC, {
      spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } },
    });
    expectOk(res);
    const containers = res.json.spec.template.spec.containers;
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['main', 'side']);
    expect(containers[0].image).toBe('registry.k8s.io/pause:3.10');
    // Patched items come first, then the untouched originals.
    expect(containers[0].env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
    const del = await client.patch(deployPath(ns, n), STRATEGIC, {
      spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } },
    });
    expectOk(del);
    expect(del.json.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['main']);
  });

  it('strategic merge patch unions finalizers', async () => {
    const { client, ns, name } = s();
    const n = name('fin');
    await create(client, cmPath(ns), configMap(n, {}, { finalizers: ['example.com/a'] }));
    const res = await client.patch(cmPath(ns, n), STRATEGIC, {
      metadata: { finalizers: ['example.com/b'] },
    });
    expectOk(res);
    expect([...res.json.metadata.finalizers].sort()).toEqual(['example.com/a', 'example.com/b']);
    const cleared = await client.patch(cmPath(ns, n), MERGE, { metadata: { finalizers: null } });
    expectOk(cleared);
  });
}

function patchErrorCases(s: SuiteRef): void {
  it('answers a patch of a missing object with 404 and a stale resourceVersion in the patch with 409', async () => {
    const { client, ns, name } = s();
    expectStatus(
      await client.patch(cmPath(ns, 'missing-object'), MERGE, { data: { a: '1' } }),
      404,
      'NotFound',
    );
    const n = name('prv');
    const created = await create(client, cmPath(ns), configMap(n));
    expectOk(await client.patch(cmPath(ns, n), MERGE, { data: { a: '1' } }));
    const stale = await client.patch(cmPath(ns, n), MERGE, {
      metadata: { resourceVersion: created.metadata.resourceVersion },
      data: { a: '2' },
    });
    expectStatus(stale, 409, 'Conflict');
  });

  it('answers an unknown patch content type with 415', async () => {
    const { client, ns, name } = s();
    const n = name('ct');
    await create(client, cmPath(ns), configMap(n));
    expectStatus(await client.patch(cmPath(ns, n), 'application/xml', '<x/>'), 415, 'UnsupportedMediaType');
  });
}

export function patchCases(s: SuiteRef): void {
  describeGroups('patch: merge, JSON and strategic merge', s, [patchTypeCases, patchErrorCases]);
}
