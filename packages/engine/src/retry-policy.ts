import { type SyncResult, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';

/** What the worker does with a key after an attempt. */
export type RetryDecision =
  /** Done: reset the key's backoff. */
  | { readonly action: 'forget' }
  /** Done, but the syncer wants another look after this long (no backoff growth). */
  | { readonly action: 'recheck'; readonly delayMs: number }
  /**
   * Failed: back off and retry, at least `retryAfterMs` later when the server said so, and at most `maxDelayMs`
   * later when the failure was the server's state, not the object's.
   */
  | {
      readonly action: 'retry';
      readonly error: TmcError;
      readonly retryAfterMs?: number;
      readonly maxDelayMs?: number;
    }
  /** Failed for good: report, reset, and wait for the next change of the object. */
  | { readonly action: 'give-up'; readonly error: TmcError; readonly why: string };

/** The error of a failed result; a syncer that forgot to say gets Unknown (retryable). */
export function resultError(result: SyncResult): TmcError {
  return (
    result.error ??
    new TmcError({ type: TmcErrorType.Unknown, message: result.reason ?? 'sync failed without an error' })
  );
}

/** The StatusCause type kube's NamespaceLifecycle admission adds (k8s.io/api core/v1 NamespaceTerminatingCause). */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

/**
 * Whether a write failed only because its namespace is Terminating, which heals by itself once the namespace is
 * gone (the next attempt re-creates it). Two answers of a kube-apiserver say so precisely:
 * - 403 Forbidden from NamespaceLifecycle admission ("unable to create new content in namespace X because it is
 *   being terminated"), which it sends only for a namespace in phase Terminating and marks with the
 *   `NamespaceTerminating` cause on `metadata.namespace`;
 * - 409 AlreadyExists "object is being deleted: namespaces ..." when the namespace itself is created again while
 *   it still terminates.
 */
export function isTerminatingNamespaceWrite(error: TmcError): boolean {
  if (error.type === TmcErrorType.Forbidden) {
    return error.causes.some((cause) => cause.type === NAMESPACE_TERMINATING_CAUSE);
  }
  if (error.type === TmcErrorType.AlreadyExists || error.status === 409) {
    return /object is being deleted: namespaces? /.test(error.message);
  }
  return false;
}

/**
 * Whether a write failed because its namespace is gone, typically just deleted after terminating: the next
 * attempt creates the namespace again (kube answers 404 `namespaces "<name>" not found`, details.kind namespaces).
 */
export function isMissingNamespaceWrite(error: TmcError): boolean {
  return error.type === TmcErrorType.NotFound && /\bnamespaces "[^"]+" not found\b/.test(error.message);
}

/**
 * A namespace in the way heals by itself within seconds to minutes; capped, the write lands within this long of
 * the namespace being gone, where the key's own exponential backoff would have grown past a minute.
 */
export const NAMESPACE_WAIT_MAX_DELAY_MS = 5_000;

/**
 * The retry decision reads the TmcError's type policy (`retryable`) and `retryAfterMs`; the exceptions are a
 * write into a terminating namespace ({@link isTerminatingNamespaceWrite}) or a just-deleted one
 * ({@link isMissingNamespaceWrite}), always retried with backoff capped at {@link NAMESPACE_WAIT_MAX_DELAY_MS}.
 * `maxRetries` 0 retries forever; otherwise a key that failed that often in a row is given up on.
 */
export function decideRetry(result: SyncResult, requeues: number, maxRetries: number): RetryDecision {
  if (result.success) {
    return result.retryAfterMs !== undefined && result.retryAfterMs > 0
      ? { action: 'recheck', delayMs: result.retryAfterMs }
      : { action: 'forget' };
  }
  const error = resultError(result);
  // Never given up on, whatever the type policy or maxRetries: the namespace goes, then the write succeeds.
  if (isTerminatingNamespaceWrite(error) || isMissingNamespaceWrite(error)) {
    return { action: 'retry', error, maxDelayMs: NAMESPACE_WAIT_MAX_DELAY_MS };
  }
  if (!error.retryable) return { action: 'give-up', error, why: `${error.type} is not retryable` };
  if (maxRetries > 0 && requeues >= maxRetries) {
    return { action: 'give-up', error, why: `failed ${requeues + 1} times in a row` };
  }
  const retryAfterMs = error.retryAfterMs ?? result.retryAfterMs;
  return {
    action: 'retry',
    error,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(SERVER_STATE_ERRORS.has(error.type) ? { maxDelayMs: SERVER_STATE_MAX_DELAY_MS } : {}),
  };
}

/**
 * Failures that say how the server is, not what is wrong with the object: unreachable, overloaded (429),
 * timing out, 5xx. A key's own exponential backoff would keep growing through an outage, and after the heal
 * each key would wait out its own minutes-long delay; capped, every key is back within a second of the server.
 * The transport's rate limiter still bounds the load on a server that comes back.
 */
const SERVER_STATE_ERRORS: ReadonlySet<TmcErrorType> = new Set([
  TmcErrorType.ClusterUnreachable,
  TmcErrorType.TooManyRequests,
  TmcErrorType.Timeout,
  TmcErrorType.ServerError,
]);
export const SERVER_STATE_MAX_DELAY_MS = 1_000;
