import type { Clock } from '@kcp-tmc/interfaces';

/**
 * A token bucket (golang.org/x/time/rate): starts full with `burst` tokens and refills at `qps` tokens per
 * second up to `burst`. A reservation may take the balance below zero, so callers are served in arrival order
 * without a queue. A clock that stepped back refills nothing and restarts the refill from the new time, as
 * x/time/rate does. The HTTP rate limiter, the work queue's overall limiter and the Event writer share it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Tokens in the bucket now (negative while reservations are outstanding). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes a token if a whole one is there now; never goes below zero. */
  tryTake(): boolean {
    if (this.available() < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Reserves a token (x/time/rate's Reserve): the time (ms) until it exists, 0 when it does now. */
  reserve(): number {
    this.tokens = this.available() - 1;
    return this.tokens < 0 ? (-this.tokens * 1000) / this.qps : 0;
  }

  /** Gives back a reservation that will not be used, so later callers are not delayed by it. */
  release(): void {
    this.tokens += 1;
  }

  /** The time (ms) until a whole token is there, without taking it; 0 when one is there now. */
  delayUntilToken(): number {
    const tokens = this.available();
    return tokens >= 1 ? 0 : ((1 - tokens) * 1000) / this.qps;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.qps) / 1000);
  }
}
