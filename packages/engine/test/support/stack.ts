import {
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER,
  type EngineConfig,
  EVENT_SYNCER,
  encodeClusterKey,
  type GVR,
  type KubeClient,
  type KubeObject,
  parseGvr,
  SYNC_ENGINE,
  SYNC_TARGET,
  SYNC_TARGET_GVR,
  type SyncTargetRef,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_STATUS_SYNCER,
} from '@kcp-tmc/interfaces';
import {
  type KubeRegistration,
  registerKube,
  type SharedInformer,
  type SharedInformerFactory,
} from '@kcp-tmc/kube';
import { type KubeSimulator, type KubeSimulatorOptions, startKubeSimulator } from '@kcp-tmc/testing';
import { container } from 'tsyringe';
import type { DefaultSyncEngine } from '../../src/engine.js';
import type { UpstreamMode } from '../../src/options.js';
import { registerEngine } from '../../src/register.js';
import { RecordingSyncer } from '../../src/test-support/recording-syncer.js';

export const PLAIN_CLUSTER = 'plain';

export interface StackOptions {
  mode?: UpstreamMode;
  syncTarget?: SyncTargetRef;
  syncedResources?: string[];
  config?: Partial<EngineConfig>;
  upstream?: KubeSimulatorOptions;
  downstream?: KubeSimulatorOptions;
}

/**
 * Two simulators over HTTP (upstream and downstream), the real kube stack (client, informers) on each, and
 * the engine from registerEngine with a RecordingSyncer bound to every syncer token.
 */
export async function startStack(options: StackOptions = {}) {
  const mode = options.mode ?? 'plain';
  const ref: SyncTargetRef = options.syncTarget ?? { cluster: 'root:org', name: 'east', uid: '', key: 'k3y' };
  const upstream = await startKubeSimulator(options.upstream);
  const downstream = await startKubeSimulator(options.downstream);
  const c = container.createChildContainer();
  // Fast informer restarts, so a healed fault is noticed within seconds, and no client-side throttling.
  const informers = { backoff: { initialMs: 100, maxMs: 2000 }, staleAfterMs: 60_000 };
  const kube: KubeRegistration = registerKube(c, {
    upstream: {
      kubeconfig: { kubeconfig: upstream.kubeconfig },
      transport: { qps: 0 },
      informers:
        mode === 'plain'
          ? { ...informers, useClusterAnnotation: false, clusterName: PLAIN_CLUSTER }
          : informers,
    },
    downstream: { kubeconfig: { kubeconfig: downstream.kubeconfig }, transport: { qps: 0 }, informers },
  });
  const syncer = new RecordingSyncer();
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  c.register(UPSTREAM_STATUS_SYNCER, { useValue: syncer });
  c.register(EVENT_SYNCER, { useValue: syncer });
  registerEngine(c, {
    upstreamMode: mode,
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs: 20_000, shutdownTimeoutMs: 5_000, ...options.config },
  });
  const upstreamClient = c.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const downstreamClient = c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);

  const syncTarget = await upstreamClient.create(SYNC_TARGET_GVR, {
    apiVersion: 'workload.kcp.io/v1alpha1',
    kind: 'SyncTarget',
    metadata: { name: ref.name },
  });
  const setSyncedResources = async (gvrs: string[]): Promise<void> => {
    const current = await upstreamClient.get(SYNC_TARGET_GVR, { name: ref.name });
    await upstreamClient.updateStatus(SYNC_TARGET_GVR, {
      ...current,
      status: {
        syncedResources: gvrs.map((text) => {
          const g = parseGvr(text);
          return { group: g.group, resource: g.resource, versions: [g.version], state: 'Accepted' };
        }),
      },
    });
  };
  await setSyncedResources(options.syncedResources ?? []);

  let engine: DefaultSyncEngine | undefined;
  return {
    ref,
    upstream,
    downstream,
    upstreamClient,
    downstreamClient,
    syncer,
    syncTarget,
    setSyncedResources,
    /** Resolves the engine (once) from the container. */
    engine(): DefaultSyncEngine {
      engine ??= c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
      return engine;
    },
    /** List/watch counters summed over the upstream informers (SyncTarget's included). */
    upstreamStats() {
      const factory = c.resolve<SharedInformerFactory>(UPSTREAM_INFORMER_FACTORY);
      const total = { lists: 0, watches: 0, goneRelists: 0, failures: 0 };
      for (const informer of factory.all() as SharedInformer[]) {
        total.lists += informer.stats.lists;
        total.watches += informer.stats.watches;
        total.goneRelists += informer.stats.goneRelists;
        total.failures += informer.stats.failures;
      }
      return total;
    },
    /** The queue key an upstream object is worked on under (plain mode: the configured cluster). */
    downKey(gvr: string | GVR, namespace: string, name: string, cluster = PLAIN_CLUSTER): string {
      const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
      return `down|${encodeClusterKey({ cluster, gvr: g, namespace, name })}`;
    },
    async stop(): Promise<void> {
      await engine?.stop();
      await kube.close();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Writes straight into a simulator's store (full API semantics, no HTTP): works while the network is cut. */
export function serverSide(sim: KubeSimulator, gvr: GVR, cluster = '') {
  const rt = sim.service.registry.lookupGroupResource(cluster, gvr.group, gvr.resource);
  if (rt === undefined) throw new Error(`simulator does not serve ${gvr.group}/${gvr.resource}`);
  const target = (namespace: string | undefined, name?: string) => ({
    cluster,
    rt,
    version: gvr.version,
    namespace,
    ...(name === undefined ? {} : { name }),
  });
  return {
    create(object: KubeObject): KubeObject {
      return sim.service.create(target(object.metadata.namespace), object as never).object as KubeObject;
    },
    update(object: KubeObject): KubeObject {
      return sim.service.update(target(object.metadata.namespace, object.metadata.name), object as never)
        .object as KubeObject;
    },
    get(namespace: string | undefined, name: string): KubeObject {
      return sim.service.get(target(namespace, name)) as unknown as KubeObject;
    },
  };
}
