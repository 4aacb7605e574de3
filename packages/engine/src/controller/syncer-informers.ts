import {
  DEFAULT_ENGINE_CONFIG,
  DOWNSTREAM_INFORMER_FACTORY,
  ENGINE_CONFIG,
  type EngineConfig,
  type GVR,
  type Informer,
  type InformerFactory,
  type InformerOptions,
  SYNC_TARGET,
  type SyncerInformers,
  type SyncTargetRef,
  UPSTREAM_INFORMER_FACTORY,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { EngineOptions } from '../options.js';
import { ENGINE_OPTIONS } from '../tokens.js';
import { downstreamInformerOptions, upstreamInformerOptions } from './informer-options.js';

/** SyncerInformers over a shared factory, with the options built in one place per side. */
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

/** UPSTREAM_SYNCER_INFORMERS: the engine's upstream informers (mode decides cluster and state-label selector). */
@injectable()
export class UpstreamSyncerInformers extends FactorySyncerInformers {
  constructor(
    @inject(UPSTREAM_INFORMER_FACTORY) factory: InformerFactory,
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    // Optional: registerEngine binds both; a hand-built engine may take the defaults.
    @inject(ENGINE_CONFIG, { isOptional: true }) config: EngineConfig = DEFAULT_ENGINE_CONFIG,
    @inject(ENGINE_OPTIONS, { isOptional: true }) options: EngineOptions = {},
  ) {
    const mode = options.upstreamMode ?? 'virtual-workspace';
    super(factory, (gvr) => upstreamInformerOptions(gvr, syncTarget.key, mode, config.resyncPeriodMs));
  }
}

/** DOWNSTREAM_SYNCER_INFORMERS: the engine's downstream informers (what this SyncTarget owns). */
@injectable()
export class DownstreamSyncerInformers extends FactorySyncerInformers {
  constructor(
    @inject(DOWNSTREAM_INFORMER_FACTORY) factory: InformerFactory,
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    // Optional: registerEngine binds it; a hand-built engine may take the default.
    @inject(ENGINE_CONFIG, { isOptional: true }) config: EngineConfig = DEFAULT_ENGINE_CONFIG,
  ) {
    super(factory, (gvr) => downstreamInformerOptions(gvr, syncTarget.key, config.resyncPeriodMs));
  }
}
