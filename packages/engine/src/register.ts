import {
  DEFAULT_ENGINE_CONFIG,
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  DOWNSTREAM_SYNCER_INFORMERS,
  ENGINE_CONFIG,
  type EngineConfig,
  FILTER_REGISTRY,
  type InformerFactory,
  type KubeClient,
  NAMESPACE_LOCATOR_LOOKUP,
  SYNC_ENGINE,
  SYNC_TARGET,
  type SyncTargetRef,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
  UPSTREAM_SYNCER_INFORMERS,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, instancePerContainerCachingFactory } from 'tsyringe';
import { ApiImporter, type ApiImportOptions } from './api-import/api-importer.js';
import { downstreamSyncerInformers, upstreamSyncerInformers } from './controller/syncer-informers.js';
import { DefaultSyncEngine } from './engine.js';
import { SyncTargetGvrSource } from './gvr-source.js';
import { InformerNamespaceLocatorLookup } from './namespace-lookup.js';
import type { EngineOptions } from './options.js';
import { PriorityFilterRegistry } from './registries.js';
import {
  API_IMPORT_OPTIONS,
  API_IMPORT_UPSTREAM_CLIENT,
  API_IMPORTER,
  ENGINE_OPTIONS,
  GVR_SOURCE,
  SIDE_DOWNSTREAM_CLIENT,
  SYNC_TARGET_INFORMER_FACTORY,
} from './tokens.js';

export interface RegisterEngineOptions extends EngineOptions {
  /** Merged over DEFAULT_ENGINE_CONFIG and bound to ENGINE_CONFIG; without it an existing binding is kept. */
  config?: Partial<EngineConfig>;
  /**
   * Run kcp's API importer beside the engine (started and stopped with it). `upstreamClient` reaches kcp's
   * base URL (default: the UPSTREAM_KUBE_CLIENT binding); ignored in plain mode, where nothing imports APIs.
   */
  apiImport?: ApiImportOptions & { upstreamClient?: KubeClient };
  /**
   * Bound to SIDE_DOWNSTREAM_CLIENT: the access reviews and the API importer's discovery. Default: the
   * DOWNSTREAM_KUBE_CLIENT binding, whose rate limiter the workers share; give it a client of its own.
   */
  sideDownstreamClient?: KubeClient;
}

/**
 * Binds the engine's defaults, one instance per container: SYNC_ENGINE (DefaultSyncEngine),
 * UPSTREAM/DOWNSTREAM_SYNCER_INFORMERS (the engine's informer per GVR on each side), FILTER_REGISTRY
 * (filters in priority order, seeded with every SYNC_FILTER), GVR_SOURCE (the SyncTarget's GVRs, checked with
 * SelfSubjectAccessReviews), ENGINE_OPTIONS, ENGINE_CONFIG when missing or given, and — unless already bound —
 * SYNC_TARGET_INFORMER_FACTORY (the upstream factory) and NAMESPACE_LOCATOR_LOOKUP (over the engine's
 * downstream namespace informer), and with `apiImport` (kcp modes) API_IMPORTER. The engine itself needs UPSTREAM/DOWNSTREAM_INFORMER_FACTORY,
 * DOWNSTREAM_KUBE_CLIENT, SYNC_TARGET and DOWNSTREAM_SYNCER bound; the status and event syncers, the
 * transformation pipeline, metrics, heartbeat, clock and logger are used when bound.
 */
export function registerEngine(container: DependencyContainer, options: RegisterEngineOptions = {}): void {
  const { config, apiImport, sideDownstreamClient, ...engineOptions } = options;
  bindClient(container, SIDE_DOWNSTREAM_CLIENT, sideDownstreamClient, DOWNSTREAM_KUBE_CLIENT);
  container.register<EngineOptions>(ENGINE_OPTIONS, { useValue: Object.freeze(engineOptions) });
  if (config !== undefined || !container.isRegistered(ENGINE_CONFIG, true)) {
    container.register<EngineConfig>(ENGINE_CONFIG, {
      useValue: Object.freeze({ ...DEFAULT_ENGINE_CONFIG, ...config }),
    });
  }
  // Once, here: every reader of a GVR's informer (the engine's controllers, the downstream syncer) takes it
  // from these, so none re-derives the options and gets a second, never-started informer.
  const engineConfig = (c: DependencyContainer) => c.resolve<EngineConfig>(ENGINE_CONFIG);
  const syncTarget = (c: DependencyContainer) => c.resolve<SyncTargetRef>(SYNC_TARGET);
  container.register(UPSTREAM_SYNCER_INFORMERS, {
    useFactory: instancePerContainerCachingFactory((c) => {
      const factory = c.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY);
      return upstreamSyncerInformers(factory, syncTarget(c), engineConfig(c), engineOptions);
    }),
  });
  container.register(DOWNSTREAM_SYNCER_INFORMERS, {
    useFactory: instancePerContainerCachingFactory((c) =>
      downstreamSyncerInformers(
        c.resolve<InformerFactory>(DOWNSTREAM_INFORMER_FACTORY),
        syncTarget(c),
        engineConfig(c),
      ),
    ),
  });
  if (!container.isRegistered(SYNC_TARGET_INFORMER_FACTORY, true)) {
    container.register(SYNC_TARGET_INFORMER_FACTORY, { useToken: UPSTREAM_INFORMER_FACTORY });
  }
  if (!container.isRegistered(NAMESPACE_LOCATOR_LOOKUP, true)) {
    container.register(NAMESPACE_LOCATOR_LOOKUP, {
      useFactory: instancePerContainerCachingFactory((c) => c.resolve(InformerNamespaceLocatorLookup)),
    });
  }
  container.register(FILTER_REGISTRY, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(PriorityFilterRegistry)),
  });
  container.register(GVR_SOURCE, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(SyncTargetGvrSource)),
  });
  if (apiImport !== undefined && engineOptions.upstreamMode !== 'plain') {
    const { upstreamClient, ...importOptions } = apiImport;
    container.register<ApiImportOptions>(API_IMPORT_OPTIONS, { useValue: Object.freeze(importOptions) });
    bindClient(container, API_IMPORT_UPSTREAM_CLIENT, upstreamClient, UPSTREAM_KUBE_CLIENT);
    container.register(API_IMPORTER, {
      useFactory: instancePerContainerCachingFactory((c) => c.resolve(ApiImporter)),
    });
  }
  container.register(SYNC_ENGINE, {
    useFactory: instancePerContainerCachingFactory((c) => c.resolve(DefaultSyncEngine)),
  });
}

/** Binds `token` to the given client; without one, to `fallback` unless the token is bound already. */
function bindClient(
  container: DependencyContainer,
  token: symbol,
  client: KubeClient | undefined,
  fallback: symbol,
): void {
  if (client !== undefined) container.register(token, { useValue: client });
  else if (!container.isRegistered(token, true)) container.register(token, { useToken: fallback });
}
