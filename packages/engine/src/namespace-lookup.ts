import {
  clusterKey,
  DEFAULT_ENGINE_CONFIG,
  DOWNSTREAM_INFORMER_FACTORY,
  ENGINE_CONFIG,
  type EngineConfig,
  type Informer,
  type InformerFactory,
  type InformerOptions,
  locatorFromAnnotations,
  NAMESPACES_GVR,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  namespaceLocatorToJson,
  SYNC_TARGET,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { downstreamInformerOptions, LOCATOR_INDEX } from './controller/informer-options.js';
import type { EngineOptions } from './options.js';
import { ENGINE_OPTIONS } from './tokens.js';

/**
 * NamespaceLocatorLookup over the engine's downstream namespace informer (the namespaces labelled as this
 * SyncTarget's), indexed by locator. It reads the shared informer the namespaces controller runs; until that
 * informer has synced, it knows nothing.
 */
@injectable()
export class InformerNamespaceLocatorLookup implements NamespaceLocatorLookup {
  private readonly informerOptions: InformerOptions;
  private readonly cluster: string;

  constructor(
    @inject(DOWNSTREAM_INFORMER_FACTORY) private readonly factory: InformerFactory,
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    @inject(ENGINE_CONFIG, { isOptional: true }) config: EngineConfig = DEFAULT_ENGINE_CONFIG,
    @inject(ENGINE_OPTIONS, { isOptional: true }) options: EngineOptions = {},
  ) {
    this.informerOptions = downstreamInformerOptions(NAMESPACES_GVR, syncTarget.key, config.resyncPeriodMs);
    this.cluster = options.downstreamCluster ?? 'default';
  }

  locatorOf(downstreamNamespace: string): NamespaceLocator | undefined {
    const namespace = this.informer().get(clusterKey(this.cluster, NAMESPACES_GVR, '', downstreamNamespace));
    if (namespace === undefined) return undefined;
    try {
      return locatorFromAnnotations(namespace.metadata.annotations);
    } catch {
      return undefined;
    }
  }

  /** Throws a retryable ResourceConflict when two namespaces carry the locator (kcp: "namespace collision"). */
  namespaceFor(locator: NamespaceLocator): string | undefined {
    const names = this.informer()
      .byIndex(LOCATOR_INDEX, namespaceLocatorToJson(locator))
      .map((namespace) => namespace.metadata.name as string)
      .sort();
    if (names.length > 1) {
      throw new TmcError({
        type: TmcErrorType.ResourceConflict,
        message: `namespace collision: ${names.join(', ')} all carry locator ${namespaceLocatorToJson(locator)}`,
      });
    }
    return names[0];
  }

  private informer(): Informer {
    // The factory hands out the one informer for these options: the one the namespaces controller started.
    return this.factory.informerFor(this.informerOptions);
  }
}
