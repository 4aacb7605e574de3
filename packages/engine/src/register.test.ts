import {
  CLUSTER_ANNOTATION,
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  DOWNSTREAM_SYNCER_INFORMERS,
  ENGINE_CONFIG,
  type EngineConfig,
  FILTER_REGISTRY,
  type FilterRegistry,
  type KubeClient,
  NAMESPACE_LOCATOR_LOOKUP,
  NAMESPACES_GVR,
  type NamespaceLocatorLookup,
  ResourceStateValue,
  SYNC_ENGINE,
  SYNC_FILTER,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncerInformers,
  stateLabel,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_SYNCER_INFORMERS,
} from '@kcp-tmc/interfaces';
import { container } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_TARGET_REF } from '../test/support/engine-harness.js';
import { FakeAccessClient } from '../test/support/fake-access-client.js';
import { FakeInformerFactory } from '../test/support/fake-informer.js';
import { RecordingSyncer } from '../test/support/recording-syncer.js';
import { eventually } from '../test/support/wait.js';
import { API_IMPORTER, type ApiImporter } from './api-import/index.js';
import { DefaultSyncEngine } from './engine.js';
import { InformerNamespaceLocatorLookup } from './namespace-lookup.js';
import { registerEngine } from './register.js';

function child() {
  const c = container.createChildContainer();
  const upstream = new FakeInformerFactory();
  const downstream = new FakeInformerFactory();
  const syncer = new RecordingSyncer();
  c.register(SYNC_TARGET, { useValue: SYNC_TARGET_REF });
  c.register(UPSTREAM_INFORMER_FACTORY, { useValue: upstream });
  c.register(DOWNSTREAM_INFORMER_FACTORY, { useValue: downstream });
  const workersClient = new FakeAccessClient();
  c.register(DOWNSTREAM_KUBE_CLIENT, { useValue: workersClient });
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  return { c, upstream, downstream, syncer, workersClient };
}

