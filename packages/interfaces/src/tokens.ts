/**
 * DI tokens. Every constructor parameter of a library class is injected by one of these (`@inject(TOKEN)`),
 * never by emitted type metadata. `Symbol.for` keeps tokens equal even if two copies of this package load.
 * Tokens marked "many" are resolved with `@injectAll` / `container.resolveAll`.
 */

// Runtime
/** {@link Logger} */
export const LOGGER: unique symbol = Symbol.for('@kcp-tmc/Logger');
/** {@link Clock} */
export const CLOCK: unique symbol = Symbol.for('@kcp-tmc/Clock');

// Configuration
/** {@link EngineConfig} */
export const ENGINE_CONFIG: unique symbol = Symbol.for('@kcp-tmc/EngineConfig');
/** {@link DownstreamConfig} */
export const DOWNSTREAM_CONFIG: unique symbol = Symbol.for('@kcp-tmc/DownstreamConfig');
/** {@link SyncTargetRef}: the SyncTarget this agent serves. */
export const SYNC_TARGET: unique symbol = Symbol.for('@kcp-tmc/SyncTarget');
/** {@link HeartbeatConfig} */
export const HEARTBEAT_CONFIG: unique symbol = Symbol.for('@kcp-tmc/HeartbeatConfig');
/** {@link HealthConfig} */
export const HEALTH_CONFIG: unique symbol = Symbol.for('@kcp-tmc/HealthConfig');
/** {@link MetricsConfig} */
export const METRICS_CONFIG: unique symbol = Symbol.for('@kcp-tmc/MetricsConfig');
/** {@link FeatureGates} */
export const FEATURE_GATES: unique symbol = Symbol.for('@kcp-tmc/FeatureGates');

// Kube access, one per side
/** {@link KubeClient} for the upstream (kcp or any Kubernetes API). */
export const UPSTREAM_KUBE_CLIENT: unique symbol = Symbol.for('@kcp-tmc/UpstreamKubeClient');
/** {@link KubeClient} for the downstream (physical) cluster. */
export const DOWNSTREAM_KUBE_CLIENT: unique symbol = Symbol.for('@kcp-tmc/DownstreamKubeClient');
/** {@link InformerFactory} for the upstream. */
export const UPSTREAM_INFORMER_FACTORY: unique symbol = Symbol.for('@kcp-tmc/UpstreamInformerFactory');
/** {@link InformerFactory} for the downstream. */
export const DOWNSTREAM_INFORMER_FACTORY: unique symbol = Symbol.for('@kcp-tmc/DownstreamInformerFactory');
/** {@link SyncerInformers} for the upstream: the engine's informer per GVR, bound once by the engine. */
export const UPSTREAM_SYNCER_INFORMERS: unique symbol = Symbol.for('@kcp-tmc/UpstreamSyncerInformers');
/** {@link SyncerInformers} for the downstream: the engine's informer per GVR, bound once by the engine. */
export const DOWNSTREAM_SYNCER_INFORMERS: unique symbol = Symbol.for('@kcp-tmc/DownstreamSyncerInformers');

// Extension points
/** {@link ResourceTransformer} (many). */
export const RESOURCE_TRANSFORMER: unique symbol = Symbol.for('@kcp-tmc/ResourceTransformer');
/** {@link SyncFilter} (many). */
export const SYNC_FILTER: unique symbol = Symbol.for('@kcp-tmc/SyncFilter');
/** {@link StatusExtractor} (many). */
export const STATUS_EXTRACTOR: unique symbol = Symbol.for('@kcp-tmc/StatusExtractor');
/** {@link ConflictResolver}: the default conflict resolver. */
export const CONFLICT_RESOLVER: unique symbol = Symbol.for('@kcp-tmc/ConflictResolver');
/** {@link ConflictResolverRegistry} */
export const CONFLICT_RESOLVER_REGISTRY: unique symbol = Symbol.for('@kcp-tmc/ConflictResolverRegistry');
/** {@link TransformationPipeline} */
export const TRANSFORMATION_PIPELINE: unique symbol = Symbol.for('@kcp-tmc/TransformationPipeline');
/** {@link FilterRegistry} */
export const FILTER_REGISTRY: unique symbol = Symbol.for('@kcp-tmc/FilterRegistry');
/** {@link NamespaceLocatorLookup} (optional: without it, the namespace transformer cannot map upward). */
export const NAMESPACE_LOCATOR_LOOKUP: unique symbol = Symbol.for('@kcp-tmc/NamespaceLocatorLookup');
/** {@link OwnerReferenceResolver} (optional: without it, owner references are dropped downstream). */
export const OWNER_REFERENCE_RESOLVER: unique symbol = Symbol.for('@kcp-tmc/OwnerReferenceResolver');

// Syncers
/** {@link DownstreamSyncer} */
export const DOWNSTREAM_SYNCER: unique symbol = Symbol.for('@kcp-tmc/DownstreamSyncer');
/** {@link UpstreamStatusSyncer} */
export const UPSTREAM_STATUS_SYNCER: unique symbol = Symbol.for('@kcp-tmc/UpstreamStatusSyncer');
/** {@link EventSyncer} */
export const EVENT_SYNCER: unique symbol = Symbol.for('@kcp-tmc/EventSyncer');
/** {@link ResourceStateStore} */
export const RESOURCE_STATE_STORE: unique symbol = Symbol.for('@kcp-tmc/ResourceStateStore');
/** {@link FailureReporter} */
export const FAILURE_REPORTER: unique symbol = Symbol.for('@kcp-tmc/FailureReporter');
/** {@link SyncEngine} */
export const SYNC_ENGINE: unique symbol = Symbol.for('@kcp-tmc/SyncEngine');

// Liveness, health, metrics, tunnel
/** {@link HeartbeatReporter} */
export const HEARTBEAT_REPORTER: unique symbol = Symbol.for('@kcp-tmc/HeartbeatReporter');
/** {@link HealthCheck} (many). */
export const HEALTH_CHECK: unique symbol = Symbol.for('@kcp-tmc/HealthCheck');
/** {@link HealthManager} */
export const HEALTH_MANAGER: unique symbol = Symbol.for('@kcp-tmc/HealthManager');
/** {@link WorkQueueMetricsProvider} */
export const WORKQUEUE_METRICS_PROVIDER: unique symbol = Symbol.for('@kcp-tmc/WorkQueueMetricsProvider');
/** {@link SyncMetrics} */
export const SYNC_METRICS: unique symbol = Symbol.for('@kcp-tmc/SyncMetrics');
/** {@link Tunnel} */
export const TUNNEL: unique symbol = Symbol.for('@kcp-tmc/Tunnel');
/** {@link LeaderElection} (optional: without it the agent is the only replica and always writes). */
export const LEADER_ELECTION: unique symbol = Symbol.for('@kcp-tmc/LeaderElection');
