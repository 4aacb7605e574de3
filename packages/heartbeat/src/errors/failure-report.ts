import { classifyError, type TmcErrorSeverity, type TmcErrorType } from '@kcp-tmc/interfaces';

/** The Warning Event written about an object the engine gave up on. */
export interface FailureReport {
  /** CamelCase, as an Event reason. */
  reason: string;
  message: string;
  type: TmcErrorType;
  severity: TmcErrorSeverity;
}

/** Event reasons per type, in the style of the kubelet's (`FailedSync`, `FailedCreate`...). */
const REASONS: Record<TmcErrorType, string> = {
  ClusterUnreachable: 'SyncClusterUnreachable',
  Timeout: 'SyncTimeout',
  ResourceConflict: 'SyncConflict',
  AlreadyExists: 'SyncAlreadyExists',
  Unauthorized: 'SyncUnauthorized',
  Forbidden: 'SyncForbidden',
  NotFound: 'SyncNotFound',
  Invalid: 'SyncInvalid',
  BadRequest: 'SyncBadRequest',
  TransformFailed: 'SyncTransformFailed',
  TooManyRequests: 'SyncThrottled',
  Gone: 'SyncExpired',
  ServerError: 'SyncServerError',
  Unknown: 'SyncFailed',
};

/**
 * The report for a failure the engine's retry policy (@kcp-tmc/engine `decideRetry`, the agent's only one) gave
 * up on: the reason by error type (through the one classifier, never by message), and the attempts in the
 * message when there was more than one.
 */
export function failureReport(failure: unknown, attempts?: number): FailureReport {
  const error = classifyError(failure);
  const message =
    attempts === undefined || attempts <= 1
      ? error.message
      : `${error.message} (gave up after ${attempts} attempts)`;
  return { reason: REASONS[error.type], message, type: error.type, severity: error.severity };
}
