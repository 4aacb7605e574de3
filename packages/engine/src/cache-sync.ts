import { type Clock, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';

export interface CacheSyncWait<T> {
  /** What is being waited for, for the message: `the caches`. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Aborts the wait without a Timeout (the engine is stopping): `wait`'s own rejection passes through. */
  readonly stopSignal: AbortSignal;
  readonly wait: (signal: AbortSignal) => Promise<T>;
  /** Names what has not synced yet, asked only on timeout. */
  readonly pending: () => readonly string[];
}

/** Runs `wait` until it resolves, the stop signal aborts, or `timeoutMs` passes: then a clear TmcError Timeout. */
export async function waitForCacheSync<T>(input: CacheSyncWait<T>): Promise<T> {
  const timeout = new AbortController();
  const timer = input.clock.setTimeout(() => timeout.abort(), input.timeoutMs);
  try {
    return await input.wait(AbortSignal.any([input.stopSignal, timeout.signal]));
  } catch (err) {
    if (!timeout.signal.aborted || input.stopSignal.aborted) throw err;
    throw new TmcError({
      type: TmcErrorType.Timeout,
      message: `${input.what} did not sync within ${input.timeoutMs / 1000}s: ${input.pending().join(', ')}`,
    });
  } finally {
    input.clock.clearTimeout(timer);
  }
}
