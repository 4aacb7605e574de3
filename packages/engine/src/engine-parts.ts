import {
  CLOCK,
  type Clock,
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_FEATURE_GATES,
  DOWNSTREAM_SYNCER,
  DOWNSTREAM_SYNCER_INFORMERS,
  type DownstreamSyncer,
  ENGINE_CONFIG,
  type EngineConfig,
  EVENT_SYNCER,
  type EventSyncer,
  FAILURE_REPORTER,
  type FailureReporter,
  FEATURE_GATES,
  type FeatureGates,
  FILTER_REGISTRY,
  type FilterRegistry,
  HEARTBEAT_REPORTER,
  type HeartbeatReporter,
  type InformerFactory,
  LOGGER,
  type Logger,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocatorLookup,
  NOOP_LOGGER,
  SYNC_METRICS,
  SYSTEM_CLOCK,
  type SyncerInformers,
  type SyncMetrics,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_STATUS_SYNCER,
  UPSTREAM_SYNCER_INFORMERS,
  type UpstreamStatusSyncer,
  WORKQUEUE_METRICS_PROVIDER,
  type WorkQueueMetricsProvider,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { EngineOptions } from './options.js';
import { ENGINE_OPTIONS } from './tokens.js';

/**
 * The engine's parts, grouped by what they are for. Each group is a class whose constructor injects its tokens,
 * so the engine's constructor stays short; built by hand, a plain object of the same shape does.
 */

/** Each side's informers: the engine's per GVR, and the upstream factory for the short-lived ones it lists with. */
@injectable()
export class EngineInformers {
  constructor(
    @inject(UPSTREAM_SYNCER_INFORMERS) readonly upstream: SyncerInformers,
    @inject(DOWNSTREAM_SYNCER_INFORMERS) readonly downstream: SyncerInformers,
    /** Missing-resource Events list through informers of their own, never shared with a controller. */
    @inject(UPSTREAM_INFORMER_FACTORY) readonly upstreamFactory: InformerFactory,
  ) {}
}

/** What workers hand work to: the filters, the pipeline and the syncer per direction. */
@injectable()
export class EngineSyncers {
  constructor(
    @inject(FILTER_REGISTRY) readonly filters: FilterRegistry,
    @inject(DOWNSTREAM_SYNCER) readonly downstream: DownstreamSyncer,
    // Optional: without a status syncer, status stays downstream (spec-only agents, tests of the spec path).
    @inject(UPSTREAM_STATUS_SYNCER, { isOptional: true }) readonly status?: UpstreamStatusSyncer,
    // Optional: without an event syncer, downstream Events are not watched.
    @inject(EVENT_SYNCER, { isOptional: true }) readonly events?: EventSyncer,
    // Optional: without a pipeline, objects go down as they are upstream.
    @inject(TRANSFORMATION_PIPELINE, { isOptional: true }) readonly pipeline?: TransformationPipeline,
    // Optional: registerEngine binds one; without it namespaces are found by their computed names only.
    @inject(NAMESPACE_LOCATOR_LOOKUP, { isOptional: true }) readonly locators?: NamespaceLocatorLookup,
  ) {}
}

/** Configuration and ambient services, each with a default. */
@injectable()
export class EngineSettings {
  constructor(
    // Optional: registerEngine binds it; unbound, kcp's defaults.
    @inject(ENGINE_CONFIG, { isOptional: true }) readonly config: EngineConfig = DEFAULT_ENGINE_CONFIG,
    // Optional: registerEngine binds it; unbound, virtual-workspace mode.
    @inject(ENGINE_OPTIONS, { isOptional: true }) readonly options: EngineOptions = {},
    // Optional: unbound, every gate at its default.
    @inject(FEATURE_GATES, { isOptional: true }) readonly gates: FeatureGates = DEFAULT_FEATURE_GATES,
    // Optional: tests bind a manual clock; unbound, the system clock.
    @inject(CLOCK, { isOptional: true }) readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: unbound, the engine logs nothing.
    @inject(LOGGER, { isOptional: true }) readonly logger: Logger = NOOP_LOGGER,
  ) {}
}

/** Where the engine reports what it does: metrics, SyncTarget conditions, given-up failures. */
@injectable()
export class EngineReporting {
  constructor(
    // Optional: without metrics the engine syncs the same, uncounted.
    @inject(SYNC_METRICS, { isOptional: true }) readonly metrics?: SyncMetrics,
    // Optional: without it the work queue keeps no client-go workqueue_* metrics.
    @inject(WORKQUEUE_METRICS_PROVIDER, { isOptional: true })
    readonly queueMetrics?: WorkQueueMetricsProvider,
    // Optional: without a heartbeat nobody writes SyncerAuthorized (plain mode has no SyncTarget to write).
    @inject(HEARTBEAT_REPORTER, { isOptional: true }) readonly heartbeat?: HeartbeatReporter,
    // Optional: without it a key given up on is only logged.
    @inject(FAILURE_REPORTER, { isOptional: true }) readonly failures?: FailureReporter,
  ) {}
}
