import {
  classifyError,
  DEFAULT_CLUSTER_NAME,
  type GVR,
  LEADER_ELECTION,
  type LeaderElection,
  type Logger,
  type ResourceTransformer,
  SYNC_TARGET,
  type SyncEngine,
  type SyncFilter,
  type SyncStatus,
  type SyncTargetRef,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { ApiImporter } from './api-import/api-importer.js';
import { waitForCacheSync } from './cache-sync.js';
import { ControllerSet } from './controller/controller-set.js';
import { upstreamInformerOptions } from './controller/informer-options.js';
import { Dispatcher } from './dispatch.js';
import { logDrain } from './drain-report.js';
import { EngineInformers, EngineReporting, EngineSettings, EngineSyncers } from './engine-parts.js';
import { engineQueue } from './engine-queue.js';
import { GvrChanges } from './gvr-changes.js';
import type { GvrSource } from './gvr-set.js';
import { Intake } from './intake.js';
import { acquireLeadership } from './leadership.js';
import { MissingResourceEvents } from './missing-resource-events.js';
import type { DrainResult, RateLimitingQueue } from './queue/index.js';
import { RemovalGrace } from './removal-grace.js';
import { SyncStatusTracker } from './sync-status.js';
import { SyncTargetConditionReporter } from './sync-target-conditions.js';
import { SyncWorker, startWorkers } from './sync-worker.js';
import { API_IMPORTER, GVR_SOURCE } from './tokens.js';

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
  private readonly gvrChanges: GvrChanges;
  private readonly intake: Intake;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private running = false;
  private drain: DrainResult<string> | undefined;
  private halted = false;
  private readonly fatalListeners = new Set<(reason: string) => void>();

  constructor(
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    @inject(EngineInformers) informers: EngineInformers,
    @inject(GVR_SOURCE) private readonly gvrSource: GvrSource,
    @inject(EngineSyncers) private readonly syncers: EngineSyncers,
    @inject(EngineSettings) private readonly settings: EngineSettings,
    @inject(EngineReporting) private readonly reporting: EngineReporting,
    // Optional: only kcp modes import APIs (registerEngine binds it with `apiImport`).
    @inject(API_IMPORTER, { isOptional: true }) private readonly importer?: ApiImporter,
    // Optional: a single replica (no election configured) is always the leader.
    @inject(LEADER_ELECTION, { isOptional: true }) private readonly leader?: LeaderElection,
  ) {
    const { config, options, clock } = settings;
    this.logger = settings.logger.child({ component: 'sync-engine', syncTarget: syncTarget.name });
    this.queue = engineQueue(config, clock, reporting.queueMetrics);
    this.intake = new Intake(this.queue, this.status, config.queueDepth, clock, this.logger);
    this.controllers = new ControllerSet(
      options.downstreamCluster ?? DEFAULT_CLUSTER_NAME,
      informers.upstream,
      informers.downstream,
      (direction, key) => this.intake.enqueue(direction, key),
      this.status,
      this.logger,
    );
    this.conditions = new SyncTargetConditionReporter(reporting.heartbeat, leader, this.logger);
    this.missing = new MissingResourceEvents(
      informers.upstreamFactory,
      // Resync 0: an informer of its own, never the one a controller of the GVR would share and stop.
      (gvr: GVR) =>
        upstreamInformerOptions(gvr, syncTarget.key, options.upstreamMode ?? 'virtual-workspace', 0),
      reporting.failures,
      leader,
      this.logger,
    );
    this.gvrChanges = new GvrChanges({
      gvrSource,
      controllers: this.controllers,
      status: this.status,
      conditions: this.conditions,
      missing: this.missing,
      logger: this.logger,
      signal: this.abort.signal,
    });
    this.dispatcher = new Dispatcher({
      syncTarget,
      syncers,
      ownsNamespace: (namespace) => this.controllers.ownsNamespace(namespace),
      requeueDown: (key) => this.intake.enqueue('down', key),
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
    this.syncers.filters.register(filter);
  }

  unregisterFilter(name: string): boolean {
    return this.syncers.filters.unregister(name);
  }

  registerTransformer(
    transformer: ResourceTransformer,
    position?: { before?: string; after?: string },
  ): void {
    if (this.syncers.pipeline === undefined) throw new TypeError('no TRANSFORMATION_PIPELINE is registered');
    this.syncers.pipeline.register(transformer, position);
  }

  unregisterTransformer(name: string): boolean {
    return this.syncers.pipeline?.unregister(name) ?? false;
  }

  private async run(): Promise<void> {
    if (!this.settings.gates.SyncEngine) {
      this.status.error = 'disabled by the SyncEngine feature gate';
      this.logger.info('sync engine not started', { reason: this.status.error });
      return;
    }
    // First, as kcp's syncer starts it: the SyncTarget's resources become Accepted only once imported. A
    // standby imports nothing: it only reads until it leads.
    if (this.leader === undefined) this.importer?.start();
    this.gvrChanges.follow((reason) => this.halt(reason));
    const set = await this.withTimeout(
      'the SyncTarget',
      (signal) => this.gvrSource.start(signal),
      () => ['SyncTarget informer'],
    );
    if (set.error !== undefined) throw new TmcError({ type: TmcErrorType.Invalid, message: set.error });
    await this.gvrChanges.apply(set);
    if (this.syncers.events !== undefined && (this.settings.options.syncEvents ?? true)) {
      await this.gvrChanges.startEvents();
    }
    const controllers = this.controllers.all();
    await this.withTimeout(
      'the caches',
      (signal) => Promise.all(controllers.map((c) => c.waitForSync(signal))),
      () => controllers.flatMap((c) => c.unsynced()),
    );
    this.abort.signal.throwIfAborted();
    this.status.connected = true;
    this.reporting.metrics?.setConnected('upstream', true);
    this.reporting.metrics?.setConnected('downstream', true);
    if (this.leader !== undefined) await this.awaitLeadership(this.leader);
    this.running = true;
    this.logger.info('caches synced, starting workers', {
      workers: this.settings.config.workerCount,
      resources: this.activeResources(),
    });
    const workerSettings = { ...this.settings, logger: this.logger };
    startWorkers(this.settings.config.workerCount, this.settings.clock, (turns) => {
      const { queue, controllers, dispatcher, status, reporting } = this;
      return new SyncWorker(queue, controllers, dispatcher, status, workerSettings, reporting, turns);
    });
    this.gvrChanges.run();
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
    void this.handBack();
    for (const listener of this.fatalListeners) listener(reason);
  }

  /** Caches stay warm while a standby waits; the importer and the workers, which write, start only once it leads. */
  private async awaitLeadership(leader: LeaderElection): Promise<void> {
    await acquireLeadership(leader, this.abort.signal, this.logger, () => {
      // Not one more write: workers stop taking keys at once; the agent decides what happens next.
      this.status.error = 'leadership lost';
      return this.handBack();
    });
    this.importer?.start();
    await this.conditions.report(this.gvrSource.current());
    void this.missing.report(this.gvrSource.current(), this.abort.signal);
  }

  /** Stops taking keys at once and hands every queued one back (see lastDrain). */
  private async handBack(): Promise<DrainResult<string>> {
    this.drain = await this.queue.shutDownWithDrain(0);
    return this.drain;
  }

  private async shutdown(): Promise<void> {
    this.abort.abort(new Error('sync engine stopping'));
    await this.starting?.catch(() => {});
    this.gvrChanges.unfollow();
    // The importer stops polling; its imports stay, so kcp keeps the SyncTarget scheduled across a restart.
    const importerStopped = this.importer?.stop();
    await this.gvrSource.stop();
    this.controllers.detachAll();
    // Only keys in flight get the shutdown timeout. Queued, delayed and retried keys are handed back: the next
    // start's initial list queues every object again, so none is lost, and a backlog drained here would run at
    // the client's QPS until the timeout. Without workers nothing is in flight.
    this.drain = await this.queue.shutDownInFlight(this.running ? this.settings.config.shutdownTimeoutMs : 0);
    logDrain(this.drain, this.settings.config.shutdownTimeoutMs, this.logger);
    await this.gvrChanges.settled();
    await this.controllers.stopAll();
    await importerStopped;
    this.running = false;
    if (this.status.connected) {
      this.status.connected = false;
      this.reporting.metrics?.setConnected('upstream', false);
      this.reporting.metrics?.setConnected('downstream', false);
    }
  }

  private async teardownAfterFailedStart(): Promise<void> {
    this.gvrChanges.unfollow();
    await this.importer?.stop();
    await this.gvrSource.stop().catch(() => {});
    this.queue.shutDown();
    await this.controllers.stopAll();
  }

  private withTimeout<T>(what: string, wait: (signal: AbortSignal) => Promise<T>, pending: () => string[]) {
    const { config, clock } = this.settings;
    const timeoutMs = config.cacheSyncTimeoutMs;
    return waitForCacheSync({ what, wait, pending, timeoutMs, clock, stopSignal: this.abort.signal });
  }
}
