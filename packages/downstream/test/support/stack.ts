import { registerConflict } from '@kcp-tmc/conflict';
import { type DefaultSyncEngine, registerEngine } from '@kcp-tmc/engine';
import {
  type ApplyRequest,
  type DeleteRequest,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type DownstreamConfig,
  type DownstreamSyncer,
  encodeClusterKey,
  type GVR,
  type KubeClient,
  type KubeObject,
  parseGvr,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncResult,
  type SyncTargetRef,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeRegistration, registerKube } from '@kcp-tmc/kube';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide } from '@kcp-tmc/testing/kit';
import {
  registerTransformation,
  type TransformationOptions,
  WORKSPACE_NAMESERVER_PROVIDER,
} from '@kcp-tmc/transformation';
import { container, type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import type { WorkspaceDnsOptions } from '../../src/dns/workspace-dns.js';
import { DefaultDownstreamSyncer } from '../../src/downstream-syncer.js';
import { registerDownstream } from '../../src/register.js';
import { WORKSPACE_DNS } from '../../src/tokens.js';
import { eventually } from './wait.js';

export const SYNC_TARGET_CLUSTER = 'root:org';
export const WORKLOAD_CLUSTERS = ['root:org:ws-a', 'root:org:ws-b', 'root:org:ws-c'];
export const WIDGETS = parseGvr('example.com/v1/widgets');
export const SYNCED_RESOURCES = [
  'apps/v1/deployments',
  'v1/services',
  'batch/v1/jobs',
  'v1/persistentvolumeclaims',
  'example.com/v1/widgets',
];

/** Records every call the engine makes into the real syncer, and its result. */
export class RecordingDownstreamSyncer implements DownstreamSyncer {
  readonly applied: Array<{ id: string; request: ApplyRequest; result: SyncResult }> = [];
  readonly deleted: Array<{ id: string; request: DeleteRequest; result: SyncResult }> = [];

  constructor(readonly inner: DefaultDownstreamSyncer) {}

  async apply(request: ApplyRequest): Promise<SyncResult> {
    const result = await this.inner.apply(request);
    this.applied.push({ id: encodeClusterKey(request.item.key), request, result });
    return result;
  }

  async delete(request: DeleteRequest): Promise<SyncResult> {
    const result = await this.inner.delete(request);
    this.deleted.push({ id: encodeClusterKey(request.item.key), request, result });
    return result;
  }

  planNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.planNamespaceCleaning(downstreamNamespace);
  }

  cancelNamespaceCleaning(downstreamNamespace: string): void {
    this.inner.cancelNamespaceCleaning(downstreamNamespace);
  }
}

function widgetCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
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
}

const CRDS = parseGvr('apiextensions.k8s.io/v1/customresourcedefinitions');

export interface Sims {
  readonly upstream: KubeSimulator;
  readonly downstream: KubeSimulator;
  /** Upstream client on the bare kcp server: pass `{ cluster }`. */
  readonly upstreamClient: KubeClient;
  readonly downstreamClient: KubeClient;
  readonly ref: SyncTargetRef;
  stop(): Promise<void>;
}

/** Two simulators (upstream in kcp mode with three workload clusters), a SyncTarget and the Widget CRD on both. */
export async function startSims(): Promise<Sims> {
  const upstream = await startKubeSimulator({
    kcp: { clusters: [SYNC_TARGET_CLUSTER, ...WORKLOAD_CLUSTERS] },
  });
  const downstream = await startKubeSimulator();
  const admin = container.createChildContainer();
  const registration = registerKube(admin, {
    upstream: kubeSide(upstream, { kcp: true, informers: false }),
    downstream: kubeSide(downstream, { informers: false }),
  });
  const upstreamClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const downstreamClient = admin.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
  const { ref } = await createSyncTarget(upstreamClient, {
    cluster: SYNC_TARGET_CLUSTER,
    name: 'east',
    syncedResources: SYNCED_RESOURCES,
  });
  await downstreamClient.create(CRDS, widgetCrd());
  for (const cluster of [SYNC_TARGET_CLUSTER, ...WORKLOAD_CLUSTERS]) {
    await upstreamClient.create(CRDS, widgetCrd(), { cluster });
  }
  await eventually(
    async () => {
      const mapping = await downstreamClient.mapping(WIDGETS).catch(() => undefined);
      return mapping !== undefined;
    },
    20_000,
    'Widget CRD in downstream discovery',
  );
  return {
    upstream,
    downstream,
    upstreamClient,
    downstreamClient,
    ref,
    async stop() {
      await registration.close();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

export interface Agent {
  readonly container: DependencyContainer;
  readonly engine: DefaultSyncEngine;
  readonly syncer: RecordingDownstreamSyncer;
  stop(): Promise<void>;
}

/**
 * The real spec path as the agent wires it: kube on both sides, transformation, conflict, downstream and the
 * engine (kcp wildcard mode), on a fresh child container.
 */
export async function startAgent(
  sims: Sims,
  config: Partial<DownstreamConfig> = {},
  transformation: TransformationOptions = {},
  /** kcp's per-workspace DNS, wired as the agent does with `--dns-image` and `NAMESPACE`. */
  dns?: WorkspaceDnsOptions,
): Promise<Agent> {
  const c = container.createChildContainer();
  const registration: KubeRegistration = registerKube(c, {
    upstream: kubeSide(sims.upstream, { kcp: true }),
    downstream: kubeSide(sims.downstream),
  });
  c.register(SYNC_TARGET, { useValue: sims.ref });
  registerTransformation(c, transformation);
  registerDownstream(c, {
    config: { namespaceCleanDelayMs: 500, ...config },
    deleteRecheckMs: 100,
    ...(dns === undefined ? {} : { dns }),
  });
  if (dns !== undefined) {
    c.register(WORKSPACE_NAMESERVER_PROVIDER, {
      useFactory: instancePerContainerCachingFactory((r) => r.resolve(WORKSPACE_DNS)),
    });
  }
  registerConflict(c);
  registerEngine(c, {
    upstreamMode: 'wildcard',
    config: {
      resyncPeriodMs: 0,
      cacheSyncTimeoutMs: 20_000,
      shutdownTimeoutMs: 5_000,
      rateLimitPerSec: 100_000,
      burst: 100_000,
    },
  });
  const inner = c.resolve<DefaultDownstreamSyncer>(DOWNSTREAM_SYNCER);
  const syncer = new RecordingDownstreamSyncer(inner);
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  const engine = c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
  await engine.start();
  return {
    container: c,
    engine,
    syncer,
    async stop() {
      await engine.stop();
      inner.stop();
      await registration.close();
    },
  };
}

/** Downstream GET, undefined on 404. */
export async function downstreamGet(
  sims: Sims,
  gvr: GVR | string,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
  return sims.downstreamClient
    .get(g, { name, ...(namespace === '' ? {} : { namespace }) })
    .catch((err: { type?: string }) => {
      if (err.type === 'NotFound') return undefined;
      throw err;
    });
}
