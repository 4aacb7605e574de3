import { type Clock, type TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { CONNECT_TIMEOUT_CODE } from '../config/agents.js';
import { backoffDelay } from '../flowcontrol/backoff.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff delay (ms); doubles per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this (ms). */
  maxRetryAfterMs: number;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

// The request never reached a server, so no verb can have had an effect.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', CONNECT_TIMEOUT_CODE]);

function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((err as { cause?: unknown }).cause, depth + 1);
}

/**
 * Safe retries only: any verb on 429 (the server did not process it) or when the connection was never
 * made; reads (GET/LIST) also on 5xx, timeouts and broken connections.
 */
export function shouldRetry(
  method: string,
  error: TmcError,
  attempt: number,
  options: RetryOptions,
): boolean {
  if (attempt >= options.maxRetries) return false;
  if (error.status === 429) return true;
  if (error.status === undefined) {
    const code = errorCode(error.cause);
    if (code !== undefined && NOT_SENT_CODES.has(code)) return true;
  }
  if (!READ_METHODS.has(method.toUpperCase())) return false;
  if (error.status !== undefined) return error.status >= 500 && error.status !== 501;
  return error.type === 'ClusterUnreachable' || error.type === 'Timeout';
}

/**
 * How long an unreachable server is left alone between attempts, at most: a refused or unroutable connection
 * costs it nothing, and a longer backoff would only delay the first request after a network outage heals.
 * Answers from the server (5xx, 429) keep the full backoff.
 */
export const UNREACHABLE_RETRY_MS = 1_000;

/**
 * A backoff delay, capped at {@link UNREACHABLE_RETRY_MS} when the server could not be reached at all (no HTTP
 * status: a 502/503 from a proxy in front of a busy server is an answer, and keeps the full backoff).
 */
export function capUnreachable(delayMs: number, error: TmcError): number {
  const unreached = error.type === TmcErrorType.ClusterUnreachable && error.status === undefined;
  return unreached ? Math.min(delayMs, UNREACHABLE_RETRY_MS) : delayMs;
}

/** The server's Retry-After when it gave one, else exponential backoff with +-20% jitter, at most maxDelayMs. */
export function retryDelayMs(
  error: TmcError,
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, options.maxRetryAfterMs);
  const delay = backoffDelay(
    { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs, jitter: 0.2 },
    attempt,
    random,
  );
  return capUnreachable(delay, error);
}

/** Waits `ms` on `clock` between attempts; rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
