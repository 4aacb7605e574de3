import { DelayingQueue } from './delaying-queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';
import type { WorkQueueOptions } from './work-queue.js';

export interface RateLimitingQueueOptions<K> extends WorkQueueOptions {
  /** Defaults to {@link defaultControllerRateLimiter} on the queue's clock. */
  rateLimiter?: RateLimiter<K>;
}

/**
 * A delaying queue with a rate limiter (client-go's RateLimitingInterface): a failed key comes back after the
 * limiter's delay, `forget` resets its backoff once it succeeds.
 */
export class RateLimitingQueue<K extends string> extends DelayingQueue<K> {
  readonly rateLimiter: RateLimiter<K>;

  constructor(options: RateLimitingQueueOptions<K> = {}) {
    super(options);
    this.rateLimiter =
      options.rateLimiter ?? defaultControllerRateLimiter<K>(options.clock ? { clock: options.clock } : {});
  }

  /**
   * Adds `key` after the limiter's delay. With `retryAfterMs` (the server's Retry-After, from
   * `TmcError.retryAfterMs`) it waits at least that long; the attempt still counts toward the key's backoff.
   */
  addRateLimited(key: K, retryAfterMs?: number, maxDelayMs?: number): void {
    if (this.isShuttingDown()) {
      this.refuse(key);
      return;
    }
    // The limiter still counts the failure (numRequeues), even when the delay is capped.
    const backoff = Math.min(this.rateLimiter.when(key), maxDelayMs ?? Number.POSITIVE_INFINITY);
    this.addAfter(key, retryAfterMs !== undefined && retryAfterMs > backoff ? retryAfterMs : backoff);
  }

  /** Resets the key's backoff (call on success, or when giving up on it). */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }
}
