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
  constructor(
    private readonly factory: InformerFactory,
    private readonly optionsFor: (gvr: GVR) => InformerOptions,
  ) {}

  informerFor(gvr: GVR): Informer {
    return this.factory.informerFor(this.optionsFor(gvr));
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
