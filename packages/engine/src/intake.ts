import {
  type Clock,
  type ClusterKey,
  encodeQueueKey,
  gvrToString,
  type Logger,
  type SyncDirection,
} from '@kcp-tmc/interfaces';
import type { RateLimitingQueue } from './queue/index.js';
import type { SyncStatusTracker } from './sync-status.js';

/**
 * The only thing an event handler does: queue `down|<ClusterKey>` or `up|<ClusterKey>`. Keys are never dropped;
 * a queue deeper than `queueDepth` is logged once until it is back under half of it.
 */
export class Intake {
  private backpressure = false;

  constructor(
    private readonly queue: RateLimitingQueue<string>,
    private readonly status: SyncStatusTracker,
    private readonly queueDepth: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  enqueue(direction: SyncDirection, key: ClusterKey): void {
    const queueKey = encodeQueueKey(direction, key);
    this.status.enqueued(queueKey, gvrToString(key.gvr), this.clock.now());
    this.queue.add(queueKey);
    const depth = this.queue.len();
    if (!this.backpressure && depth > this.queueDepth) {
      this.backpressure = true;
      this.logger.warn('work queue deeper than configured; keys are kept, workers are behind', { depth });
    } else if (this.backpressure && depth <= this.queueDepth / 2) {
      this.backpressure = false;
    }
  }
}
