import { type Clock, SYSTEM_CLOCK } from '@kcp-tmc/interfaces';
import { TokenBucket } from '../flowcontrol/token-bucket.js';

/** How many requests per second a client may send (`qps`), with bursts of up to `burst`. */
export interface RateLimitOptions {
  /** Sustained rate; 0 or less disables limiting. */
  qps: number;
  /** Bucket size: requests allowed at once after a quiet period (at least 1). */
  burst: number;
}

/**
 * client-go's client-side rate limit over a {@link TokenBucket}: every request takes one token. Waiters reserve
 * their token up front, so they are served in arrival order; a cancelled wait gives its token back.
 */
export class TokenBucketRateLimiter {
  private readonly bucket: TokenBucket;

  constructor(
    options: RateLimitOptions,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.bucket = new TokenBucket(options.qps, Math.max(1, Math.floor(options.burst)), clock);
  }

  /** True when limiting is on. */
  get enabled(): boolean {
    return this.bucket.qps > 0;
  }

  /** Takes a token if one is available now; never waits. */
  tryAccept(): boolean {
    return !this.enabled || this.bucket.tryTake();
  }

  /** Resolves when a token is ours; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const waitMs = Math.ceil(this.bucket.reserve());
    if (waitMs === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(handle);
        this.bucket.release();
        reject(signal?.reason);
      };
      const handle = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
