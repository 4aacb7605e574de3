/** Exponential backoff with jitter, as client-go's reflector uses (800 ms doubling to 30 s). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** +- this fraction of the delay, so many informers do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 800,
  maxMs: 30_000,
  jitter: 0.2,
});

export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the next one. */
  next(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    const spread = 1 - this.options.jitter + 2 * this.options.jitter * this.random();
    return Math.round(Math.min(this.options.maxMs, base * spread));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
