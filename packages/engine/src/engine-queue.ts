import type { Clock, EngineConfig, WorkQueueMetricsProvider } from '@kcp-tmc/interfaces';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  RateLimitingQueue,
} from './queue/index.js';

export const ENGINE_QUEUE_NAME = 'tmc-workload-syncer';

/** The engine's one work queue, with client-go's default controller limiter and the engine config's bucket. */
export function engineQueue(
  config: Pick<EngineConfig, 'rateLimitPerSec' | 'burst'>,
  clock: Clock,
  queueMetrics: WorkQueueMetricsProvider | undefined,
): RateLimitingQueue<string> {
  const rateLimiter = new MaxOfRateLimiter<string>(
    new ItemExponentialFailureRateLimiter<string>(5, 1_000_000),
    new BucketRateLimiter<string>(config.rateLimitPerSec, config.burst, clock),
  );
  return new RateLimitingQueue<string>({
    name: ENGINE_QUEUE_NAME,
    clock,
    rateLimiter,
    ...(queueMetrics === undefined ? {} : { metricsProvider: queueMetrics }),
  });
}
