import { type Clock, SYSTEM_CLOCK } from '@kcp-tmc/interfaces';
import { TokenBucket } from '@kcp-tmc/kube';

/** Decides how long a key waits before its next attempt (client-go's workqueue.TypedRateLimiter). */
export interface RateLimiter<K> {
  /** The delay (ms) before `key` may be processed again; records the attempt. */
  when(key: K): number;
  /** Stops tracking `key` (it succeeded, or was given up on). */
  forget(key: K): void;
  /** How many times `key` was rate limited since it was last forgotten. */
  numRequeues(key: K): number;
}

/** Per-key exponential backoff: `baseDelayMs * 2^failures`, capped at `maxDelayMs`. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) {
      throw new RangeError(`backoff delays must be >= 0, got base ${baseDelayMs} ms, max ${maxDelayMs} ms`);
    }
  }

  when(key: K): number {
    const exponent = this.failures.get(key) ?? 0;
    this.failures.set(key, exponent + 1);
    // 2^exponent overflows to Infinity for large exponents; the cap keeps the result finite.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** exponent);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * One token bucket over all keys (client-go's BucketRateLimiter): `when` reserves a token the way
 * x/time/rate's `Limiter.Reserve` does, and the delay is the time until the reserved token exists.
 */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private readonly bucket: TokenBucket;

  constructor(
    readonly qps: number,
    readonly burst: number,
    clock: Clock = SYSTEM_CLOCK,
  ) {
    if (!(qps > 0)) throw new RangeError(`bucket qps must be > 0, got ${qps}`);
    if (!(burst >= 1)) throw new RangeError(`bucket burst must be >= 1, got ${burst}`);
    this.bucket = new TokenBucket(qps, burst, clock);
  }

  when(_key: K): number {
    return this.bucket.reserve();
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }

  /** Tokens in the bucket now (negative while reservations are outstanding). */
  available(): number {
    return this.bucket.available();
  }
}

/** The longest delay of several limiters; every limiter records every attempt. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(key: K): number {
    let delay = 0;
    for (const limiter of this.limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: K): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: K): number {
    let requeues = 0;
    for (const limiter of this.limiters) requeues = Math.max(requeues, limiter.numRequeues(key));
    return requeues;
  }
}

export interface ControllerRateLimiterOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  qps?: number;
  burst?: number;
  clock?: Clock;
}

/**
 * client-go's DefaultControllerRateLimiter: per-key exponential backoff 5 ms .. 1000 s, and an overall bucket
 * of 10 qps with a burst of 100, whichever waits longer.
 */
export function defaultControllerRateLimiter<K>(
  options: ControllerRateLimiterOptions = {},
): MaxOfRateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(options.baseDelayMs ?? 5, options.maxDelayMs ?? 1_000_000),
    new BucketRateLimiter<K>(options.qps ?? 10, options.burst ?? 100, options.clock ?? SYSTEM_CLOCK),
  );
}
