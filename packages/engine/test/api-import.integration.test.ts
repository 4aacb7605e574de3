// The API importer over HTTP against simulators: a kcp-mode upstream (the SyncTarget's workspace serves
// apiresource.kcp.io like kcp) and a downstream serving custom resources from CRDs. Built-in schemas come
// from /openapi/v2, which only the real kube-apiserver serves: see test/real/api-import.real.test.ts.
import {
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  type KubeObject,
  type Logger,
  SYNC_TARGET_GVR,
  SYSTEM_CLOCK,
  type SyncTargetRef,
  syncTargetRefOf,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { kubeSide } from '@kcp-tmc/testing/kit';
import { container } from 'tsyringe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiImporter } from '../src/api-import/api-importer.js';
import { API_RESOURCE_IMPORTS_GVR } from '../src/api-import/api-resource-import.js';
import { type Stack, SYNC_TARGET_CLUSTER, startStack } from './support/stack.js';
import { eventually } from './support/wait.js';

const CLUSTER = 'root:org';
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const WIDGET_SCHEMA = {
  type: 'object',
  properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
};

function crd(plural: string, kind: string, schema: object = WIDGET_SCHEMA): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, shortNames: ['wd'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        },
      ],
    },
  };
}

describe('ApiImporter against simulators', () => {
  let upstream: KubeSimulator;
  let downstream: KubeSimulator;
  let registration: KubeRegistration;
  let up: KubeClient;
  let down: KubeClient;
  let ref: SyncTargetRef;
  let importer: ApiImporter | undefined;

  beforeEach(async () => {
    upstream = await startKubeSimulator({ kcp: { clusters: [CLUSTER] } });
    downstream = await startKubeSimulator();
    const c = container.createChildContainer();
    registration = registerKube(c, {
      upstream: kubeSide(upstream, { kcp: true, informers: false }),
      downstream: kubeSide(downstream, { informers: false }),
    });
    up = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
    down = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
    const st = await up.create(
      SYNC_TARGET_GVR,
      { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'east' } },
      { cluster: CLUSTER },
    );
    ref = syncTargetRefOf(CLUSTER, st);
    await down.create(CRDS, crd('widgets', 'Widget'));
  });

  afterEach(async () => {
    await importer?.stop();
    importer = undefined;
    await registration.close();
    await Promise.all([upstream.stop(), downstream.stop()]);
  });

  const imports = async () => (await up.list(API_RESOURCE_IMPORTS_GVR, { cluster: CLUSTER })).items;
  const newImporter = (resources: string[]) =>
    new ApiImporter(up, down, ref, { resources, cluster: CLUSTER, pollIntervalMs: 60_000 });

  async function waitForImports(count: number): Promise<KubeObject[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const items = await imports();
      if (items.length >= count) return items;
      if (Date.now() > deadline) throw new Error(`expected ${count} imports, have ${items.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('on start writes the import kcp writes for a CRD-served resource, in the SyncTarget workspace', async () => {
    importer = newImporter(['widgets.example.com']);
    importer.start();
    const [created] = await waitForImports(1);
    // kcp v0.11 pkg/syncer/apiimporter.go: name <plural>.<synctarget>.<version>.<group>, controller
    // ownerReference to the SyncTarget, apiVersion annotation, UpdateUnpublished, location = SyncTarget name.
    expect(created?.metadata.name).toBe('widgets.east.v1.example.com');
    expect(created?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'workload.kcp.io/v1alpha1',
        kind: 'SyncTarget',
        name: 'east',
        uid: ref.uid,
        controller: true,
      },
    ]);
    expect(created?.metadata.annotations).toMatchObject({
      'apiresource.kcp.io/apiVersion': 'example.com/v1',
    });
    expect(created?.spec).toEqual({
      groupVersion: { group: 'example.com', version: 'v1' },
      scope: 'Namespaced',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      kind: 'Widget',
      listKind: 'WidgetList',
      categories: ['all'],
      openAPIV3Schema: WIDGET_SCHEMA,
      subResources: [{ name: 'status' }],
      columnDefinitions: [
        { name: 'Size', type: 'integer', format: '', description: '', priority: 0, jsonPath: '.spec.size' },
      ],
      schemaUpdateStrategy: 'UpdateUnpublished',
      location: 'east',
    });
  });

  it('imports the SyncTarget synced resources too, updates schemas in place, and keeps its imports on stop', async () => {
    await down.create(CRDS, crd('gadgets', 'Gadget'));
    const st = await up.get(SYNC_TARGET_GVR, { name: 'east', cluster: CLUSTER });
    await up.updateStatus(
      SYNC_TARGET_GVR,
      {
        ...st,
        status: { syncedResources: [{ group: 'example.com', resource: 'gadgets', versions: ['v1'] }] },
      },
      { cluster: CLUSTER },
    );
    // Another SyncTarget's import in the same workspace is left alone.
    await up.create(
      API_RESOURCE_IMPORTS_GVR,
      {
        apiVersion: 'apiresource.kcp.io/v1alpha1',
        kind: 'APIResourceImport',
        metadata: { name: 'widgets.west.v1.example.com' },
        spec: { location: 'west', groupVersion: { group: 'example.com', version: 'v1' }, plural: 'widgets' },
      },
      { cluster: CLUSTER },
    );
    importer = newImporter(['widgets.example.com']);
    const first = await importer.importOnce();
    expect(first.created.sort()).toEqual(['gadgets.east.v1.example.com', 'widgets.east.v1.example.com']);

    const grown = {
      ...WIDGET_SCHEMA,
      properties: { ...WIDGET_SCHEMA.properties, status: { type: 'object' } },
    };
    const current = await down.get(CRDS, { name: 'widgets.example.com' });
    const next = crd('widgets', 'Widget', grown);
    await down.update(CRDS, { ...next, metadata: current.metadata });
    const second = await importer.importOnce();
    expect(second).toEqual({ created: [], updated: expect.arrayContaining(['widgets.east.v1.example.com']) });
    const widgets = await up.get(API_RESOURCE_IMPORTS_GVR, {
      name: 'widgets.east.v1.example.com',
      cluster: CLUSTER,
    });
    expect((widgets.spec as { openAPIV3Schema: unknown }).openAPIV3Schema).toEqual(grown);

    const before = (await imports()).map((o) => `${o.metadata.name}@${o.metadata.uid}`).sort();
    await importer.stop();
    // kcp's Go syncer exits on SIGTERM before its importer's Stop deletes anything (cmd/syncer/cmd/syncer.go
    // returns on ctx.Done; measured on real kcp v0.11): the imports, and so the SyncTarget's Accepted
    // resources and its Placements, survive a restart.
    expect((await imports()).map((o) => `${o.metadata.name}@${o.metadata.uid}`).sort()).toEqual(before);
    expect(before).toHaveLength(3);
  });

  it('retries a failed round with backoff rather than waiting a poll interval', async () => {
    upstream.faults.addRule({
      verb: 'create',
      resource: 'apiresourceimports.apiresource.kcp.io',
      status: 500,
      rate: 1,
    });
    const errors: string[] = [];
    const logger: Logger = {
      error: (message) => errors.push(message),
      warn: () => {},
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    importer = new ApiImporter(
      up,
      down,
      ref,
      { resources: ['widgets.example.com'], cluster: CLUSTER },
      { clock: SYSTEM_CLOCK, logger },
    );
    importer.start();
    await eventually(() => errors.some((m) => m.includes('create')));
    expect(await imports()).toEqual([]);
    upstream.faults.clearRules();
    // Well within the 1 min poll interval: the backoff starts at 1 s.
    const [created] = await waitForImports(1);
    expect(created?.metadata.name).toBe('widgets.east.v1.example.com');
  });

  it('skips kcp core kinds and names nothing serves, as kcp does', async () => {
    importer = newImporter(['configmaps', 'secrets.', 'nothings.example.com', 'widget.example.com']);
    const round = await importer.importOnce();
    // ConfigMaps and Secrets are kcp's own (generic control plane); `widget` resolves by singular name.
    expect(round.created).toEqual(['widgets.east.v1.example.com']);
  });
});

describe('the engine runs the API importer (registerEngine apiImport)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('imports when the engine starts and keeps the imports when it stops, as a restarted Go syncer leaves them', async () => {
    stack = await startStack({
      mode: 'virtual-workspace',
      apiImport: { resources: ['widgets.example.com'], cluster: SYNC_TARGET_CLUSTER },
      config: { cacheSyncTimeoutMs: 20_000 },
    });
    const s = stack;
    await s.downstreamClient.create(CRDS, crd('widgets', 'Widget'));
    const names = async () =>
      (await s.upstreamClient.list(API_RESOURCE_IMPORTS_GVR, { cluster: SYNC_TARGET_CLUSTER })).items.map(
        (o) => o.metadata.name,
      );
    await s.engine().start();
    let current: Array<string | undefined> = [];
    const deadline = Date.now() + 15_000;
    while (!current.includes('widgets.east.v1.example.com')) {
      if (Date.now() > deadline) throw new Error(`no import; have ${current.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await names();
    }
    await s.engine().stop();
    // Deleting them would unschedule the SyncTarget and mark every synced object for deletion (kcp's
    // placement scheduler filters SyncTargets by syncedResources, pkg/reconciler/workload/placement).
    expect(await names()).toEqual(['widgets.east.v1.example.com']);
  });
});
