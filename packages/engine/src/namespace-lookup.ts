import {
  clusterKey,
  DEFAULT_CLUSTER_NAME,
  DOWNSTREAM_SYNCER_INFORMERS,
  type Informer,
  type KubeObject,
  locatorOf,
  NAMESPACE_LOCATOR_INDEX,
  NAMESPACES_GVR,
  type NamespaceLocator,
  type NamespaceLocatorLookup,
  namespaceLocatorToJson,
  type SyncerInformers,
  soleNamespaceFor,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { EngineOptions } from './options.js';
import { ENGINE_OPTIONS } from './tokens.js';

/**
 * NamespaceLocatorLookup over the engine's downstream namespace informer (the namespaces labelled as this
 * SyncTarget's), indexed by locator. It reads the shared informer the namespaces controller runs; until that
 * informer has synced, it knows nothing.
 */
@injectable()
export class InformerNamespaceLocatorLookup implements NamespaceLocatorLookup {
  private readonly cluster: string;
  /**
   * Locators parsed from the cached namespaces, by object: every object synced up asks for its namespace's
   * locator (twice: status and metrics), and the informer replaces a namespace object on change, never edits it.
   * `null`: the namespace has no valid locator.
   */
  private readonly parsed = new WeakMap<KubeObject, NamespaceLocator | null>();

  constructor(
    @inject(DOWNSTREAM_SYNCER_INFORMERS) private readonly informers: SyncerInformers,
    // Optional: registerEngine binds it; a hand-built lookup may take the default cluster name.
    @inject(ENGINE_OPTIONS, { isOptional: true }) options: EngineOptions = {},
  ) {
    this.cluster = options.downstreamCluster ?? DEFAULT_CLUSTER_NAME;
  }

  locatorOf(downstreamNamespace: string): NamespaceLocator | undefined {
    const namespace = this.informer().get(clusterKey(this.cluster, NAMESPACES_GVR, '', downstreamNamespace));
    if (namespace === undefined) return undefined;
    let locator = this.parsed.get(namespace);
    if (locator === undefined) {
      locator = locatorOf(namespace) ?? null;
      this.parsed.set(namespace, locator);
    }
    return locator ?? undefined;
  }

  /** Throws a retryable ResourceConflict when two namespaces carry the locator (kcp: "namespace collision"). */
  namespaceFor(locator: NamespaceLocator): string | undefined {
    const names = this.informer()
      .byIndex(NAMESPACE_LOCATOR_INDEX, namespaceLocatorToJson(locator))
      .map((namespace) => namespace.metadata.name as string);
    return soleNamespaceFor(names, locator);
  }

  private informer(): Informer {
    // The one the namespaces controller started.
    return this.informers.informerFor(NAMESPACES_GVR);
  }
}
