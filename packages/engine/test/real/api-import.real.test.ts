// The API importer pulling built-in schemas from a real kube-apiserver (its /openapi/v2, discovery and the
// CRD API), writing to a kcp-mode simulator upstream (no real kcp here). The converted schemas must equal
// what kcp v0.11's own converter produced from the same server version (fixtures/kube-1.35).
import { readFileSync } from 'node:fs';
import {
  DOWNSTREAM_KUBE_CLIENT,
  type KubeClient,
  SYNC_TARGET_GVR,
  type SyncTargetRef,
  syncTargetRefOf,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, type RealServers, startKubeSimulator, startRealServers } from '@kcp-tmc/testing';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ApiImporter } from '../../src/api-import/api-importer.js';
import { API_RESOURCE_IMPORTS_GVR } from '../../src/api-import/api-resource-import.js';

const START_TIMEOUT_MS = 45 * 60_000;
const CLUSTER = 'root:org';
const GOLDEN = JSON.parse(
  readFileSync(new URL('../fixtures/kube-1.35/kcp-v0.11-converted.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

let real: RealServers<'downstream'>;
let upstream: KubeSimulator | undefined;
let registration: KubeRegistration | undefined;
beforeAll(async () => {
  real = await startRealServers({ downstream: {} });
  if (!real.available) console.warn(`skipping API importer real-server suite: ${real.reason}`);
}, START_TIMEOUT_MS);
afterAll(async () => {
  await registration?.close();
  await upstream?.stop();
  await real?.stop();
});

function servers(ctx: TestContext) {
  if (!real.available) return ctx.skip(real.reason);
  return real.servers;
}

/** The client as it is, counting the requests for the downstream's OpenAPI v2 document. */
function countingOpenApiReads(client: KubeClient): KubeClient & { readonly openApiReads: number } {
  const counted = { openApiReads: 0 };
  const request: KubeClient['request'] = (path, init) => {
    if (path.startsWith('/openapi/v2')) counted.openApiReads++;
    return client.request(path, init);
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'request') return request;
      if (prop === 'openApiReads') return counted.openApiReads;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as KubeClient & { readonly openApiReads: number };
}

describe('ApiImporter against a real kube-apiserver downstream', () => {
  it('imports deployments and services with the schemas kcp converts, and leaves configmaps to kcp', async (ctx) => {
    const { downstream } = servers(ctx);
    upstream = await startKubeSimulator({ kcp: { clusters: [CLUSTER] } });
    const c = container.createChildContainer();
    registration = registerKube(c, {
      upstream: { kubeconfig: { kubeconfig: upstream.kubeconfig, context: 'base' }, transport: { qps: 0 } },
      downstream: { kubeconfig: { kubeconfig: downstream.kubeconfig }, transport: { qps: 0 } },
    });
    const up = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
    const down = countingOpenApiReads(c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT));
    const st = await up.create(
      SYNC_TARGET_GVR,
      { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'phys' } },
      { cluster: CLUSTER },
    );
    const ref: SyncTargetRef = syncTargetRefOf(CLUSTER, st);
    const importer = new ApiImporter(up, down, ref, {
      resources: ['deployments.apps', 'services', 'configmaps'],
      cluster: CLUSTER,
    });
    const round = await importer.importOnce();
    expect(round.created.sort()).toEqual(['deployments.phys.v1.apps', 'services.phys.v1.core']);

    const deployments = await up.get(API_RESOURCE_IMPORTS_GVR, {
      name: 'deployments.phys.v1.apps',
      cluster: CLUSTER,
    });
    const spec = deployments.spec as Record<string, unknown>;
    // Only the apiVersion annotation (apps is no protected community group); kcp adds kcp.io/cluster.
    expect(deployments.metadata.annotations).toEqual({
      'apiresource.kcp.io/apiVersion': 'apps/v1',
      'kcp.io/cluster': CLUSTER,
    });
    expect({ ...spec, openAPIV3Schema: undefined }).toEqual({
      groupVersion: { group: 'apps', version: 'v1' },
      scope: 'Namespaced',
      plural: 'deployments',
      singular: 'deployment',
      shortNames: ['deploy'],
      kind: 'Deployment',
      listKind: 'DeploymentList',
      categories: ['all'],
      openAPIV3Schema: undefined,
      subResources: [{ name: 'scale' }, { name: 'status' }],
      schemaUpdateStrategy: 'UpdateUnpublished',
      location: 'phys',
    });
    expect(spec.openAPIV3Schema).toEqual(GOLDEN['Deployment.v1.apps']);
    const services = await up.get(API_RESOURCE_IMPORTS_GVR, {
      name: 'services.phys.v1.core',
      cluster: CLUSTER,
    });
    expect((services.spec as Record<string, unknown>).groupVersion).toEqual({ version: 'v1' });
    expect((services.spec as Record<string, unknown>).openAPIV3Schema).toEqual(GOLDEN['Service.v1.']);

    // Later rounds (one a minute) convert nothing again, so they never fetch the multi-megabyte document again.
    await importer.importOnce();
    await importer.importOnce();
    expect(down.openApiReads).toBe(1);

    await importer.stop();
    // The imports outlive the importer, as they outlive kcp's Go syncer on SIGTERM (a restart keeps them).
    const left = (await up.list(API_RESOURCE_IMPORTS_GVR, { cluster: CLUSTER })).items;
    expect(left.map((o) => o.metadata.name).sort()).toEqual([
      'deployments.phys.v1.apps',
      'services.phys.v1.core',
    ]);
  });
});
