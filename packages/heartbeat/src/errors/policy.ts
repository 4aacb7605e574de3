import {
  type Condition,
  classifyError,
  type TmcError,
  type TmcErrorSeverity,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

/**
 * How one error type is recovered from:
 * - `backoff`: retry after `baseMs * 2^attempt`, capped at `maxMs` (client-go's per-item exponential backoff);
 * - `retry-after`: as backoff, but a server's Retry-After wins when it gives one;
 * - `immediate`: retry at once (e.g. 410 Gone: relist and go on);
 * - `give-up`: do not retry; report the failure as an Event (and a SyncTarget condition when it says so).
 * Any retrying strategy gives up after `maxAttempts` failures in a row when that is set (0: never).
 */
export type RecoveryStrategy =
  | { kind: 'backoff' | 'retry-after'; baseMs: number; maxMs: number; maxAttempts?: number }
  | { kind: 'immediate'; maxAttempts?: number }
  | { kind: 'give-up' };

export interface RecoveryRule {
  strategy: RecoveryStrategy;
  /** A SyncTarget condition to set when giving up, for failures that concern the whole agent. */
  condition?: Omit<Condition, 'lastTransitionTime' | 'reason' | 'message'>;
}

/** What a caller reports when it gives up: an Event on the object, and maybe a SyncTarget condition. */
export interface FailureReport {
  /** CamelCase, as an Event reason. */
  reason: string;
  message: string;
  type: TmcErrorType;
  severity: TmcErrorSeverity;
  /** The SyncTarget condition to set, with this report's reason and message. */
  condition?: Omit<Condition, 'lastTransitionTime'>;
}

export type RecoveryDecision =
  | { action: 'retry'; delayMs: number; error: TmcError }
  | { action: 'give-up'; report: FailureReport; error: TmcError };

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const EXPONENTIAL: RecoveryStrategy = { kind: 'backoff', baseMs: 5, maxMs: 1_000 * SECOND };

/** The default rule per error type. */
export const DEFAULT_RECOVERY_RULES: Readonly<Record<TmcErrorType, RecoveryRule>> = Object.freeze({
  // The cluster is away: back off from one second up to a minute, never give up.
  ClusterUnreachable: { strategy: { kind: 'retry-after', baseMs: SECOND, maxMs: MINUTE } },
  Timeout: { strategy: { kind: 'retry-after', baseMs: SECOND, maxMs: MINUTE } },
  // Someone else wrote first: re-read and retry soon.
  ResourceConflict: { strategy: EXPONENTIAL },
  AlreadyExists: { strategy: EXPONENTIAL },
  // Credentials may be rotated under us: keep trying, slowly. Neither this nor Forbidden touches the
  // SyncTarget's SyncerAuthorized: kcp's syncer sets it from its access reviews only
  // (pkg/syncer/resourcesync/controller.go), and a second writer would make it flap.
  Unauthorized: { strategy: { kind: 'backoff', baseMs: SECOND, maxMs: 5 * MINUTE, maxAttempts: 10 } },
  Forbidden: { strategy: { kind: 'give-up' } },
  NotFound: { strategy: { kind: 'give-up' } },
  Invalid: { strategy: { kind: 'give-up' } },
  BadRequest: { strategy: { kind: 'give-up' } },
  TransformFailed: { strategy: { kind: 'give-up' } },
  TooManyRequests: { strategy: { kind: 'retry-after', baseMs: SECOND, maxMs: 5 * MINUTE } },
  Gone: { strategy: { kind: 'immediate', maxAttempts: 10 } },
  ServerError: { strategy: { kind: 'retry-after', baseMs: SECOND, maxMs: 5 * MINUTE } },
  Unknown: { strategy: EXPONENTIAL },
});

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
 * The recovery policy: classifies any failure (through the one classifier) and decides, from its type alone,
 * whether and when to retry. Never matches on messages.
 */
export class RecoveryPolicy {
  private readonly rules: Record<TmcErrorType, RecoveryRule>;

  constructor(overrides: Partial<Record<TmcErrorType, RecoveryRule>> = {}) {
    this.rules = { ...DEFAULT_RECOVERY_RULES, ...overrides };
  }

  rule(type: TmcErrorType): RecoveryRule {
    return this.rules[type];
  }

  /**
   * @param attempt failures of this item in a row before this one (0 for the first failure), as
   *   `SyncItem.retries` counts them.
   */
  decide(failure: unknown, attempt: number): RecoveryDecision {
    const error = classifyError(failure);
    const { strategy } = this.rules[error.type];
    // The error's own retryability wins over the table: the classifier knows e.g. a 503 with Retry-After.
    if (strategy.kind === 'give-up' || !error.retryable) return this.giveUp(error);
    if (
      strategy.maxAttempts !== undefined &&
      strategy.maxAttempts > 0 &&
      attempt + 1 >= strategy.maxAttempts
    ) {
      return this.giveUp(error, attempt + 1);
    }
    if (strategy.kind === 'immediate') return { action: 'retry', delayMs: 0, error };
    const backoff = Math.min(strategy.maxMs, strategy.baseMs * 2 ** Math.min(attempt, 52));
    const delayMs =
      strategy.kind === 'retry-after' && error.retryAfterMs !== undefined ? error.retryAfterMs : backoff;
    return { action: 'retry', delayMs, error };
  }

  /** The report for a failure someone else (e.g. the engine's retry policy) gave up on. */
  reportFor(failure: unknown, attempts?: number): FailureReport {
    const decision = this.giveUp(classifyError(failure), attempts);
    return (decision as Extract<RecoveryDecision, { action: 'give-up' }>).report;
  }

  private giveUp(error: TmcError, attempts?: number): RecoveryDecision {
    const reason = REASONS[error.type];
    // A first and only attempt (a report, not a retry given up on) says nothing about attempts.
    const message =
      attempts === undefined || attempts <= 1
        ? error.message
        : `${error.message} (gave up after ${attempts} attempts)`;
    const report: FailureReport = { reason, message, type: error.type, severity: error.severity };
    const { condition } = this.rules[error.type];
    if (condition !== undefined) report.condition = { ...condition, reason, message };
    return { action: 'give-up', report, error };
  }
}
