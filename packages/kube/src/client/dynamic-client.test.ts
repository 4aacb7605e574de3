import { gvr, isKubeStatus, type KubeObject, TmcError } from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { openCrd } from '@kcp-tmc/testing/kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type TestClient } from '../../test/support/clients.js';

const configmaps = gvr('', 'v1', 'configmaps');
const namespaces = gvr('', 'v1', 'namespaces');
const deployments = gvr('apps', 'v1', 'deployments');

let sim: KubeSimulator;
let t: TestClient;

beforeAll(async () => {
  sim = await startKubeSimulator({ token: 'client-test-token' });
  t = clientFor(sim.kubeconfig);
  await t.client.create(namespaces, { metadata: { name: 'app' } });
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});
afterEach(() => {
  sim.faults.clearRules();
  sim.faults.setLatency(0);
});

function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}

function deployment(name: string, image = 'nginx:1.27'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'main', image },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<TmcError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TmcError) return err;
    throw err;
  }
  throw new Error('expected a TmcError');
}

describe('DynamicClient CRUD over raw JSON', () => {
  it('creates, gets, updates and deletes, returning exactly what the server sent', async () => {
    const created = await t.client.create(configmaps, configMap('crud', { a: '1' }), { namespace: 'app' });
    expect(created.metadata.uid).toBeTruthy();
    expect(created.metadata.namespace).toBe('app');
    const got = await t.client.get(configmaps, { namespace: 'app', name: 'crud' });
    // Timestamps stay the server's strings (client-node's typed models would rewrite them as Dates).
    expect(got.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(got).toEqual(created);

    const updated = await t.client.update(configmaps, { ...got, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    expect(updated.metadata.resourceVersion).not.toBe(got.metadata.resourceVersion);

    // A stale resourceVersion is a conflict, typed.
    const conflict = await caught(t.client.update(configmaps, { ...got, data: { a: '3' } }));
    expect(conflict.type).toBe('ResourceConflict');
    expect(conflict.status).toBe(409);
    expect(conflict.reason).toBe('Conflict');

    const deleted = await t.client.delete(configmaps, { namespace: 'app', name: 'crud' });
    expect(isKubeStatus(deleted) ? deleted.status : deleted.metadata.name).toBeTruthy();
    const gone = await caught(t.client.get(configmaps, { namespace: 'app', name: 'crud' }));
    expect(gone.type).toBe('NotFound');
    expect(gone.status).toBe(404);
  });

  it('reports AlreadyExists and Invalid with causes', async () => {
    await t.client.create(configmaps, configMap('dup'), { namespace: 'app' });
    const dup = await caught(t.client.create(configmaps, configMap('dup'), { namespace: 'app' }));
    expect(dup.type).toBe('AlreadyExists');
    const invalid = await caught(
      t.client.create(configmaps, configMap('Not_A_Valid_Name'), { namespace: 'app' }),
    );
    expect(invalid.type).toBe('Invalid');
    expect(invalid.status).toBe(422);
    expect(invalid.causes.length).toBeGreaterThan(0);
    expect(invalid.causes[0]?.field).toBe('metadata.name');
  });

  it('updates the status subresource separately from the spec', async () => {
    const d = await t.client.create(deployments, deployment('status-demo'), { namespace: 'app' });
    const withStatus = await t.client.updateStatus(deployments, { ...d, status: { observedGeneration: 7 } });
    expect((withStatus.status as { observedGeneration?: number }).observedGeneration).toBe(7);
    expect(withStatus.metadata.generation).toBe(d.metadata.generation);
  });

  it('patches with merge, JSON, strategic-merge and server-side apply', async () => {
    await t.client.create(deployments, deployment('patched'), { namespace: 'app' });
    const ref = { namespace: 'app', name: 'patched' };

    const merged = await t.client.patch(deployments, ref, 'merge', { metadata: { labels: { tier: 'web' } } });
    expect(merged.metadata.labels).toEqual({ tier: 'web' });

    const jsonPatched = await t.client.patch(deployments, ref, 'json', [
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]);
    expect((jsonPatched.spec as { replicas: number }).replicas).toBe(3);

    // Strategic merge keys containers by name: only `main` changes, `sidecar` stays.
    const strategic = await t.client.patch(deployments, ref, 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } },
    });
    const containers = (
      strategic.spec as { template: { spec: { containers: { name: string; image: string }[] } } }
    ).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['main=nginx:1.28', 'sidecar=busybox']);

    // Server-side apply of `replicas` alone, as `fieldManager`.
    const applyReplicas = (replicas: number, options: { fieldManager: string; force?: boolean }) =>
      t.client.patch(
        deployments,
        ref,
        'apply',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'patched', namespace: 'app' },
          spec: { replicas },
        },
        options,
      );
    const applied = await applyReplicas(5, { fieldManager: 'syncer', force: true });
    expect((applied.spec as { replicas: number }).replicas).toBe(5);
    expect(
      applied.metadata.managedFields?.some((m) => m.manager === 'syncer' && m.operation === 'Apply'),
    ).toBe(true);

    // Another manager taking the same field without force conflicts, with causes naming the field.
    const clash = await caught(applyReplicas(9, { fieldManager: 'someone-else' }));
    expect(clash.type).toBe('ResourceConflict');
    expect(clash.causes.some((c) => c.field?.includes('replicas'))).toBe(true);

    await expect(t.client.patch(deployments, ref, 'apply', {})).rejects.toThrow(/fieldManager/);
  });

  it('deletes with preconditions and propagation policy', async () => {
    const cm = await t.client.create(configmaps, configMap('precond'), { namespace: 'app' });
    const wrongUid = await caught(
      t.client.delete(
        configmaps,
        { namespace: 'app', name: 'precond' },
        { preconditions: { uid: 'not-the-uid' } },
      ),
    );
    expect(wrongUid.type).toBe('ResourceConflict');
    await t.client.delete(
      configmaps,
      { namespace: 'app', name: 'precond' },
      { preconditions: { uid: cm.metadata.uid as string }, propagationPolicy: 'Background' },
    );
    await expect(t.client.get(configmaps, { namespace: 'app', name: 'precond' })).rejects.toMatchObject({
      type: 'NotFound',
    });
    // Foreground: the server keeps the object, marked, until its dependents are gone (a finalizer says so).
    await t.client.create(configmaps, configMap('foreground'), { namespace: 'app' });
    const kept = await t.client.delete(
      configmaps,
      { namespace: 'app', name: 'foreground' },
      { propagationPolicy: 'Foreground' },
    );
    expect(isKubeStatus(kept)).toBe(false);
    expect((kept as KubeObject).metadata.finalizers).toContain('foregroundDeletion');
    expect((kept as KubeObject).metadata.deletionTimestamp).toBeTruthy();
  });

  it('honours dryRun', async () => {
    await t.client.create(configmaps, configMap('dry'), { namespace: 'app' }, { dryRun: true });
    await expect(t.client.get(configmaps, { namespace: 'app', name: 'dry' })).rejects.toMatchObject({
      type: 'NotFound',
    });
  });
});

