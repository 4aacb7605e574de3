import {
  CLOCK,
  type Clock,
  type ClusterKey,
  classifyError,
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_FEATURE_GATES,
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_SYNCER,
  type DownstreamSyncer,
  ENGINE_CONFIG,
  type EngineConfig,
  EVENT_SYNCER,
  EVENTS_GVR,
  type EventSyncer,
  encodeQueueKey,
  FAILURE_REPORTER,
  type FailureReporter,
  FEATURE_GATES,
  type FeatureGates,
  FILTER_REGISTRY,
  type FilterRegistry,
  gvrToString,
  HEARTBEAT_REPORTER,
  type HeartbeatReporter,
  type InformerFactory,
  LEADER_ELECTION,
  type LeaderElection,
  LOGGER,
  type Logger,
  NAMESPACE_LOCATOR_LOOKUP,
  type NamespaceLocatorLookup,
  NOOP_LOGGER,
  type ResourceTransformer,
  SYNC_METRICS,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncDirection,
  type SyncEngine,
  type SyncFilter,
  type SyncMetrics,
  type SyncStatus,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
  TRANSFORMATION_PIPELINE,
  type TransformationPipeline,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_STATUS_SYNCER,
  type UpstreamStatusSyncer,
  WORKQUEUE_METRICS_PROVIDER,
  type WorkQueueMetricsProvider,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { downstreamGrantHint, EVENT_VERBS } from './access-review.js';
import type { ApiImporter } from './api-import/api-importer.js';
import { waitForCacheSync } from './cache-sync.js';
import { ControllerSet } from './controller/controller-set.js';
import { upstreamInformerOptions } from './controller/informer-options.js';
import { Dispatcher } from './dispatch.js';
import { engineQueue } from './engine-queue.js';
import type { GvrSet, GvrSource } from './gvr-source.js';
import { MissingResourceEvents } from './missing-resource-events.js';
import type { EngineOptions } from './options.js';
import type { DrainResult, RateLimitingQueue } from './queue/index.js';
import { RemovalGrace } from './removal-grace.js';
import { SyncStatusTracker } from './sync-status.js';
import { SyncTargetConditionReporter } from './sync-target-conditions.js';
import { SyncWorker } from './sync-worker.js';
import { API_IMPORTER, ENGINE_OPTIONS, GVR_SOURCE } from './tokens.js';
import { TurnBudget } from './turn-budget.js';

export { ENGINE_QUEUE_NAME } from './engine-queue.js';

/**
 * The sync engine: one resource controller per GVR the GvrSource allows, one work queue, `workerCount`
 * workers dispatching spec / delete / status / event work to the syncers bound to their tokens. Connected once
 * every cache synced; GVRs added to or removed from the SyncTarget start or stop controllers at run time;
 * `stop()` lets in-flight keys finish within `shutdownTimeoutMs` and reports what it handed back.
 */
@injectable()
export class DefaultSyncEngine implements SyncEngine {
  readonly queue: RateLimitingQueue<string>;
  private readonly controllers: ControllerSet;
  private readonly status = new SyncStatusTracker();
  private readonly dispatcher: Dispatcher;
  private readonly conditions: SyncTargetConditionReporter;
  private readonly missing: MissingResourceEvents;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private running = false;
  private gvrChangePending = false;
  private gvrChain: Promise<void> = Promise.resolve();
  private unsubscribeGvrs: (() => void) | undefined;
  private drain: DrainResult<string> | undefined;
  private backpressure = false;
  private halted = false;
  private readonly fatalListeners = new Set<(reason: string) => void>();

  constructor(
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    @inject(UPSTREAM_INFORMER_FACTORY) upstreamFactory: InformerFactory,
    @inject(DOWNSTREAM_INFORMER_FACTORY) downstreamFactory: InformerFactory,
    @inject(GVR_SOURCE) private readonly gvrSource: GvrSource,
    @inject(FILTER_REGISTRY) private readonly filters: FilterRegistry,
    @inject(DOWNSTREAM_SYNCER) downstreamSyncer: DownstreamSyncer,
    @inject(UPSTREAM_STATUS_SYNCER, { isOptional: true }) statusSyncer?: UpstreamStatusSyncer,
    @inject(EVENT_SYNCER, { isOptional: true }) private readonly eventSyncer?: EventSyncer,
    @inject(TRANSFORMATION_PIPELINE, { isOptional: true }) private readonly pipeline?: TransformationPipeline,
    @inject(NAMESPACE_LOCATOR_LOOKUP, { isOptional: true }) locators?: NamespaceLocatorLookup,
    @inject(ENGINE_CONFIG, { isOptional: true })
    private readonly config: EngineConfig = DEFAULT_ENGINE_CONFIG,
    @inject(ENGINE_OPTIONS, { isOptional: true }) private readonly options: EngineOptions = {},
    @inject(FEATURE_GATES, { isOptional: true }) private readonly gates: FeatureGates = DEFAULT_FEATURE_GATES,
    @inject(SYNC_METRICS, { isOptional: true }) private readonly metrics?: SyncMetrics,
    @inject(WORKQUEUE_METRICS_PROVIDER, { isOptional: true }) queueMetrics?: WorkQueueMetricsProvider,
    @inject(HEARTBEAT_REPORTER, { isOptional: true }) heartbeat?: HeartbeatReporter,
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER,
    @inject(FAILURE_REPORTER, { isOptional: true }) private readonly failures?: FailureReporter,
    @inject(API_IMPORTER, { isOptional: true }) private readonly importer?: ApiImporter,
    // Optional: a single replica (no election configured) is always the leader.
    @inject(LEADER_ELECTION, { isOptional: true }) private readonly leader?: LeaderElection,
  ) {
    this.logger = logger.child({ component: 'sync-engine', syncTarget: syncTarget.name });
    this.controllers = new ControllerSet(
      {
        syncTargetKey: syncTarget.key,
        upstreamMode: options.upstreamMode ?? 'virtual-workspace',
        resyncPeriodMs: config.resyncPeriodMs,
        downstreamCluster: options.downstreamCluster,
      },
      upstreamFactory,
      downstreamFactory,
      (direction, key) => this.enqueue(direction, key),
      this.status,
      this.logger,
    );
    this.queue = engineQueue(config, clock, queueMetrics);
    this.conditions = new SyncTargetConditionReporter(heartbeat, leader, this.logger);
    const upstreamMode = options.upstreamMode ?? 'virtual-workspace';
    this.missing = new MissingResourceEvents(
      upstreamFactory,
      (gvr) => upstreamInformerOptions(gvr, syncTarget.key, upstreamMode, 0),
      failures,
      leader,
      this.logger,
    );
    this.dispatcher = new Dispatcher({
      syncTarget,
      downstreamSyncer,
      statusSyncer,
      eventSyncer,
      filters,
      pipeline,
      locators,
      ownsNamespace: (namespace) => this.controllers.ownsNamespace(namespace),
      requeueDown: (key) => this.enqueue('down', key),
      removalGrace: new RemovalGrace(config.removalGraceMs ?? 0, clock),
    });
  }

  /** Starts once; a second call returns the first call's promise. Rejects with a TmcError on failure. */
  start(): Promise<void> {
    this.starting ??= this.run().catch(async (err: unknown) => {
      await this.teardownAfterFailedStart();
      if (this.abort.signal.aborted) return;
      const error = classifyError(err, 'start');
      this.status.error = error.message;
      throw error;
    });
    return this.starting;
  }

  /**
   * Graceful and idempotent: stops intake, lets in-flight keys finish within `shutdownTimeoutMs` and hands the
   * rest back (see lastDrain), releases the informers.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  getStatus(): SyncStatus {
    return this.status.snapshot();
  }

  /** What the last `stop()` drained or handed back (keys are `down|<ClusterKey>` / `up|<ClusterKey>`). */
  lastDrain(): DrainResult<string> | undefined {
    return this.drain;
  }

  /** GVRs with a running controller. */
  activeResources(): string[] {
    return this.controllers.names();
  }

  registerFilter(filter: SyncFilter): void {
    this.filters.register(filter);
  }

  unregisterFilter(name: string): boolean {
    return this.filters.unregister(name);
  }

  registerTransformer(
    transformer: ResourceTransformer,
    position?: { before?: string; after?: string },
  ): void {
    if (this.pipeline === undefined) throw new TypeError('no TRANSFORMATION_PIPELINE is registered');
    this.pipeline.register(transformer, position);
  }

  unregisterTransformer(name: string): boolean {
    return this.pipeline?.unregister(name) ?? false;
  }

  private async run(): Promise<void> {
    if (!this.gates.SyncEngine) {
      this.status.error = 'disabled by the SyncEngine feature gate';
      this.logger.info('sync engine not started', { reason: this.status.error });
      return;
    }
    // First, as kcp's syncer starts it: the SyncTarget's resources become Accepted only once imported. A
    // standby imports nothing: it only reads until it leads.
    if (this.leader === undefined) this.importer?.start();
    this.unsubscribeGvrs = this.gvrSource.onChange((set) =>
      set.fatal === true ? this.halt(set.error ?? 'fatal') : this.onGvrChange(),
    );
    const set = await this.withTimeout(
      'the SyncTarget',
      (signal) => this.gvrSource.start(signal),
      () => ['SyncTarget informer'],
    );
    if (set.error !== undefined) throw new TmcError({ type: TmcErrorType.Invalid, message: set.error });
    await this.applyGvrSet(set);
    if (this.options.syncEvents ?? true) await this.startEvents();
    const controllers = this.controllers.all();
    await this.withTimeout(
      'the caches',
      (signal) => Promise.all(controllers.map((c) => c.waitForSync(signal))),
      () => controllers.flatMap((c) => c.unsynced()),
    );
    this.abort.signal.throwIfAborted();
    this.status.connected = true;
    this.metrics?.setConnected('upstream', true);
    this.metrics?.setConnected('downstream', true);
    if (this.leader !== undefined) await this.awaitLeadership(this.leader);
    this.running = true;
    this.logger.info('caches synced, starting workers', {
      workers: this.config.workerCount,
      resources: this.activeResources(),
    });
    // One budget for all workers: together they give the event loop a turn at least every 10 ms.
    const turns = new TurnBudget(this.clock);
    for (let i = 0; i < Math.max(1, this.config.workerCount); i++) {
      const worker = new SyncWorker(
        this.queue,
        this.controllers,
        this.dispatcher,
        this.status,
        this.config,
        this.clock,
        this.logger,
        this.metrics,
        this.failures,
        turns,
      );
      void worker.run();
    }
    if (this.gvrChangePending) this.onGvrChange();
  }

  onFatal(listener: (reason: string) => void): () => void {
    this.fatalListeners.add(listener);
    return () => this.fatalListeners.delete(listener);
  }

  /**
   * Stops taking work at once and tells the agent. Nothing is released: finalizers and downstream objects stay
   * as they are for whatever serves the SyncTarget next.
   */
  private halt(reason: string): void {
    if (this.halted) return;
    this.halted = true;
    this.status.error = reason;
    this.logger.error('cannot serve the SyncTarget any more, stopping work', { reason });
    void this.queue.shutDownWithDrain(0).then((drain) => {
      this.drain = drain;
    });
    for (const listener of this.fatalListeners) listener(reason);
  }

  /** Caches stay warm while a standby waits; the importer and the workers, which write, start only once it leads. */
  private async awaitLeadership(leader: LeaderElection): Promise<void> {
    this.logger.info('caches synced, waiting for leadership', { identity: leader.identity });
    leader.onLost(() => {
      // Not one more write: workers stop taking keys at once; the agent decides what happens next.
      this.status.error = 'leadership lost';
      void this.queue.shutDownWithDrain(0).then((drain) => {
        this.drain = drain;
        this.logger.warn('leadership lost: work left to the new leader', {
          handedBack: drain.handedBack.length,
        });
      });
    });
    await leader.acquire(this.abort.signal);
    this.importer?.start();
    await this.conditions.report(this.gvrSource.current());
    void this.missing.report(this.gvrSource.current(), this.abort.signal);
  }

  private async shutdown(): Promise<void> {
    this.abort.abort(new Error('sync engine stopping'));
    await this.starting?.catch(() => {});
    this.unsubscribeGvrs?.();
    // The importer stops polling; its imports stay, so kcp keeps the SyncTarget scheduled across a restart.
    const importerStopped = this.importer?.stop();
    await this.gvrSource.stop();
    this.controllers.detachAll();
    // Only keys in flight get the shutdown timeout. Queued, delayed and retried keys are handed back: the next
    // start's initial list queues every object again, so none is lost, and a backlog drained here would run at
    // the client's QPS until the timeout. Without workers nothing is in flight.
    this.drain = await this.queue.shutDownInFlight(this.running ? this.config.shutdownTimeoutMs : 0);
    const fields = {
      handedBack: this.drain.handedBack.length,
      sample: this.drain.handedBack.slice(0, 10),
    };
    if (!this.drain.drained) {
      this.logger.warn('in-flight work cut off at the shutdown timeout', {
        ...fields,
        timeoutMs: this.config.shutdownTimeoutMs,
      });
    } else if (this.drain.handedBack.length > 0) {
      this.logger.info('queued work left for the next start', { handedBack: fields.handedBack });
    }
    await this.gvrChain;
    await this.controllers.stopAll();
    await importerStopped;
    this.running = false;
    if (this.status.connected) {
      this.status.connected = false;
      this.metrics?.setConnected('upstream', false);
      this.metrics?.setConnected('downstream', false);
    }
  }

  private async teardownAfterFailedStart(): Promise<void> {
    this.unsubscribeGvrs?.();
    await this.importer?.stop();
    await this.gvrSource.stop().catch(() => {});
    this.queue.shutDown();
    await this.controllers.stopAll();
  }

  private withTimeout<T>(
    what: string,
    wait: (signal: AbortSignal) => Promise<T>,
    pending: () => string[],
  ): Promise<T> {
    return waitForCacheSync({
      what,
      wait,
      pending,
      timeoutMs: this.config.cacheSyncTimeoutMs,
      clock: this.clock,
      stopSignal: this.abort.signal,
    });
  }

  private onGvrChange(): void {
    if (!this.running) {
      this.gvrChangePending = true;
      return;
    }
    this.gvrChangePending = false;
    // One change at a time, always to the latest set.
    this.gvrChain = this.gvrChain.then(() => this.applyGvrSet(this.gvrSource.current()));
  }

  /** Starts controllers for new GVRs and stops those no longer wanted (Events stay: they are not a GVR of the set). */
  private async applyGvrSet(set: GvrSet): Promise<void> {
    if (this.abort.signal.aborted) return;
    if (set.error !== undefined) {
      this.status.error = set.error;
      this.logger.error('GVR source refuses the SyncTarget; keeping the running controllers', {
        error: set.error,
      });
      return;
    }
    const started = await this.controllers.reconcile(set.allowed);
    if (this.running) {
      for (const name of started) {
        this.logger.info('started controller', { gvr: name });
        this.controllers
          .get(name)
          ?.waitForSync(this.abort.signal)
          .then(
            () => this.logger.info('controller caches synced', { gvr: name }),
            () => {},
          );
      }
    }
    const dropped = { ...set.dropped };
    const events = this.status.droppedResources[gvrToString(EVENTS_GVR)];
    if (events !== undefined) dropped[gvrToString(EVENTS_GVR)] = events;
    this.status.droppedResources = dropped;
    this.status.unauthorizedResources = set.unauthorized;
    await this.conditions.report(set);
    // In the background: listing a missing resource's objects upstream must not hold up the GVR change.
    void this.missing.report(set, this.abort.signal);
  }

  /** Downstream Events, when an EVENT_SYNCER is bound and the downstream lets us watch them. */
  private async startEvents(): Promise<void> {
    if (this.eventSyncer === undefined) return;
    const name = gvrToString(EVENTS_GVR);
    const decisions = await Promise.all(
      EVENT_VERBS.map((verb) => this.gvrSource.checkAccess(EVENTS_GVR, verb)),
    );
    const denied = EVENT_VERBS.filter((_, i) => decisions[i]?.allowed !== true);
    if (denied.length > 0) {
      const reason = `${decisions.find((d) => !d.allowed)?.reason ?? 'not allowed'}; ${downstreamGrantHint(EVENTS_GVR, denied)}`;
      this.status.droppedResources = { ...this.status.droppedResources, [name]: reason };
      this.logger.warn('missing downstream permission: events not copied upstream', {
        side: 'downstream',
        gvr: name,
        reason,
      });
      return;
    }
    this.controllers.add(EVENTS_GVR, true);
  }

  /** The only thing an event handler does. */
  private enqueue(direction: SyncDirection, key: ClusterKey): void {
    const queueKey = encodeQueueKey(direction, key);
    this.status.enqueued(queueKey, gvrToString(key.gvr), this.clock.now());
    this.queue.add(queueKey);
    const depth = this.queue.len();
    if (!this.backpressure && depth > this.config.queueDepth) {
      this.backpressure = true;
      this.logger.warn('work queue deeper than configured; keys are kept, workers are behind', { depth });
    } else if (this.backpressure && depth <= this.config.queueDepth / 2) {
      this.backpressure = false;
    }
  }
}
