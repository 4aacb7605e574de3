import {
  clusterKey,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_ENGINE_CONFIG,
  DOWNSTREAM_CLUSTER_LABEL,
  DOWNSTREAM_INFORMER_FACTORY,
  ENGINE_CONFIG,
  type EngineConfig,
  type GVR,
  type Informer,
  type InformerFactory,
  type KubeObject,
  SYNC_TARGET,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { DownstreamOptions } from '../options.js';
import { DOWNSTREAM_OPTIONS } from '../tokens.js';

/**
 * The engine's downstream informers of the objects we own (labelled with our SyncTarget key). They are asked for
 * with the engine's options (selector and resync period), so the factory hands out the running ones instead of
 * starting a second, never-synced informer.
 */
@injectable()
export class OwnedInformers {
  /** The cluster name the downstream informers key objects under. */
  readonly cluster: string;
  private readonly resyncPeriodMs: number;

  constructor(
    @inject(SYNC_TARGET) private readonly syncTarget: SyncTargetRef,
    @inject(DOWNSTREAM_OPTIONS) options: DownstreamOptions,
    // Optional: bound with the engine; a downstream syncer used without one reads every object from the server.
    @inject(DOWNSTREAM_INFORMER_FACTORY, { isOptional: true }) private readonly factory?: InformerFactory,
    // Optional: the engine's resync period when an engine is registered, else the engine's default.
    @inject(ENGINE_CONFIG, { isOptional: true })
    engineConfig: Pick<EngineConfig, 'resyncPeriodMs'> = DEFAULT_ENGINE_CONFIG,
  ) {
    this.cluster = options.downstreamCluster ?? DEFAULT_CLUSTER_NAME;
    this.resyncPeriodMs = options.resyncPeriodMs ?? engineConfig.resyncPeriodMs;
  }

  /** The informer of our objects of `gvr`; undefined without an informer factory. */
  informerFor(gvr: GVR): Informer | undefined {
    return this.factory?.informerFor({
      gvr,
      labelSelector: `${DOWNSTREAM_CLUSTER_LABEL}=${this.syncTarget.key}`,
      resyncPeriodMs: this.resyncPeriodMs,
    });
  }

  /** The cached object (undefined: none of ours), or `'unknown'` while there is no synced cache to ask. */
  cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown' {
    const informer = this.informerFor(gvr);
    if (informer === undefined || !informer.hasSynced()) return 'unknown';
    return informer.get(clusterKey(this.cluster, gvr, namespace, name));
  }
}
