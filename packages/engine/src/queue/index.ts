export { DelayingQueue } from './delaying-queue.js';
export {
  DEFAULT_METRICS_UPDATE_PERIOD_MS,
  NOOP_WORKQUEUE_METRICS_PROVIDER,
} from './queue-metrics.js';
export {
  BucketRateLimiter,
  type ControllerRateLimiterOptions,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './rate-limiters.js';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './rate-limiting-queue.js';
export { type DrainResult, type GetResult, WorkQueue, type WorkQueueOptions } from './work-queue.js';