describe('DynamicClient list', () => {
  beforeAll(async () => {
    await t.client.create(namespaces, { metadata: { name: 'paging' } });
    for (let i = 0; i < 25; i++) {
      await t.client.create(
        configmaps,
        configMap(`item-${String(i).padStart(2, '0')}`, {}, { parity: i % 2 ? 'odd' : 'even' }),
        {
          namespace: 'paging',
        },
      );
    }
  });

  it('follows continue tokens until the list is complete', async () => {
    sim.resetStats();
    const list = await t.client.list(configmaps, { namespace: 'paging' }, { limit: 10 });
    expect(list.items.map((o) => o.metadata.name)).toEqual(
      Array.from({ length: 25 }, (_, i) => `item-${String(i).padStart(2, '0')}`),
    );
    expect(list.metadata.continue).toBeUndefined();
    expect(list.metadata.resourceVersion).toBeTruthy();
    expect(sim.stats().byResource.configmaps?.list).toBe(3);
  });

  it('types every item from the list (the server sends built-in items without apiVersion/kind)', async () => {
    const raw = await t.client.request('/api/v1/namespaces/paging/configmaps?limit=10');
    const rawItems = ((await raw.json()) as { items: Array<{ kind?: string }> }).items;
    expect(rawItems.length).toBeGreaterThan(0);
    expect(rawItems[0]?.kind).toBeUndefined();
    for (const options of [{ limit: 10 }, {}, { limit: 10, singlePage: true }]) {
      const list = await t.client.list(configmaps, { namespace: 'paging' }, options);
      expect(list.items.length).toBeGreaterThan(0);
      for (const item of list.items) {
        expect([item.apiVersion, item.kind]).toEqual(['v1', 'ConfigMap']);
      }
    }
  });

  it('returns one page when asked, and continues from a caller token', async () => {
    const first = await t.client.list(configmaps, { namespace: 'paging' }, { limit: 10, singlePage: true });
    expect(first.items).toHaveLength(10);
    expect(first.metadata.continue).toBeTruthy();
    const rest = await t.client.list(
      configmaps,
      { namespace: 'paging' },
      { limit: 10, continue: first.metadata.continue as string },
    );
    expect(rest.items).toHaveLength(15);
  });

  it('reports 410 Gone when the caller continues an expired snapshot', async () => {
    const first = await t.client.list(configmaps, { namespace: 'paging' }, { limit: 5, singlePage: true });
    sim.faults.compact();
    const expired = await caught(
      t.client.list(
        configmaps,
        { namespace: 'paging' },
        { limit: 5, continue: first.metadata.continue as string },
      ),
    );
    expect(expired.type).toBe('Gone');
    expect(expired.status).toBe(410);
  });

  it('filters by label and field selectors', async () => {
    const odd = await t.client.list(configmaps, { namespace: 'paging' }, { labelSelector: 'parity=odd' });
    expect(odd.items).toHaveLength(12);
    const one = await t.client.list(
      configmaps,
      { namespace: 'paging' },
      { fieldSelector: 'metadata.name=item-07' },
    );
    expect(one.items.map((o) => o.metadata.name)).toEqual(['item-07']);
  });

  it('lists across namespaces when the scope names none', async () => {
    const all = await t.client.list(configmaps, {}, { labelSelector: 'parity' });
    expect(all.items.every((o) => o.metadata.namespace === 'paging')).toBe(true);
    expect(all.items).toHaveLength(25);
  });
});

