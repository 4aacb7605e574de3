import { classifyHttpError, clusterKey, type SyncResult, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import {
  decideRetry,
  isMissingNamespaceWrite,
  isTerminatingNamespaceWrite,
  NAMESPACE_WAIT_MAX_DELAY_MS,
  SERVER_STATE_MAX_DELAY_MS,
} from './retry-policy.js';

const key = clusterKey('root:org', { group: 'apps', version: 'v1', resource: 'deployments' }, 'ns', 'web');
const ok: SyncResult = { key, operation: 'update', success: true, conflicts: [] };
const failed = (error?: TmcError, retryAfterMs?: number): SyncResult => ({
  key,
  operation: 'update',
  success: false,
  conflicts: [],
  ...(error === undefined ? {} : { error }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('decideRetry', () => {
  it('forgets a success, and rechecks when the syncer asks to come back', () => {
    expect(decideRetry(ok, 3, 0)).toEqual({ action: 'forget' });
    expect(decideRetry({ ...ok, retryAfterMs: 2000 }, 0, 0)).toEqual({ action: 'recheck', delayMs: 2000 });
  });

  it('retries retryable types with backoff and honours Retry-After', () => {
    const conflict = new TmcError({ type: TmcErrorType.ResourceConflict, message: 'stale' });
    expect(decideRetry(failed(conflict), 0, 0)).toEqual({ action: 'retry', error: conflict });
    const throttled = new TmcError({
      type: TmcErrorType.TooManyRequests,
      message: 'slow down',
      retryAfterMs: 3000,
    });
    expect(decideRetry(failed(throttled), 5, 0)).toEqual({
      action: 'retry',
      error: throttled,
      retryAfterMs: 3000,
      maxDelayMs: SERVER_STATE_MAX_DELAY_MS,
    });
  });

  it("caps the backoff of failures that are the server's state, so every key is back soon after a heal", () => {
    for (const type of [
      TmcErrorType.ClusterUnreachable,
      TmcErrorType.TooManyRequests,
      TmcErrorType.Timeout,
      TmcErrorType.ServerError,
    ]) {
      const error = new TmcError({ type, message: 'server trouble' });
      expect(decideRetry(failed(error), 30, 0)).toEqual({ action: 'retry', error, maxDelayMs: 1_000 });
    }
    // The object's own trouble keeps its exponential backoff.
    const conflict = new TmcError({ type: TmcErrorType.ResourceConflict, message: 'stale' });
    expect(decideRetry(failed(conflict), 30, 0)).not.toHaveProperty('maxDelayMs');
  });

  it('gives up on types that are not retryable, whatever the message says', () => {
    const invalid = new TmcError({ type: TmcErrorType.Invalid, message: 'please retry' });
    const decision = decideRetry(failed(invalid), 0, 0);
    expect(decision.action).toBe('give-up');
    const transform = new TmcError({ type: TmcErrorType.TransformFailed, message: 'bad' });
    expect(decideRetry(failed(transform), 0, 0).action).toBe('give-up');
  });

  it('an explicit retryable flag wins over the type default', () => {
    const forbidden = new TmcError({ type: TmcErrorType.Forbidden, message: 'x', retryable: true });
    expect(decideRetry(failed(forbidden), 0, 0).action).toBe('retry');
  });

  it('gives up after maxRetries failures in a row; 0 retries forever', () => {
    const timeout = new TmcError({ type: TmcErrorType.Timeout, message: 'slow' });
    expect(decideRetry(failed(timeout), 4, 5).action).toBe('retry');
    expect(decideRetry(failed(timeout), 5, 5)).toMatchObject({
      action: 'give-up',
      why: 'failed 6 times in a row',
    });
    expect(decideRetry(failed(timeout), 10_000, 0).action).toBe('retry');
  });

  it('a failure without an error counts as Unknown, which is retried', () => {
    const decision = decideRetry(failed(), 0, 0);
    expect(decision).toMatchObject({ action: 'retry' });
    expect(decision.action === 'retry' && decision.error.type).toBe(TmcErrorType.Unknown);
  });

  // The bodies a kube-apiserver sends (k8s.io/apiserver admission/plugin/namespace/lifecycle, registry store).
  const terminating403 = () =>
    classifyHttpError({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message:
          'configmaps "app" is forbidden: unable to create new content in namespace kcp-abc because it is being terminated',
        details: {
          name: 'app',
          kind: 'configmaps',
          // The wire form: metav1.StatusCause's Type has json tag "reason" (apimachinery meta/v1 types.go).
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: 'namespace kcp-abc is being terminated',
              field: 'metadata.namespace',
            },
          ],
        },
      },
    });
  const terminating409 = () =>
    classifyHttpError({
      status: 409,
      body: {
        kind: 'Status',
        status: 'Failure',
        reason: 'AlreadyExists',
        code: 409,
        message: 'object is being deleted: namespaces "kcp-abc" already exists',
      },
    });

  it('retries a write into a terminating namespace forever, 403 or 409, never giving up', () => {
    for (const error of [terminating403(), terminating409()]) {
      expect(isTerminatingNamespaceWrite(error)).toBe(true);
      const retry = { action: 'retry', error, maxDelayMs: NAMESPACE_WAIT_MAX_DELAY_MS };
      expect(decideRetry(failed(error), 0, 0)).toEqual(retry);
      // Not even maxRetries ends it: the namespace goes, and the next attempt re-creates it.
      expect(decideRetry(failed(error), 50, 5)).toEqual(retry);
    }
  });

  it('retries a write into a namespace just deleted (404 namespaces not found), not any other 404', () => {
    const gone = classifyHttpError({
      status: 404,
      operation: 'PATCH(apply) v1/configmaps kcp-abc/app',
      body: {
        kind: 'Status',
        reason: 'NotFound',
        code: 404,
        message: 'namespaces "kcp-abc" not found',
        details: { name: 'kcp-abc', kind: 'namespaces' },
      },
    });
    expect(isMissingNamespaceWrite(gone)).toBe(true);
    expect(decideRetry(failed(gone), 7, 5)).toEqual({
      action: 'retry',
      error: gone,
      maxDelayMs: NAMESPACE_WAIT_MAX_DELAY_MS,
    });
    const other = classifyHttpError({
      status: 404,
      body: { kind: 'Status', reason: 'NotFound', code: 404, message: 'configmaps "app" not found' },
    });
    expect(isMissingNamespaceWrite(other)).toBe(false);
  });

  it('still gives up on any other 403: only the NamespaceTerminating cause makes it transient', () => {
    const rbac = classifyHttpError({
      status: 403,
      body: {
        kind: 'Status',
        reason: 'Forbidden',
        code: 403,
        message:
          'configmaps is forbidden: User "x" cannot create resource "configmaps" in the namespace "kcp-abc"',
        details: { kind: 'configmaps' },
      },
    });
    expect(isTerminatingNamespaceWrite(rbac)).toBe(false);
    expect(decideRetry(failed(rbac), 0, 0).action).toBe('give-up');
    const quota = classifyHttpError({
      status: 409,
      body: {
        kind: 'Status',
        reason: 'AlreadyExists',
        code: 409,
        message: 'configmaps "app" already exists',
      },
    });
    expect(isTerminatingNamespaceWrite(quota)).toBe(false);
  });
});
