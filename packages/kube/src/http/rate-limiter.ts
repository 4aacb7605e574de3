import { type Clock, SYSTEM_CLOCK } from '@kcp-tmc/interfaces';

/** How many requests per second a client may send (`qps`), with bursts of up to `burst`. */
export interface RateLimitOptions {
  /** Sustained rate; 0 or less disables limiting. */
  qps: number;
  /** Bucket size: requests allowed at once after a quiet period (at least 1). */
  burst: number;
}

/**
 * A token bucket with client-go's semantics: the bucket starts full, refills at `qps` tokens per second up to
 * `burst`, and every request takes one token. Waiters reserve their token up front (the balance may go
 * negative), so they are served in arrival order without a queue; a cancelled wait gives its token back.
 */
export class TokenBucketRateLimiter {
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(
    options: RateLimitOptions,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.qps = options.qps;
    this.burst = Math.max(1, Math.floor(options.burst));
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** True when limiting is on. */
  get enabled(): boolean {
    return this.qps > 0;
  }

  /** Takes a token if one is available now; never waits. */
  tryAccept(): boolean {
    if (!this.enabled) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Resolves when a token is ours; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const waitMs = Math.ceil((-this.tokens / this.qps) * 1000);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(handle);
        // The reservation was never used: return it so later waiters are not delayed by it.
        this.tokens += 1;
        reject(signal?.reason);
      };
      const handle = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
  }
}
