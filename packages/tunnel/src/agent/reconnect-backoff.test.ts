import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_BACKOFF } from './tunnel-client-options.js';

describe('DEFAULT_RECONNECT_BACKOFF', () => {
  it('uses the documented defaults', () => {
    expect(DEFAULT_RECONNECT_BACKOFF).toMatchObject({
      initialMs: 1_000,
      maxMs: 300_000,
      factor: 2,
      jitter: 0.5,
      jitterMode: 'shorten',
      resetAfterMs: 30_000,
    });
  });
});