describe('registerEngine', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('binds the engine and its defaults, one instance per container', () => {
    const { c } = child();
    registerEngine(c);
    const engine = c.resolve(SYNC_ENGINE);
    expect(engine).toBeInstanceOf(DefaultSyncEngine);
    expect(c.resolve(SYNC_ENGINE)).toBe(engine);
    expect(c.resolve(NAMESPACE_LOCATOR_LOOKUP)).toBeInstanceOf(InformerNamespaceLocatorLookup);
    const other = child();
    registerEngine(other.c);
    expect(other.c.resolve(SYNC_ENGINE)).not.toBe(engine);
  });

  it("reads the downstream's discovery for API imports through the side client given, not the workers'", async () => {
    const { c } = child();
    const asked: string[] = [];
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
    const importDownstream = {
      request: async (path: string) => {
        asked.push(path);
        if (path === '/api') return json({ versions: ['v1'] });
        if (path === '/apis') return json({ groups: [] });
        return json({ resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap' }] });
      },
    } as unknown as KubeClient;
    const upstream = {
      get: async () => ({ metadata: { name: SYNC_TARGET_REF.name, uid: SYNC_TARGET_REF.uid }, status: {} }),
      list: async () => ({ items: [] }),
    } as unknown as KubeClient;
    registerEngine(c, {
      upstreamMode: 'virtual-workspace',
      // Served nowhere downstream: the round ends after discovery.
      apiImport: {
        resources: ['widgets.example.com'],
        upstreamClient: upstream,
      },
      sideDownstreamClient: importDownstream,
    });
    // The workers' client (a FakeAccessClient) answers no raw requests: reaching it fails the round.
    const round = await c.resolve<ApiImporter>(API_IMPORTER).importOnce();
    expect(round).toEqual({ created: [], updated: [] });
    expect(asked).toEqual(['/api', '/apis', '/api/v1']);
  });

  it('seeds the filter registry with every SYNC_FILTER, in priority order', () => {
    const { c } = child();
    c.register(SYNC_FILTER, { useValue: { name: 'late', priority: 100, shouldSync: () => true } });
    c.register(SYNC_FILTER, { useValue: { name: 'early', priority: 1, shouldSync: () => true } });
    registerEngine(c);
    const registry = c.resolve<FilterRegistry>(FILTER_REGISTRY);
    expect(registry.filters().map((f) => f.name)).toEqual(['early', 'late']);
  });

  it('merges config over the defaults, and keeps a lookup and config someone bound before', () => {
    const { c } = child();
    const lookup: NamespaceLocatorLookup = { locatorOf: () => undefined, namespaceFor: () => undefined };
    c.register(NAMESPACE_LOCATOR_LOOKUP, { useValue: lookup });
    registerEngine(c, { config: { workerCount: 7 } });
    expect(c.resolve<EngineConfig>(ENGINE_CONFIG)).toMatchObject({ workerCount: 7, burst: 100 });
    expect(c.resolve(NAMESPACE_LOCATOR_LOOKUP)).toBe(lookup);

    const other = child();
    other.c.register(ENGINE_CONFIG, { useValue: { workerCount: 3 } });
    registerEngine(other.c);
    expect(other.c.resolve<EngineConfig>(ENGINE_CONFIG)).toEqual({ workerCount: 3 });
  });

  it('a resolved engine syncs in plain mode, selecting upstream objects by the state label', async () => {
    const { c, upstream, syncer, workersClient } = child();
    // The access reviews go through the side client, never the one whose rate limiter the workers share.
    const side = new FakeAccessClient();
    registerEngine(c, { upstreamMode: 'plain', config: { resyncPeriodMs: 0 }, sideDownstreamClient: side });
    const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
    stops.push(() => engine.stop());
    upstream
      .informerFor({ gvr: SYNC_TARGET_GVR, fieldSelector: `metadata.name=${SYNC_TARGET_REF.name}` })
      .upsert({
        metadata: { name: SYNC_TARGET_REF.name, uid: SYNC_TARGET_REF.uid },
        status: {
          syncedResources: [{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }],
        },
      });
    const selector = `${stateLabel(SYNC_TARGET_REF.key)}=${ResourceStateValue.Sync}`;
    upstream
      .informerFor({
        gvr: { group: 'apps', version: 'v1', resource: 'deployments' },
        labelSelector: selector,
        resyncPeriodMs: 0,
      })
      .upsert({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'default',
          annotations: { [CLUSTER_ANNOTATION]: 'ignored-in-plain' },
        },
      });
    await engine.start();
    await eventually(() => syncer.of('apply').length === 1);
    expect(engine.activeResources()).toContain('apps/v1/deployments');
    expect(side.reviews.map((r) => r.gvr)).toContain('apps/v1/deployments');
    expect(workersClient.reviews).toEqual([]);
  });

  it("hands out the engine's running informers by UPSTREAM/DOWNSTREAM_SYNCER_INFORMERS, once per container", async () => {
    const { c, upstream, downstream } = child();
    registerEngine(c, { upstreamMode: 'wildcard', config: { resyncPeriodMs: 60_000 } });
    const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
    stops.push(() => engine.stop());
    upstream
      .informerFor({
        gvr: SYNC_TARGET_GVR,
        cluster: SYNC_TARGET_REF.cluster,
        fieldSelector: `metadata.name=${SYNC_TARGET_REF.name}`,
      })
      .upsert({
        metadata: { name: SYNC_TARGET_REF.name, uid: SYNC_TARGET_REF.uid },
        status: {
          syncedResources: [{ group: 'apps', resource: 'deployments', versions: ['v1'], state: 'Accepted' }],
        },
      });
    await engine.start();
    const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
    const handedOut = [upstream.informers.size, downstream.informers.size];
    const up = c.resolve<SyncerInformers>(UPSTREAM_SYNCER_INFORMERS);
    const down = c.resolve<SyncerInformers>(DOWNSTREAM_SYNCER_INFORMERS);
    expect(c.resolve(DOWNSTREAM_SYNCER_INFORMERS)).toBe(down);
    // The informers the engine's controller started: no second informer from either factory.
    expect(up.informerFor(deployments).hasSynced()).toBe(true);
    expect(down.informerFor(deployments).hasSynced()).toBe(true);
    expect(down.informerFor(NAMESPACES_GVR).hasSynced()).toBe(true);
    expect([upstream.informers.size, downstream.informers.size]).toEqual(handedOut);
  });
});
