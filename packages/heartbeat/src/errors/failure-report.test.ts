import { classifyHttpError, TmcError } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { failureReport } from './failure-report.js';

const http = (status: number, reason: string) =>
  classifyHttpError({ status, body: { kind: 'Status', message: `HTTP ${status}`, reason } });

describe('failureReport', () => {
  it('names the Event reason by error type, through the classifier', () => {
    expect(failureReport(http(422, 'Invalid'))).toEqual({
      reason: 'SyncInvalid',
      message: 'HTTP 422',
      type: 'Invalid',
      severity: 'error',
    });
    expect(failureReport(http(403, 'Forbidden'))).toMatchObject({
      reason: 'SyncForbidden',
      type: 'Forbidden',
    });
    expect(failureReport(new Error('socket hang up')).reason).toMatch(/^Sync/);
  });

  it('says how many attempts were given up on, and nothing for a first and only one', () => {
    const error = new TmcError({ type: 'Timeout', message: 'apply timed out' });
    expect(failureReport(error, 16).message).toBe('apply timed out (gave up after 16 attempts)');
    expect(failureReport(error, 1).message).toBe('apply timed out');
    expect(failureReport(error).message).toBe('apply timed out');
  });
});
