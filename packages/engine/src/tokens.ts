/**
 * Tokens of this package's own parts. The shared ones (SYNC_ENGINE, FILTER_REGISTRY, ...) live in
 * @kcp-tmc/interfaces.
 */
/** {@link EngineOptions}: upstream mode, `--resources`, the cluster names of each side. */
export const ENGINE_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/engine/EngineOptions');
/** {@link GvrSource}: the GVRs to sync, from the SyncTarget and the options, checked downstream. */
export const GVR_SOURCE: unique symbol = Symbol.for('@kcp-tmc/engine/GvrSource');
/**
 * The {@link InformerFactory} that reaches the SyncTarget. Defaults to UPSTREAM_INFORMER_FACTORY; in virtual
 * workspace mode register a factory for the SyncTarget's workspace (the virtual workspace does not serve it).
 */
export const SYNC_TARGET_INFORMER_FACTORY: unique symbol = Symbol.for(
  '@kcp-tmc/engine/SyncTargetInformerFactory',
);
/** The API importer ({@link ApiImporter}); the engine starts and stops it when bound. */
export const API_IMPORTER: unique symbol = Symbol.for('@kcp-tmc/engine/ApiImporter');
/** {@link ApiImportOptions}: `--resources` names, poll interval, the SyncTarget's workspace. */
export const API_IMPORT_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/engine/ApiImportOptions');
/**
 * The client the importer writes APIResourceImports with: the upstream at kcp's base URL (the SyncTarget's
 * workspace is addressed by cluster), never the syncer virtual workspace, which does not serve them.
 */
export const API_IMPORT_UPSTREAM_CLIENT: unique symbol = Symbol.for(
  '@kcp-tmc/engine/ApiImportUpstreamClient',
);
/**
 * The client of the engine's periodic rounds downstream: the GVR source's access reviews and the API importer's
 * discovery, each tens of requests at once every minute. A client of its own keeps them out of the rate limiter
 * the workers' writes wait in (kcp's syncer builds separate clients for them too).
 */
export const SIDE_DOWNSTREAM_CLIENT: unique symbol = Symbol.for('@kcp-tmc/engine/SideDownstreamClient');
