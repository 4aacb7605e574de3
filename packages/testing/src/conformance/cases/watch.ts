import { Watch } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { eventually } from '../client.js';
import { describeGroups } from '../groups.js';
import {
  cmPath,
  configMap,
  create,
  expectEventsUntilDeleted,
  expectOk,
  type SuiteRef,
  withMetadata,
} from '../suite.js';

function watchStreamCases(s: SuiteRef): void {
  it('streams ADDED, MODIFIED and DELETED from a list resourceVersion', async () => {
    const { client, ns, name } = s();
    const tag = name('w');
    const list = await client.get(cmPath(ns), { labelSelector: `w=${tag}` });
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: list.json.metadata.resourceVersion,
      labelSelector: `w=${tag}`,
    });
    try {
      const created = await create(client, cmPath(ns), configMap(tag, { a: '1' }, { labels: { w: tag } }));
      const updated = await client.put(cmPath(ns, tag), { ...created, data: { a: '2' } });
      expectOk(updated);
      expectOk(await client.delete(cmPath(ns, tag)));
      const deleted = await expectEventsUntilDeleted(stream, ['ADDED', 'MODIFIED', 'DELETED']);
      expect(stream.events[0]!.object).toMatchObject({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: tag },
        data: { a: '1' },
      });
      expect(stream.events[1]!.object.metadata.resourceVersion).toBe(updated.json.metadata.resourceVersion);
      expect(Number(deleted.object.metadata.resourceVersion)).toBeGreaterThan(
        Number(updated.json.metadata.resourceVersion),
      );
    } finally {
      stream.abort();
    }
  });

  it('resumes from an older resourceVersion and replays later changes', async () => {
    const { client, ns, name } = s();
    const tag = name('resume');
    const first = await create(client, cmPath(ns), configMap(`${tag}-1`, {}, { labels: { r: tag } }));
    await create(client, cmPath(ns), configMap(`${tag}-2`, {}, { labels: { r: tag } }));
    await create(client, cmPath(ns), configMap(`${tag}-3`, {}, { labels: { r: tag } }));
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: first.metadata.resourceVersion,
      labelSelector: `r=${tag}`,
    });
    try {
      await stream.waitFor((e) => e.object?.metadata?.name === `${tag}-3`);
      expect(stream.events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
        `ADDED:${tag}-2`,
        `ADDED:${tag}-3`,
      ]);
    } finally {
      stream.abort();
    }
  });

  it('starts with ADDED events for existing objects when no resourceVersion is given', async () => {
    const { client, ns, name } = s();
    const tag = name('init');
    await create(client, cmPath(ns), configMap(`${tag}-a`, {}, { labels: { i: tag } }));
    await create(client, cmPath(ns), configMap(`${tag}-b`, {}, { labels: { i: tag } }));
    const stream = await client.watch(cmPath(ns), { labelSelector: `i=${tag}` });
    try {
      await eventually(() => stream.events.length >= 2, 10_000, 'initial events');
      expect(stream.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
      expect(stream.events.map((e) => e.object.metadata.name).sort()).toEqual([`${tag}-a`, `${tag}-b`]);
    } finally {
      stream.abort();
    }
  });
}

