/**
 * Exponential backoff with jitter (client-go's wait.Backoff and ExponentialBackoffManager): `initialMs`
 * growing by `factor` per failure up to `maxMs`, part of each delay random so many clients do not retry in
 * lockstep. Informers, HTTP retries, the API importer and the tunnels all back off through it.
 */
export interface BackoffOptions {
  initialMs: number;
  /** No delay is longer. */
  maxMs: number;
  /** Growth per failure; default 2. */
  factor?: number;
  /** The random fraction of each delay (0..1). */
  jitter: number;
  /**
   * `spread` (default): anywhere within +-jitter of the delay (client-go's reflector); `shorten`: up to jitter
   * of it taken off (a delay `d` becomes uniform in [d * (1 - jitter), d]).
   */
  jitterMode?: 'spread' | 'shorten';
  /** A run that lasted this long (ms) earns a fresh start: see {@link Backoff.resetAfterMs}. Default: never. */
  resetAfterMs?: number;
}

/** client-go's reflector: 800 ms doubling to 30 s, +-20%. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 800,
  maxMs: 30_000,
  jitter: 0.2,
});

/** The delay after `failures` failures in a row (0 for the first retry); `random` in [0, 1). */
export function backoffDelay(options: BackoffOptions, failures: number, random: () => number): number {
  const { initialMs, maxMs, factor = 2, jitter } = options;
  const base = Math.min(maxMs, initialMs * factor ** failures);
  const scale = options.jitterMode === 'shorten' ? 1 - jitter * random() : 1 - jitter + 2 * jitter * random();
  return Math.round(Math.min(maxMs, base * scale));
}

/** Counts failures in a row; `random` is injectable so tests can pin it. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    const { initialMs, maxMs, factor = 2, jitter } = options;
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1) || !(jitter >= 0 && jitter <= 1)) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs, factor >= 1 and 0 <= jitter <= 1');
    }
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const delay = backoffDelay(this.options, this.failures, this.random);
    this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }

  /** How long a connection or run must last before the caller resets (Infinity: never). */
  get resetAfterMs(): number {
    return this.options.resetAfterMs ?? Number.POSITIVE_INFINITY;
  }
}
