import { classifyError, classifyHttpError, TmcError } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { type RetryOptions, retryDelayMs, shouldRetry, UNREACHABLE_RETRY_MS } from './retry.js';

const options: RetryOptions = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
const http = (status: number, retryAfter?: string) =>
  classifyHttpError({ status, body: { kind: 'Status', code: status }, retryAfter: retryAfter ?? null });
const network = (code: string) => classifyError(Object.assign(new Error('socket'), { code }));

describe('shouldRetry', () => {
  it('retries any verb on 429', () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(shouldRetry(method, http(429), 0, options)).toBe(true);
    }
  });

  it('retries reads on 5xx and broken connections, writes not', () => {
    expect(shouldRetry('GET', http(500), 0, options)).toBe(true);
    expect(shouldRetry('GET', http(503), 0, options)).toBe(true);
    expect(shouldRetry('GET', network('ECONNRESET'), 0, options)).toBe(true);
    expect(shouldRetry('POST', http(500), 0, options)).toBe(false);
    expect(shouldRetry('PATCH', http(503), 0, options)).toBe(false);
    expect(shouldRetry('PUT', network('ECONNRESET'), 0, options)).toBe(false);
  });

  it('retries any verb when the connection was never made', () => {
    expect(shouldRetry('POST', network('ECONNREFUSED'), 0, options)).toBe(true);
  });

  it('never retries client errors, and stops after maxRetries', () => {
    for (const status of [400, 401, 403, 404, 409, 410, 422]) {
      expect(shouldRetry('GET', http(status), 0, options)).toBe(false);
    }
    expect(shouldRetry('GET', http(429), 3, options)).toBe(false);
    expect(shouldRetry('GET', new TmcError({ type: 'Invalid', message: 'x' }), 0, options)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('honours Retry-After, capped', () => {
    expect(retryDelayMs(http(429, '2'), 0, options)).toBe(2000);
    expect(retryDelayMs(http(429, '120'), 0, options)).toBe(5000);
  });

  it('backs off exponentially with bounded jitter', () => {
    expect(retryDelayMs(http(500), 0, options, () => 0.5)).toBe(100);
    expect(retryDelayMs(http(500), 2, options, () => 0.5)).toBe(400);
    expect(retryDelayMs(http(500), 10, options, () => 0.5)).toBe(1000);
    expect(retryDelayMs(http(500), 1, options, () => 0)).toBe(160);
    expect(retryDelayMs(http(500), 1, options, () => 1)).toBe(240);
  });

  it('retries an unreachable server every second at most; answers keep the full backoff', () => {
    const slow = { ...options, maxDelayMs: 30_000 };
    expect(retryDelayMs(network('ECONNREFUSED'), 0, slow, () => 0.5)).toBe(100);
    expect(retryDelayMs(network('ECONNREFUSED'), 8, slow, () => 0.5)).toBe(UNREACHABLE_RETRY_MS);
    expect(retryDelayMs(http(503), 8, slow, () => 0.5)).toBe(25_600);
  });
});
