import { describe, expect, it } from 'vitest';
import { classifyError, classifyHttpError, parseRetryAfter, TmcError, TmcErrorType } from './errors.js';
import type { KubeStatus } from './object.js';

const status = (code: number, reason: string, extra: Partial<KubeStatus> = {}): KubeStatus => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message: `${reason} happened`,
  ...extra,
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 10:00:07 GMT', 7000],
    ['Mon, 23 Nov 2026 09:00:00 GMT', 0],
  ])('parses %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it.each([null, undefined, '', 'soon', '-3', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('classifyHttpError', () => {
  it.each([
    [400, 'BadRequest', TmcErrorType.BadRequest, false],
    [401, 'Unauthorized', TmcErrorType.Unauthorized, true],
    [403, 'Forbidden', TmcErrorType.Forbidden, false],
    [404, 'NotFound', TmcErrorType.NotFound, false],
    [409, 'Conflict', TmcErrorType.ResourceConflict, true],
    [409, 'AlreadyExists', TmcErrorType.AlreadyExists, true],
    [410, 'Expired', TmcErrorType.Gone, true],
    [413, 'RequestEntityTooLarge', TmcErrorType.Invalid, false],
    [422, 'Invalid', TmcErrorType.Invalid, false],
    [429, 'TooManyRequests', TmcErrorType.TooManyRequests, true],
    [500, 'InternalError', TmcErrorType.ServerError, true],
    [503, 'ServiceUnavailable', TmcErrorType.ClusterUnreachable, true],
    [504, 'Timeout', TmcErrorType.Timeout, true],
  ])('maps %i %s', (code, reason, type, retryable) => {
    const err = classifyHttpError({ status: code, body: status(code, reason) });
    expect(err).toBeInstanceOf(TmcError);
    expect(err.type).toBe(type);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(code);
    expect(err.reason).toBe(reason);
    expect(err.message).toBe(`${reason} happened`);
  });

  it('carries Retry-After from the header, preferring it over the Status details', () => {
    const err = classifyHttpError({
      status: 429,
      body: status(429, 'TooManyRequests', { details: { retryAfterSeconds: 9 } }),
      retryAfter: '3',
    });
    expect(err.retryAfterMs).toBe(3000);
    expect(
      classifyHttpError({
        status: 429,
        body: status(429, 'TooManyRequests', { details: { retryAfterSeconds: 9 } }),
      }).retryAfterMs,
    ).toBe(9000);
  });

  it('makes a 5xx with Retry-After retryable whatever its type', () => {
    const err = classifyHttpError({ status: 501, body: 'not here yet', retryAfter: '1' });
    expect(err.type).toBe(TmcErrorType.ServerError);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(1000);
  });

  it('reads a cause type from its wire name, reason (metav1.StatusCause json tag)', () => {
    const err = classifyHttpError({
      status: 403,
      body: status(403, 'Forbidden', {
        details: { causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace' }] },
      }),
    });
    expect(err.causes).toEqual([
      { reason: 'NamespaceTerminating', type: 'NamespaceTerminating', field: 'metadata.namespace' },
    ]);
  });

  it('keeps the field causes of a 422 and names the operation', () => {
    const causes = [{ type: 'FieldValueInvalid', field: 'metadata.name', message: 'bad name' }];
    const err = classifyHttpError({
      status: 422,
      body: status(422, 'Invalid', { details: { causes } }),
      operation: 'POST v1/configmaps ns/Bad',
    });
    expect(err.causes).toEqual(causes);
    expect(err.message).toBe('POST v1/configmaps ns/Bad: Invalid happened');
    expect(err.severity).toBe('error');
  });

  it('handles bodies that are not a Status', () => {
    expect(classifyHttpError({ status: 502, body: '<html>bad gateway</html>' }).message).toBe(
      '<html>bad gateway</html>',
    );
    expect(classifyHttpError({ status: 418 }).type).toBe(TmcErrorType.Unknown);
    expect(classifyHttpError({ status: 418 }).message).toBe('HTTP 418');
  });
});

describe('classifyError', () => {
  const withCode = (code: string, nested = false) => {
    const inner = Object.assign(new Error(`connect ${code}`), { code });
    return nested ? new TypeError('fetch failed', { cause: inner }) : inner;
  };

  it.each([
    ['ECONNREFUSED', TmcErrorType.ClusterUnreachable],
    ['ECONNRESET', TmcErrorType.ClusterUnreachable],
    ['ENOTFOUND', TmcErrorType.ClusterUnreachable],
    ['ETIMEDOUT', TmcErrorType.Timeout],
    ['UND_ERR_HEADERS_TIMEOUT', TmcErrorType.Timeout],
  ])('maps network code %s (also nested in cause, as undici does)', (code, type) => {
    expect(classifyError(withCode(code)).type).toBe(type);
    const nested = classifyError(withCode(code, true), 'GET v1/pods');
    expect(nested.type).toBe(type);
    expect(nested.retryable).toBe(true);
    expect(nested.message).toBe(`GET v1/pods: fetch failed (${code})`);
    expect(nested.cause).toBeInstanceOf(TypeError);
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED'])(
    'maps TLS verification failure %s to a critical ClusterUnreachable',
    (code) => {
      const err = classifyError(withCode(code, true));
      expect(err.type).toBe(TmcErrorType.ClusterUnreachable);
      expect(err.severity).toBe('critical');
      expect(err.retryable).toBe(true);
    },
  );

  it('maps timeouts and aborts', () => {
    expect(classifyError(new DOMException('timed out', 'TimeoutError')).type).toBe(TmcErrorType.Timeout);
    expect(classifyError(new DOMException('aborted', 'AbortError')).type).toBe(TmcErrorType.Timeout);
  });

  it('passes TmcErrors through and wraps the unknown', () => {
    const original = new TmcError({ type: TmcErrorType.Invalid, message: 'nope' });
    expect(classifyError(original)).toBe(original);
    const unknown = classifyError('something odd');
    expect(unknown.type).toBe(TmcErrorType.Unknown);
    expect(unknown.message).toBe('something odd');
  });

  it('lets a caller override the policy defaults', () => {
    const err = new TmcError({
      type: TmcErrorType.Forbidden,
      message: 'x',
      retryable: true,
      severity: 'critical',
    });
    expect(err.retryable).toBe(true);
    expect(err.severity).toBe('critical');
    expect(new TmcError({ type: TmcErrorType.TransformFailed, message: 'x' }).retryable).toBe(false);
  });
});