describe('DynamicClient watch', () => {
  it('streams changes from a resourceVersion and ends when the signal aborts', async () => {
    const start = await t.client.list(configmaps, { namespace: 'app' });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of t.client.watch(
        configmaps,
        { namespace: 'app' },
        { resourceVersion: start.metadata.resourceVersion as string, signal: controller.signal },
      )) {
        seen.push(`${event.type}:${(event.object as KubeObject).metadata.name}`);
        if (seen.length === 3) controller.abort();
      }
    })();
    await t.client.create(configmaps, configMap('w1'), { namespace: 'app' });
    await t.client.patch(configmaps, { namespace: 'app', name: 'w1' }, 'merge', { data: { x: 'y' } });
    await t.client.delete(configmaps, { namespace: 'app', name: 'w1' });
    await watching;
    expect(seen).toEqual(['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);
  });

  it('throws Gone for a resourceVersion that left the history', async () => {
    const before = await t.client.list(configmaps, { namespace: 'app' });
    await t.client.create(configmaps, configMap('after-compaction'), { namespace: 'app' });
    sim.faults.compact();
    const events: string[] = [];
    let failure: unknown;
    try {
      for await (const event of t.client.watch(
        configmaps,
        { namespace: 'app' },
        { resourceVersion: before.metadata.resourceVersion as string, timeoutSeconds: 5 },
      )) {
        events.push(event.type);
        if (event.type === 'ERROR') break;
      }
    } catch (err) {
      failure = err;
    }
    // kube-apiserver reports it in the stream (ERROR event with a 410 Status) or as the response status.
    const inStream = events.includes('ERROR');
    expect(inStream || (failure instanceof TmcError && failure.type === 'Gone')).toBe(true);
  });
});

