import {
  DOWNSTREAM_KUBE_CLIENT,
  type EngineConfig,
  encodeClusterKey,
  type GVR,
  type KubeClient,
  type KubeObject,
  parseGvr,
  SYNC_TARGET_GVR,
  type SyncTarget,
  syncerVirtualWorkspaceUrl,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
  type UpstreamMode,
} from '@kcp-tmc/interfaces';
import {
  type KubeRegistration,
  type KubeSideOptions,
  registerKube,
  type SharedInformer,
  type SharedInformerFactory,
} from '@kcp-tmc/kube';
import { type KubeSimulator, type KubeSimulatorOptions, startKubeSimulator } from '@kcp-tmc/testing';
import { createSyncTarget, kubeSide, serverSide as storeWriter } from '@kcp-tmc/testing/kit';
import { container, type DependencyContainer } from 'tsyringe';
import type { RegisterEngineOptions } from '../../src/register.js';
import { SYNC_TARGET_INFORMER_FACTORY } from '../../src/tokens.js';
import { registerRecordedEngine } from './recorded-engine.js';

/** The cluster name plain-mode informers key upstream objects under. */
export const PLAIN_CLUSTER = 'plain';
/** Where the SyncTarget lives in kcp mode, and the three workload clusters. */
export const SYNC_TARGET_CLUSTER = 'root:org';
export const WORKLOAD_CLUSTERS = ['root:org:ws-a', 'root:org:ws-b', 'root:org:ws-c'];

export interface StackOptions {
  mode?: UpstreamMode;
  syncedResources?: string[];
  config?: Partial<EngineConfig>;
  upstream?: KubeSimulatorOptions;
  downstream?: KubeSimulatorOptions;
  /** Run the API importer with the engine; it writes through the bare upstream server's client. */
  apiImport?: Omit<NonNullable<RegisterEngineOptions['apiImport']>, 'upstreamClient'>;
}

/**
 * Two simulators over HTTP (upstream, in kcp mode unless the mode is plain, and downstream), the real kube
 * stack (client, informers) on each, and the engine from registerEngine with a RecordingSyncer bound to every
 * syncer token. In virtual-workspace mode the upstream side talks to the SyncTarget's syncer VW, and a third
 * connection (the SyncTarget's workspace) feeds SYNC_TARGET_INFORMER_FACTORY.
 */
export async function startStack(options: StackOptions = {}) {
  const mode = options.mode ?? 'plain';
  const kcp = mode !== 'plain';
  const upstream = await startKubeSimulator({
    ...(kcp ? { kcp: { clusters: [SYNC_TARGET_CLUSTER, ...WORKLOAD_CLUSTERS] } } : {}),
    ...options.upstream,
  });
  const downstream = await startKubeSimulator(options.downstream);
  const registrations: KubeRegistration[] = [];
  const kubeOn = (c: DependencyContainer, up: KubeSideOptions): KubeRegistration => {
    const registration = registerKube(c, { upstream: up, downstream: kubeSide(downstream) });
    registrations.push(registration);
    return registration;
  };

  // The SyncTarget, through the bare server (kcp: every logical cluster addressable by scope).
  const admin = container.createChildContainer();
  kubeOn(admin, kubeSide(upstream, { kcp }));
  const upstreamClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const stScope = kcp ? { cluster: SYNC_TARGET_CLUSTER } : {};
  const { ref, setSyncedResources } = await createSyncTarget(upstreamClient, {
    cluster: SYNC_TARGET_CLUSTER,
    name: 'east',
    plain: !kcp,
    syncedResources: options.syncedResources ?? [],
  });

  const c = container.createChildContainer();
  if (mode === 'virtual-workspace') {
    const target = (await upstreamClient.get(SYNC_TARGET_GVR, { name: ref.name, ...stScope })) as SyncTarget;
    const syncerURL = syncerVirtualWorkspaceUrl(target);
    if (syncerURL === undefined) throw new Error('the SyncTarget has no syncer virtual workspace URL');
    kubeOn(c, {
      ...kubeSide(upstream, { kcp }),
      connection: { server: syncerURL },
      // The virtual workspace serves discovery below /clusters/*, as kcp's does.
      discovery: { cluster: '*' },
    });
    c.register(SYNC_TARGET_INFORMER_FACTORY, { useValue: admin.resolve(UPSTREAM_INFORMER_FACTORY) });
  } else {
    const plainInformers = { useClusterAnnotation: false, clusterName: PLAIN_CLUSTER };
    kubeOn(c, kubeSide(upstream, { kcp, informers: kcp ? {} : plainInformers }));
  }
  const recorded = registerRecordedEngine(c, ref, {
    upstreamMode: mode,
    ...(options.apiImport === undefined ? {} : { apiImport: { ...options.apiImport, upstreamClient } }),
    cacheSyncTimeoutMs: 20_000,
    config: options.config,
  });

  return {
    mode,
    ref,
    upstream,
    downstream,
    /** Upstream client on the bare server: pass `{ cluster }` in kcp mode. */
    upstreamClient,
    downstreamClient: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    syncer: recorded.syncer,
    setSyncedResources,
    /** The logical clusters workloads go to: three in kcp mode, the one cluster in plain mode. */
    clusters: kcp ? WORKLOAD_CLUSTERS : [''],
    engine: recorded.engine,
    /** The queue key of an upstream object (`cluster` as the simulator names it; plain mode: ''). */
    downKey(gvr: string | GVR, namespace: string, name: string, cluster = ''): string {
      const g = typeof gvr === 'string' ? parseGvr(gvr) : gvr;
      return `down|${encodeClusterKey({ cluster: kcp ? cluster : PLAIN_CLUSTER, gvr: g, namespace, name })}`;
    },
    /** List/watch counters summed over the engine's upstream informers. */
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
    async stop(): Promise<void> {
      await recorded.resolved()?.stop();
      for (const registration of registrations) await registration.close();
      await Promise.all([upstream.stop(), downstream.stop()]);
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Writes straight into a simulator's store (full API semantics, no HTTP): works while the network is cut. */
export const serverSide = (sim: KubeSimulator, gvr: GVR, cluster = '') =>
  storeWriter<KubeObject>(sim, gvr, cluster);
