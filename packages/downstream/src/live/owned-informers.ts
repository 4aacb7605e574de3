import {
  clusterKey,
  DEFAULT_CLUSTER_NAME,
  DOWNSTREAM_SYNCER_INFORMERS,
  type GVR,
  type Informer,
  type KubeObject,
  type SyncerInformers,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { DownstreamOptions } from '../options.js';
import { DOWNSTREAM_OPTIONS } from '../tokens.js';

/**
 * The engine's downstream informers of the objects we own (labelled with our SyncTarget key), taken from
 * DOWNSTREAM_SYNCER_INFORMERS: the engine decides their options once, so this reads the running informers and
 * never starts a second, never-synced one.
 */
@injectable()
export class OwnedInformers {
  /** The cluster name the downstream informers key objects under. */
  readonly cluster: string;

  constructor(
    @inject(DOWNSTREAM_OPTIONS) options: DownstreamOptions,
    // Optional: bound with the engine; a downstream syncer used without one reads every object from the server.
    @inject(DOWNSTREAM_SYNCER_INFORMERS, { isOptional: true }) private readonly informers?: SyncerInformers,
  ) {
    this.cluster = options.downstreamCluster ?? DEFAULT_CLUSTER_NAME;
  }

  /** The informer of our objects of `gvr`; undefined without the engine's informers. */
  informerFor(gvr: GVR): Informer | undefined {
    return this.informers?.informerFor(gvr);
  }

  /** The cached object (undefined: none of ours), or `'unknown'` while there is no synced cache to ask. */
  cached(gvr: GVR, namespace: string, name: string): KubeObject | undefined | 'unknown' {
    const informer = this.informerFor(gvr);
    if (informer === undefined || !informer.hasSynced()) return 'unknown';
    return informer.get(clusterKey(this.cluster, gvr, namespace, name));
  }
}
