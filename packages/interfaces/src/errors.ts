import { isKubeStatus, type KubeStatus, type StatusCause } from './object.js';

/** What went wrong, independent of where. The engine's retry decision reads only this. */
export const TmcErrorType = {
  ClusterUnreachable: 'ClusterUnreachable',
  ResourceConflict: 'ResourceConflict',
  AlreadyExists: 'AlreadyExists',
  NotFound: 'NotFound',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  Invalid: 'Invalid',
  BadRequest: 'BadRequest',
  TooManyRequests: 'TooManyRequests',
  Gone: 'Gone',
  Timeout: 'Timeout',
  ServerError: 'ServerError',
  TransformFailed: 'TransformFailed',
  Unknown: 'Unknown',
} as const;
export type TmcErrorType = (typeof TmcErrorType)[keyof typeof TmcErrorType];

export type TmcErrorSeverity = 'info' | 'warning' | 'error' | 'critical';

export interface TmcErrorInit {
  type: TmcErrorType;
  message: string;
  severity?: TmcErrorSeverity;
  retryable?: boolean;
  retryAfterMs?: number;
  /** HTTP status code, when the error came from an API response. */
  status?: number;
  /** Kubernetes `Status.reason`, e.g. `Conflict`, `AlreadyExists`, `Expired`. */
  reason?: string;
  /** Field causes (422 Invalid, apply conflicts). */
  causes?: StatusCause[];
  cause?: unknown;
}

/** Default severity and retryability per type: the recovery policy table. */
const POLICY: Record<TmcErrorType, { severity: TmcErrorSeverity; retryable: boolean }> = {
  ClusterUnreachable: { severity: 'error', retryable: true },
  ResourceConflict: { severity: 'warning', retryable: true },
  AlreadyExists: { severity: 'warning', retryable: true },
  NotFound: { severity: 'info', retryable: false },
  Unauthorized: { severity: 'critical', retryable: true },
  Forbidden: { severity: 'error', retryable: false },
  Invalid: { severity: 'error', retryable: false },
  BadRequest: { severity: 'error', retryable: false },
  TooManyRequests: { severity: 'warning', retryable: true },
  Gone: { severity: 'info', retryable: true },
  Timeout: { severity: 'warning', retryable: true },
  ServerError: { severity: 'error', retryable: true },
  TransformFailed: { severity: 'error', retryable: false },
  Unknown: { severity: 'error', retryable: true },
};

export class TmcError extends Error {
  override readonly name = 'TmcError';
  readonly type: TmcErrorType;
  readonly severity: TmcErrorSeverity;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly causes: readonly StatusCause[];

  constructor(init: TmcErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const policy = POLICY[init.type];
    this.type = init.type;
    this.severity = init.severity ?? policy.severity;
    this.retryable = init.retryable ?? policy.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.status = init.status;
    this.reason = init.reason;
    this.causes = init.causes ?? [];
  }
}

export function isTmcError(value: unknown): value is TmcError {
  return value instanceof TmcError;
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Returns milliseconds from `now`, or undefined
 * when absent or unparseable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a month; V8's Date.parse would also accept bare numbers like "-3".
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface HttpErrorInput {
  status: number;
  /** The parsed response body, if any (a metav1.Status for API errors). */
  body?: unknown;
  /** The Retry-After header value. */
  retryAfter?: string | null;
  /** What was being done, for the message: e.g. `PATCH apps/v1/deployments ns/name`. */
  operation?: string;
  now?: number;
}

// The error type of each HTTP status the classifier knows (409 depends on the reason, see typeForHttp).
const HTTP_STATUS_TYPES: Readonly<Record<number, TmcErrorType>> = Object.freeze({
  400: TmcErrorType.BadRequest,
  401: TmcErrorType.Unauthorized,
  403: TmcErrorType.Forbidden,
  404: TmcErrorType.NotFound,
  408: TmcErrorType.Timeout,
  410: TmcErrorType.Gone,
  413: TmcErrorType.Invalid,
  422: TmcErrorType.Invalid,
  429: TmcErrorType.TooManyRequests,
  502: TmcErrorType.ClusterUnreachable,
  503: TmcErrorType.ClusterUnreachable,
  504: TmcErrorType.Timeout,
});

function typeForHttp(status: number, reason: string | undefined): TmcErrorType {
  if (status === 409) {
    return reason === 'AlreadyExists' ? TmcErrorType.AlreadyExists : TmcErrorType.ResourceConflict;
  }
  return HTTP_STATUS_TYPES[status] ?? (status >= 500 ? TmcErrorType.ServerError : TmcErrorType.Unknown);
}

/** Maps an HTTP error response (status, Status body, Retry-After) to a {@link TmcError}. */
export function classifyHttpError(input: HttpErrorInput): TmcError {
  const status: KubeStatus | undefined = isKubeStatus(input.body) ? input.body : undefined;
  const reason = status?.reason;
  const type = typeForHttp(input.status, reason);
  const headerDelay = parseRetryAfter(input.retryAfter, input.now);
  const bodyDelay =
    status?.details?.retryAfterSeconds === undefined ? undefined : status.details.retryAfterSeconds * 1000;
  const retryAfterMs = headerDelay ?? bodyDelay;
  const detail = status?.message ?? (typeof input.body === 'string' ? input.body : `HTTP ${input.status}`);
  const init: TmcErrorInit = {
    type,
    message: input.operation ? `${input.operation}: ${detail}` : detail,
    status: input.status,
  };
  if (reason !== undefined) init.reason = reason;
  if (status?.details?.causes !== undefined) {
    // metav1.StatusCause serializes its Type as "reason" (apimachinery pkg/apis/meta/v1/types.go).
    init.causes = status.details.causes.map((cause) => {
      const type = cause.type ?? cause.reason;
      return type === undefined ? cause : { ...cause, type };
    });
  }
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
  // Any 5xx or 429 that names a Retry-After is the server asking us to come back: retry, however it is typed.
  if (retryAfterMs !== undefined && (input.status === 429 || input.status >= 500)) init.retryable = true;
  return new TmcError(init);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// The server's certificate does not verify: the cluster cannot be reached safely. Retried (the server or the
// kubeconfig may be fixed), but critical, since it will not heal by itself.
const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((err as { cause?: unknown }).cause, depth + 1);
}

/**
 * Maps any failure to a {@link TmcError}: a TmcError passes through; network errors (by `code`, also on
 * `cause` chains as undici nests them) become ClusterUnreachable or Timeout; aborts by timeout become Timeout.
 */
export function classifyError(err: unknown, operation?: string): TmcError {
  if (err instanceof TmcError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const prefix = operation ? `${operation}: ` : '';
  const code = errorCode(err);
  const name = err instanceof Error ? err.name : undefined;
  let type: TmcErrorType = TmcErrorType.Unknown;
  if (name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) type = TmcErrorType.Timeout;
  else if (code !== undefined && UNREACHABLE_CODES.has(code)) type = TmcErrorType.ClusterUnreachable;
  else if (name === 'AbortError') type = TmcErrorType.Timeout;
  const text = `${prefix}${message}${code ? ` (${code})` : ''}`;
  if (code !== undefined && TLS_CODES.has(code)) {
    return new TmcError({
      type: TmcErrorType.ClusterUnreachable,
      severity: 'critical',
      message: text,
      cause: err,
    });
  }
  return new TmcError({ type, message: text, cause: err });
}
