import type {
  EngineConfig,
  GVR,
  Informer,
  InformerFactory,
  InformerOptions,
  SyncerInformers,
  SyncTargetRef,
} from '@kcp-tmc/interfaces';
import type { EngineOptions } from '../options.js';
import { downstreamInformerOptions, upstreamInformerOptions } from './informer-options.js';

/** SyncerInformers over a shared factory, with the options built in one place. */
class FactorySyncerInformers implements SyncerInformers {
  /**
   * The options built for each GVR object, so the factory sees one options object per GVR and keys it once:
   * the spec and status paths ask for informers several times per event, with the controllers' GVR objects.
   */
  private readonly built = new WeakMap<GVR, InformerOptions>();

  constructor(
    private readonly factory: InformerFactory,
    private readonly optionsFor: (gvr: GVR) => InformerOptions,
  ) {}

  informerFor(gvr: GVR): Informer {
    let options = this.built.get(gvr);
    if (options === undefined) {
      options = this.optionsFor(gvr);
      this.built.set(gvr, options);
    }
    return this.factory.informerFor(options);
  }

  release(gvr: GVR): Promise<void> {
    return this.factory.release(this.optionsFor(gvr));
  }
}

type Resync = Pick<EngineConfig, 'resyncPeriodMs'>;

/** UPSTREAM_SYNCER_INFORMERS: the upstream mode decides the cluster and the state-label selector. */
export function upstreamSyncerInformers(
  factory: InformerFactory,
  syncTarget: SyncTargetRef,
  config: Resync,
  options: EngineOptions,
): SyncerInformers {
  const mode = options.upstreamMode ?? 'virtual-workspace';
  return new FactorySyncerInformers(factory, (gvr) =>
    upstreamInformerOptions(gvr, syncTarget.key, mode, config.resyncPeriodMs),
  );
}

/** DOWNSTREAM_SYNCER_INFORMERS: what this SyncTarget owns downstream. */
export function downstreamSyncerInformers(
  factory: InformerFactory,
  syncTarget: SyncTargetRef,
  config: Resync,
): SyncerInformers {
  return new FactorySyncerInformers(factory, (gvr) =>
    downstreamInformerOptions(gvr, syncTarget.key, config.resyncPeriodMs),
  );
}
