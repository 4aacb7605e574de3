import { classifyHttpError, TmcError, TmcErrorType } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOVERY_RULES, RecoveryPolicy } from './policy.js';

const http = (status: number, reason?: string, retryAfter?: string) =>
  classifyHttpError({
    status,
    body: { kind: 'Status', message: `HTTP ${status}`, ...(reason === undefined ? {} : { reason }) },
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });

describe('RecoveryPolicy', () => {
  const policy = new RecoveryPolicy();

  it('has a rule for every error type', () => {
    for (const type of Object.values(TmcErrorType)) expect(DEFAULT_RECOVERY_RULES[type]).toBeDefined();
  });

  it('backs off exponentially from 5 ms for conflicts, capped at 1000 s', () => {
    const delays = [0, 1, 2, 3, 10].map((attempt) => policy.decide(http(409, 'Conflict'), attempt));
    expect(delays.map((d) => (d.action === 'retry' ? d.delayMs : -1))).toEqual([5, 10, 20, 40, 5 * 1024]);
    const late = policy.decide(http(409, 'Conflict'), 40);
    expect(late).toMatchObject({ action: 'retry', delayMs: 1_000_000 });
  });

  it('honours Retry-After on 429 and 503 instead of its own backoff', () => {
    expect(policy.decide(http(429, 'TooManyRequests', '7'), 0)).toMatchObject({
      action: 'retry',
      delayMs: 7_000,
    });
    expect(policy.decide(http(503, undefined, '3'), 5)).toMatchObject({ action: 'retry', delayMs: 3_000 });
    // Without the header, the backoff of the type applies.
    expect(policy.decide(http(429, 'TooManyRequests'), 2)).toMatchObject({ action: 'retry', delayMs: 4_000 });
  });

  it('backs off network failures from one second to one minute, through the classifier', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const first = policy.decide(refused, 0);
    expect(first).toMatchObject({ action: 'retry', delayMs: 1_000 });
    expect(first.error.type).toBe('ClusterUnreachable');
    expect(policy.decide(refused, 20)).toMatchObject({ action: 'retry', delayMs: 60_000 });
  });

  it('retries 410 Gone at once, and gives up after ten in a row', () => {
    expect(policy.decide(http(410, 'Expired'), 0)).toMatchObject({ action: 'retry', delayMs: 0 });
    expect(policy.decide(http(410, 'Expired'), 9)).toMatchObject({ action: 'give-up' });
  });

  it('gives up on invalid objects with an Event reason and no condition', () => {
    const decision = policy.decide(http(422, 'Invalid'), 0);
    expect(decision.action).toBe('give-up');
    if (decision.action !== 'give-up') return;
    expect(decision.report).toEqual({
      reason: 'SyncInvalid',
      message: 'HTTP 422',
      type: 'Invalid',
      severity: 'error',
    });
  });

  // SyncerAuthorized is set from the access reviews only, as kcp's syncer does
  // (pkg/syncer/resourcesync/controller.go): one object's 403 says nothing about the SyncTarget.
  it('gives up on Forbidden with an Event reason and no condition', () => {
    const decision = policy.decide(http(403, 'Forbidden'), 0);
    expect(decision).toMatchObject({ action: 'give-up', report: { reason: 'SyncForbidden' } });
    expect(decision.action === 'give-up' && decision.report.condition).toBeUndefined();
  });

  it('keeps retrying Unauthorized for a while, then reports it', () => {
    expect(policy.decide(http(401, 'Unauthorized'), 0)).toMatchObject({ action: 'retry', delayMs: 1_000 });
    const last = policy.decide(http(401, 'Unauthorized'), 9);
    expect(last).toMatchObject({ action: 'give-up' });
    expect(last.action === 'give-up' && last.report.condition).toBeUndefined();
    if (last.action === 'give-up') expect(last.report.message).toContain('gave up after 10 attempts');
  });

  it("lets an error's own retryable flag stop a retrying type", () => {
    const fatal = new TmcError({ type: 'ServerError', message: 'corrupt', retryable: false });
    expect(policy.decide(fatal, 0).action).toBe('give-up');
  });

  it('takes per-type overrides', () => {
    const strict = new RecoveryPolicy({ ResourceConflict: { strategy: { kind: 'give-up' } } });
    expect(strict.decide(http(409, 'Conflict'), 0).action).toBe('give-up');
    expect(strict.decide(http(429, 'TooManyRequests', '1'), 0).action).toBe('retry');
  });
});