function watchSelectorAndTimeoutCases(s: SuiteRef): void {
  it('turns label changes into ADDED and DELETED for a selector watch', async () => {
    const { client, ns, name } = s();
    const n = name('move');
    const created = await create(client, cmPath(ns), configMap(n, {}, { labels: { phase: 'out' } }));
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: created.metadata.resourceVersion,
      labelSelector: 'phase=in',
    });
    try {
      const inside = await client.put(cmPath(ns, n), withMetadata(created, { labels: { phase: 'in' } }));
      expectOk(inside);
      const outside = await client.put(
        cmPath(ns, n),
        withMetadata(inside.json, { labels: { phase: 'out' } }),
      );
      expectOk(outside);
      await expectEventsUntilDeleted(stream, ['ADDED', 'DELETED']);
    } finally {
      stream.abort();
    }
  });

  it('watches a single object through fieldSelector=metadata.name', async () => {
    const { client, ns, name } = s();
    const a = name('one');
    const created = await create(client, cmPath(ns), configMap(a));
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: created.metadata.resourceVersion,
      fieldSelector: `metadata.name=${a}`,
    });
    try {
      await create(client, cmPath(ns), configMap(name('other')));
      expectOk(await client.put(cmPath(ns, a), { ...created, data: { x: 'y' } }));
      await stream.waitFor((e) => e.type === 'MODIFIED');
      expect(stream.events.map((e) => e.object.metadata.name)).toEqual([a]);
    } finally {
      stream.abort();
    }
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const { client, ns } = s();
    const list = await client.get(cmPath(ns));
    const started = Date.now();
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: list.json.metadata.resourceVersion,
      timeoutSeconds: 1,
    });
    await stream.done;
    expect(stream.ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
}

function watchBookmarkAndExpiryCases(s: SuiteRef): void {
  it('sends a BOOKMARK with only kind, apiVersion and resourceVersion before the timeout', async () => {
    const { client, ns, name } = s();
    const list = await client.get(cmPath(ns));
    // The watch sees none of the objects; a later write moves the resource's version past the watch's,
    // which is when kube-apiserver's watch cache sends bookmarks (about 2 s before the timeout).
    const stream = await client.watch(cmPath(ns), {
      resourceVersion: list.json.metadata.resourceVersion,
      fieldSelector: 'metadata.name=never-created',
      allowWatchBookmarks: true,
      timeoutSeconds: 5,
    });
    try {
      await create(client, cmPath(ns), configMap(name('progress')));
      const bookmark = await stream.waitFor((e) => e.type === 'BOOKMARK', 10_000);
      expect(bookmark.object.kind).toBe('ConfigMap');
      expect(bookmark.object.apiVersion).toBe('v1');
      expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThan(
        Number(list.json.metadata.resourceVersion),
      );
      expect(Object.keys(bookmark.object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(stream.events.filter((e) => e.type !== 'BOOKMARK')).toEqual([]);
    } finally {
      stream.abort();
    }
  });

  it('reports an expired resourceVersion with an in-stream ERROR event carrying 410', async (ctx) => {
    const { client, ns, name, target } = s();
    if (!target.capabilities.compact) return ctx.skip();
    const created = await create(client, cmPath(ns), configMap(name('gone')));
    await create(client, cmPath(ns), configMap(name('gone')));
    await target.capabilities.compact();
    const stream = await client.watch(cmPath(ns), { resourceVersion: created.metadata.resourceVersion });
    const err = await stream.waitFor((e) => e.type === 'ERROR');
    expect(err.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 410,
      reason: expect.stringMatching(/^(Expired|Gone)$/),
    });
    await stream.done;
  });

  it('works with the unmodified client-node Watch', async () => {
    const { client, ns, name } = s();
    const list = await client.get(cmPath(ns));
    const seen: string[] = [];
    const n = name('cnw');
    const watch = new Watch(client.kc);
    const ctrl = await watch.watch(
      client.server === client.baseServer ? cmPath(ns) : cmPath(ns),
      { resourceVersion: list.json.metadata.resourceVersion, fieldSelector: `metadata.name=${n}` },
      (phase, obj) => seen.push(`${phase}:${obj.metadata.name}`),
      () => undefined,
    );
    try {
      await create(client, cmPath(ns), configMap(n));
      await eventually(() => seen.includes(`ADDED:${n}`), 10_000, 'client-node watch event');
    } finally {
      ctrl.abort();
    }
  });
}

export function watchCases(s: SuiteRef): void {
  describeGroups('watch', s, [watchStreamCases, watchSelectorAndTimeoutCases, watchBookmarkAndExpiryCases]);
}
