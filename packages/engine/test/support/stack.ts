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
  type SyncTarget,
  type SyncTargetRef,
  toSyncTargetKey,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_STATUS_SYNCER,
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
import { container, type DependencyContainer } from 'tsyringe';
import type { DefaultSyncEngine } from '../../src/engine.js';
import { type RegisterEngineOptions, registerEngine } from '../../src/register.js';
import { RecordingSyncer } from '../../src/test-support/recording-syncer.js';
import { SYNC_TARGET_INFORMER_FACTORY } from '../../src/tokens.js';

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

// Fast informer restarts, so a healed fault is noticed within seconds.
const INFORMERS = { backoff: { initialMs: 100, maxMs: 2000 }, staleAfterMs: 60_000 };

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
    const registration = registerKube(c, {
      upstream: { transport: { qps: 0 }, ...up },
      downstream: {
        kubeconfig: { kubeconfig: downstream.kubeconfig },
        transport: { qps: 0 },
        informers: INFORMERS,
      },
    });
    registrations.push(registration);
    return registration;
  };

  // The SyncTarget, through the bare server (kcp: every logical cluster addressable by scope).
  const admin = container.createChildContainer();
  kubeOn(admin, {
    kubeconfig: { kubeconfig: upstream.kubeconfig, ...(kcp ? { context: 'base' } : {}) },
    informers: INFORMERS,
  });
  const upstreamClient = admin.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
  const stScope = kcp ? { cluster: SYNC_TARGET_CLUSTER } : {};
  const created = (await upstreamClient.create(
    SYNC_TARGET_GVR,
    { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name: 'east' } },
    stScope,
  )) as SyncTarget;
  const ref: SyncTargetRef = {
    cluster: SYNC_TARGET_CLUSTER,
    name: 'east',
    uid: created.metadata.uid as string,
    key: toSyncTargetKey(SYNC_TARGET_CLUSTER, 'east'),
  };
  const setSyncedResources = async (gvrs: string[]): Promise<void> => {
    const current = await upstreamClient.get(SYNC_TARGET_GVR, { name: ref.name, ...stScope });
    await upstreamClient.updateStatus(
      SYNC_TARGET_GVR,
      {
        ...current,
        status: {
          ...(current.status as object),
          syncedResources: gvrs.map((text) => {
            const g = parseGvr(text);
            return { group: g.group, resource: g.resource, versions: [g.version], state: 'Accepted' };
          }),
        },
      },
      stScope,
    );
  };
  await setSyncedResources(options.syncedResources ?? []);

  const c = container.createChildContainer();
  if (mode === 'virtual-workspace') {
    const target = (await upstreamClient.get(SYNC_TARGET_GVR, { name: ref.name, ...stScope })) as SyncTarget;
    const syncerURL = target.status?.virtualWorkspaces?.[0]?.syncerURL;
    if (syncerURL === undefined) throw new Error('the SyncTarget has no syncer virtual workspace URL');
    kubeOn(c, {
      kubeconfig: { kubeconfig: upstream.kubeconfig, context: 'base' },
      connection: { server: syncerURL },
      // The virtual workspace serves discovery below /clusters/*, as kcp's does.
      discovery: { cluster: '*' },
      informers: INFORMERS,
    });
    c.register(SYNC_TARGET_INFORMER_FACTORY, { useValue: admin.resolve(UPSTREAM_INFORMER_FACTORY) });
  } else {
    kubeOn(c, {
      kubeconfig: { kubeconfig: upstream.kubeconfig, ...(kcp ? { context: 'base' } : {}) },
      informers: kcp ? INFORMERS : { ...INFORMERS, useClusterAnnotation: false, clusterName: PLAIN_CLUSTER },
    });
  }
  const syncer = new RecordingSyncer();
  c.register(SYNC_TARGET, { useValue: ref });
  c.register(DOWNSTREAM_SYNCER, { useValue: syncer });
  c.register(UPSTREAM_STATUS_SYNCER, { useValue: syncer });
  c.register(EVENT_SYNCER, { useValue: syncer });
  registerEngine(c, {
    upstreamMode: mode,
    ...(options.apiImport === undefined ? {} : { apiImport: { ...options.apiImport, upstreamClient } }),
    config: { resyncPeriodMs: 0, cacheSyncTimeoutMs: 20_000, shutdownTimeoutMs: 5_000, ...options.config },
  });

  let engine: DefaultSyncEngine | undefined;
  return {
    mode,
    ref,
    upstream,
    downstream,
    /** Upstream client on the bare server: pass `{ cluster }` in kcp mode. */
    upstreamClient,
    downstreamClient: c.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT),
    syncer,
    setSyncedResources,
    /** The logical clusters workloads go to: three in kcp mode, the one cluster in plain mode. */
    clusters: kcp ? WORKLOAD_CLUSTERS : [''],
    engine(): DefaultSyncEngine {
      engine ??= c.resolve<DefaultSyncEngine>(SYNC_ENGINE);
      return engine;
    },
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
      await engine?.stop();
      for (const registration of registrations) await registration.close();
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
