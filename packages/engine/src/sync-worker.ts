import {
  type Clock,
  type ClusterKey,
  classifyError,
  decodeQueueKey,
  type EngineConfig,
  type FailureReporter,
  gvrToString,
  type KubeObject,
  type Logger,
  type SyncDirection,
  type SyncMetrics,
  type SyncResult,
} from '@kcp-tmc/interfaces';
import type { ControllerSet } from './controller/controller-set.js';
import type { Dispatcher } from './dispatch.js';
import type { EngineReporting } from './engine-parts.js';
import type { RateLimitingQueue } from './queue/index.js';
import { decideRetry } from './retry-policy.js';
import type { SyncStatusTracker } from './sync-status.js';
import { TurnBudget } from './turn-budget.js';

/**
 * One worker loop: takes a key, has the dispatcher sync it from the cache, records the result (status
 * counters, SyncMetrics) and applies the retry decision, then marks the key done. Keys of GVRs that stopped
 * syncing are dropped.
 */
export class SyncWorker {
  private readonly config: Pick<EngineConfig, 'maxRetries'>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: SyncMetrics | undefined;
  private readonly failures: FailureReporter | undefined;

  constructor(
    private readonly queue: RateLimitingQueue<string>,
    private readonly controllers: ControllerSet,
    private readonly dispatcher: Dispatcher,
    private readonly status: SyncStatusTracker,
    settings: { config: Pick<EngineConfig, 'maxRetries'>; clock: Clock; logger: Logger },
    reporting: Pick<EngineReporting, 'metrics' | 'failures'>,
    /** Shared by the engine's workers: together they yield to the event loop. */
    private readonly turns: TurnBudget = new TurnBudget(settings.clock),
  ) {
    ({ config: this.config, clock: this.clock, logger: this.logger } = settings);
    ({ metrics: this.metrics, failures: this.failures } = reporting);
  }

  /** Runs until the queue shuts down. */
  async run(): Promise<void> {
    for (;;) {
      const next = await this.queue.get();
      if (next.shutdown) return;
      try {
        await this.process(next.key);
      } catch (err) {
        this.logger.error('worker failed to handle a key', { key: next.key, error: String(err) });
      } finally {
        this.queue.done(next.key);
      }
      await this.turns.spend();
    }
  }

  private async process(queueKey: string): Promise<void> {
    const { direction, key } = decodeQueueKey(queueKey);
    const gvr = gvrToString(key.gvr);
    const controller = this.controllers.get(gvr);
    if (controller === undefined) {
      // Its GVR stopped syncing since the key was queued.
      this.queue.forget(queueKey);
      this.status.settled(queueKey);
      return;
    }
    const started = this.clock.now();
    const retries = this.queue.numRequeues(queueKey);
    const adds = this.status.adds(queueKey);
    let result: SyncResult;
    try {
      result = await this.dispatcher.sync({
        direction,
        key,
        controller,
        retries,
        queuedAt: this.status.queuedAt(queueKey, started),
      });
    } catch (err) {
      result = { key, operation: 'noop', success: false, conflicts: [], error: classifyError(err, queueKey) };
    }
    if (this.metrics !== undefined) {
      const cluster =
        direction === 'down' ? key.cluster : await this.dispatcher.upstreamClusterOf(key, controller);
      this.observe(this.metrics, direction, key, cluster, result, started);
    }
    const decision = decideRetry(result, retries, this.config.maxRetries);
    switch (decision.action) {
      case 'forget':
        this.queue.forget(queueKey);
        this.status.succeeded(gvr, this.clock.now());
        this.status.settled(queueKey, adds);
        return;
      case 'recheck':
        this.queue.forget(queueKey);
        this.status.succeeded(gvr, this.clock.now());
        this.queue.addAfter(queueKey, decision.delayMs);
        return;
      case 'retry':
        this.status.failed(gvr, decision.error.message);
        this.logger.debug('sync failed, retrying', { key: queueKey, type: decision.error.type }, 2);
        this.queue.addRateLimited(queueKey, decision.retryAfterMs, decision.maxDelayMs);
        return;
      case 'give-up':
        this.status.failed(gvr, decision.error.message);
        this.logger.error('sync failed, giving up until the object changes', {
          key: queueKey,
          type: decision.error.type,
          why: decision.why,
          error: decision.error.message,
        });
        this.queue.forget(queueKey);
        this.status.settled(queueKey, adds);
        // Reported without holding the worker: the reporter writes upstream and never throws.
        void this.failures?.reportGivenUp({
          key,
          direction,
          error: decision.error,
          attempts: retries + 1,
          ...withObject(controller.upstream?.get(key)),
        });
        return;
    }
  }

  private observe(
    metrics: SyncMetrics,
    direction: SyncDirection,
    key: ClusterKey,
    cluster: string,
    result: SyncResult,
    started: number,
  ): void {
    metrics.observeSync({
      cluster,
      gvr: key.gvr,
      direction,
      durationSeconds: (this.clock.now() - started) / 1000,
      success: result.success,
    });
    if (!result.success && result.error !== undefined) {
      metrics.observeError(result.error.type, result.error.severity);
    }
  }
}

function withObject(object: KubeObject | undefined): { object?: KubeObject } {
  return object === undefined ? {} : { object };
}

/** Starts `count` (at least one) workers sharing one turn budget: together they yield every 10 ms. */
export function startWorkers(count: number, clock: Clock, worker: (turns: TurnBudget) => SyncWorker): void {
  const turns = new TurnBudget(clock);
  for (let i = 0; i < Math.max(1, count); i++) void worker(turns).run();
}