describe('DynamicClient discovery', () => {
  it('maps resources and kinds, with scope and subresources', async () => {
    const pods = await t.client.mapping(gvr('', 'v1', 'pods'));
    expect(pods.kind).toBe('Pod');
    expect(pods.namespaced).toBe(true);
    expect(pods.subresources).toEqual(expect.arrayContaining(['status', 'log']));
    const ns = await t.client.mappingForKind('v1', 'Namespace');
    expect(ns.gvr).toEqual(namespaces);
    expect(ns.namespaced).toBe(false);
    const deploy = await t.client.mappingForKind('apps/v1', 'Deployment');
    expect(deploy.gvr).toEqual(deployments);
    expect(deploy.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'patch']));
  });

  it('refetches discovery on a miss, so a new CRD is found', async () => {
    const widgets = gvr('example.com', 'v1', 'widgets');
    await expect(t.client.mapping(widgets)).rejects.toMatchObject({ type: 'NotFound' });
    await t.client.create(
      gvr('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
      openCrd({
        group: 'example.com',
        kind: 'Widget',
        versionFields: { subresources: { status: {} } },
      }) as KubeObject,
    );
    // Misses within the refetch interval are answered from the cache; wait it out, then the miss refetches.
    const fresh = clientFor(sim.kubeconfig, { discovery: { missRefetchIntervalMs: 0 } });
    try {
      await expect(fresh.client.mapping(gvr('example.com', 'v1', 'gizmos'))).rejects.toMatchObject({
        type: 'NotFound',
      });
      const mapping = await fresh.client.mapping(widgets);
      expect(mapping).toMatchObject({ kind: 'Widget', namespaced: true, subresources: ['status'] });
      // Unknown fields survive the round trip: the object is never squeezed through a typed model.
      const w = await fresh.client.create(
        widgets,
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w' },
          spec: { futureField: { n: 1 } },
        },
        { namespace: 'app' },
      );
      expect(w.spec).toEqual({ futureField: { n: 1 } });
    } finally {
      await fresh.close();
    }
  });
});

describe('DynamicClient failures', () => {
  it('retries a read on 503 and succeeds once the fault clears', async () => {
    sim.faults.seed(7);
    sim.faults.addRule({ verb: 'get', resource: 'namespaces', status: 503, rate: 0.5, retryAfterSeconds: 0 });
    sim.resetStats();
    for (let i = 0; i < 5; i++) {
      const ns = await t.client.get(namespaces, { name: 'app' });
      expect(ns.metadata.name).toBe('app');
    }
    // Every failed attempt was retried: five answers served, after some injected failures.
    const stats = sim.stats();
    expect(stats.faulted).toBeGreaterThan(0);
    expect(stats.byResource.namespaces?.get).toBe(5);
  });

  it('gives up after maxRetries with a typed error carrying Retry-After', async () => {
    const strict = clientFor(sim.kubeconfig, { transport: { maxRetries: 2, maxRetryAfterMs: 20 } });
    try {
      sim.faults.addRule({
        verb: 'create',
        resource: 'configmaps',
        status: 429,
        rate: 1,
        retryAfterSeconds: 3,
      });
      sim.resetStats();
      const err = await caught(
        strict.client.create(configmaps, configMap('throttled'), { namespace: 'app' }),
      );
      expect(err.type).toBe('TooManyRequests');
      expect(err.retryAfterMs).toBe(3000);
      expect(err.retryable).toBe(true);
      // 429 means "not processed": even a create is retried (1 + 2 retries).
      expect(sim.stats().faulted).toBe(3);
    } finally {
      await strict.close();
    }
  });

  it('does not retry a write on 500', async () => {
    sim.faults.addRule({ verb: 'create', resource: 'configmaps', status: 500, rate: 1 });
    sim.resetStats();
    const err = await caught(t.client.create(configmaps, configMap('no-retry'), { namespace: 'app' }));
    expect(err.type).toBe('ServerError');
    expect(sim.stats().faulted).toBe(1);
  });

  it('times out a slow request', async () => {
    const impatient = clientFor(sim.kubeconfig, { transport: { timeoutMs: 50, maxRetries: 0 } });
    try {
      sim.faults.setLatency(2000);
      const err = await caught(impatient.client.get(namespaces, { name: 'app' }));
      expect(err.type).toBe('Timeout');
    } finally {
      sim.faults.setLatency(0);
      await impatient.close();
    }
  });

  it('sends raw requests with auth and hands back any status', async () => {
    const version = await t.client.request('/version');
    expect(version.status).toBe(200);
    expect(await version.json()).toHaveProperty('gitVersion');
    const missing = await t.client.request('/api/v1/namespaces/app/pods/none/log');
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
  });
});
