import { expect, it } from 'vitest';
import { describeGroups } from '../groups.js';
import { cmPath, configMap, create, expectOk, expectStatus, type SuiteRef } from '../suite.js';

function selectorAndPagingCases(s: SuiteRef): void {
  it('returns a List kind with resourceVersion; built-in items carry no kind/apiVersion', async () => {
    const { client, ns, name } = s();
    await create(client, cmPath(ns), configMap(name('l')));
    const res = await client.get(cmPath(ns));
    expectOk(res);
    expect(res.json).toMatchObject({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(res.json.items.length).toBeGreaterThan(0);
    expect(res.json.items[0].kind).toBeUndefined();
  });

  it('filters by label selector (=, !=, in, notin, exists, !exists)', async () => {
    const { client, ns, name } = s();
    const tag = name('sel');
    const mk = (n: string, labels: Record<string, string>) =>
      create(client, cmPath(ns), configMap(n, {}, { labels: { suite: tag, ...labels } }));
    await mk(`${tag}-a`, { tier: 'web', env: 'prod' });
    await mk(`${tag}-b`, { tier: 'db', env: 'dev' });
    await mk(`${tag}-c`, { tier: 'cache' });
    const names = async (selector: string) => {
      const res = await client.get(cmPath(ns), { labelSelector: `suite=${tag},${selector}` });
      expectOk(res);
      return res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
    };
    expect(await names('tier=web')).toEqual([`${tag}-a`]);
    expect(await names('tier!=web')).toEqual([`${tag}-b`, `${tag}-c`]);
    expect(await names('tier in (web,db)')).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(await names('tier notin (web,db)')).toEqual([`${tag}-c`]);
    expect(await names('env')).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(await names('!env')).toEqual([`${tag}-c`]);
  });

  it('filters by field selector metadata.name and rejects unsupported fields with 400', async () => {
    const { client, ns, name } = s();
    const n = name('fs');
    await create(client, cmPath(ns), configMap(n));
    const res = await client.get(cmPath(ns), { fieldSelector: `metadata.name=${n}` });
    expect(res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([n]);
    const not = await client.get(cmPath(ns), { fieldSelector: `metadata.name!=${n}` });
    expect(not.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).not.toContain(n);
    expectStatus(await client.get(cmPath(ns), { fieldSelector: 'spec.nothing=x' }), 400, 'BadRequest');
  });

  it('pages with limit and continue, covering every item once', async () => {
    const { client, ns, name } = s();
    const tag = name('page');
    const want: string[] = [];
    for (let i = 0; i < 7; i++) {
      const n = `${tag}-${i}`;
      want.push(n);
      await create(client, cmPath(ns), configMap(n, {}, { labels: { page: tag } }));
    }
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const res = await client.get(cmPath(ns), { labelSelector: `page=${tag}`, limit: 3, continue: cont });
      expectOk(res);
      pages++;
      expect(res.json.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      cont = res.json.metadata.continue || undefined;
    } while (cont && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(want.sort());
  });
}

function continueAndClusterWideCases(s: SuiteRef): void {
  it('reports remainingItemCount on an unfiltered limited list', async () => {
    const { client, ns, name } = s();
    for (let i = 0; i < 3; i++) await create(client, cmPath(ns), configMap(name('rem')));
    const all = await client.get(cmPath(ns));
    const res = await client.get(cmPath(ns), { limit: 1 });
    expect(res.json.items).toHaveLength(1);
    expect(res.json.metadata.continue).toBeTruthy();
    expect(res.json.metadata.remainingItemCount).toBe(all.json.items.length - 1);
  });

  it('rejects a malformed continue token with 400', async () => {
    const { client, ns } = s();
    expectStatus(await client.get(cmPath(ns), { limit: 1, continue: 'not-a-token' }), 400, 'BadRequest');
  });

  it('lists across namespaces at the cluster-wide path', async () => {
    const { client, ns, name } = s();
    const n = name('wide');
    await create(client, cmPath(ns), configMap(n));
    const res = await client.get('/api/v1/configmaps', { fieldSelector: `metadata.name=${n}` });
    expectOk(res);
    expect(res.json.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace)).toEqual([
      ns,
    ]);
  });

  it('answers an expired continue token with 410 Expired', async (ctx) => {
    const { client, ns, name, target } = s();
    if (!target.capabilities.compact) return ctx.skip();
    for (let i = 0; i < 3; i++) await create(client, cmPath(ns), configMap(name('exp')));
    const first = await client.get(cmPath(ns), { limit: 1 });
    await target.capabilities.compact();
    const res = await client.get(cmPath(ns), { limit: 1, continue: first.json.metadata.continue });
    expectStatus(res, 410, 'Expired');
  });
}

export function listCases(s: SuiteRef): void {
  describeGroups('list: selectors and paging', s, [selectorAndPagingCases, continueAndClusterWideCases]);
}
