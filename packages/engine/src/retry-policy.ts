import { type SyncResult, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';

/** What the worker does with a key after an attempt. */
export type RetryDecision =
  /** Done: reset the key's backoff. */
  | { readonly action: 'forget' }
  /** Done, but the syncer wants another look after this long (no backoff growth). */
  | { readonly action: 'recheck'; readonly delayMs: number }
  /** Failed: back off and retry, at least `retryAfterMs` later when the server said so. */
  | { readonly action: 'retry'; readonly error: TmcError; readonly retryAfterMs?: number }
  /** Failed for good: report, reset, and wait for the next change of the object. */
  | { readonly action: 'give-up'; readonly error: TmcError; readonly why: string };

/** The error of a failed result; a syncer that forgot to say gets Unknown (retryable). */
export function resultError(result: SyncResult): TmcError {
  return (
    result.error ??
    new TmcError({ type: TmcErrorType.Unknown, message: result.reason ?? 'sync failed without an error' })
  );
}

/**
 * The retry decision reads only the TmcError's type policy (`retryable`) and `retryAfterMs`, never messages.
 * `maxRetries` 0 retries forever; otherwise a key that failed that often in a row is given up on.
 */
export function decideRetry(result: SyncResult, requeues: number, maxRetries: number): RetryDecision {
  if (result.success) {
    return result.retryAfterMs !== undefined && result.retryAfterMs > 0
      ? { action: 'recheck', delayMs: result.retryAfterMs }
      : { action: 'forget' };
  }
  const error = resultError(result);
  if (!error.retryable) return { action: 'give-up', error, why: `${error.type} is not retryable` };
  if (maxRetries > 0 && requeues >= maxRetries) {
    return { action: 'give-up', error, why: `failed ${requeues + 1} times in a row` };
  }
  const retryAfterMs = error.retryAfterMs ?? result.retryAfterMs;
  return retryAfterMs === undefined ? { action: 'retry', error } : { action: 'retry', error, retryAfterMs };
}
