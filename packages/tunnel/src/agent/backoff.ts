export interface BackoffOptions {
  /** First delay (ms). Default 1 s. */
  initialMs?: number;
  /** Cap (ms). Default 5 min. */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /**
   * Fraction of each delay that is randomized (0..1). Default 0.5: a delay `d` becomes uniform in [d/2, d], so
   * agents that lost the same server do not come back in lock-step, and the cap is never exceeded.
   */
  jitter?: number;
  /** A connection that stayed up this long (ms) resets the backoff. Default 30 s. */
  resetAfterMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({
  initialMs: 1_000,
  maxMs: 5 * 60_000,
  factor: 2,
  jitter: 0.5,
  resetAfterMs: 30_000,
});

/** Jittered exponential backoff; `random` is injectable so tests can pin it. */
export class Backoff {
  private readonly options: Required<BackoffOptions>;
  private failures = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
    const { initialMs, maxMs, factor, jitter } = this.options;
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1) || !(jitter >= 0 && jitter <= 1)) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs, factor >= 1 and 0 <= jitter <= 1');
    }
  }

  get attempts(): number {
    return this.failures;
  }

  get resetAfterMs(): number {
    return this.options.resetAfterMs;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures += 1;
    return Math.round(base * (1 - jitter * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
