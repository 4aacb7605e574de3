import { describe, expect, it } from 'vitest';
import { upstreamSpecFingerprint } from './spec-fingerprint.js';

describe('upstreamSpecFingerprint', () => {
  // The same inputs and values are pinned in @kcp-tmc/upstream (extractors.test.ts), which compares with them.
  it('is the first 32 hex digits of SHA-256 over key-sorted JSON', () => {
    expect(upstreamSpecFingerprint({ replicas: 2, selector: { b: 1, a: 2 } })).toBe(
      '8a5766246d6a7741813bc8e63b02cc35',
    );
    expect(upstreamSpecFingerprint(undefined)).toBe('74234e98afe7498fb5daf1f36ac2d78a');
  });

  it('ignores key order and undefined members, and sees every value', () => {
    expect(upstreamSpecFingerprint({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      upstreamSpecFingerprint({ b: { c: [1, { e: 3, d: 2 }] }, a: 1, x: undefined }),
    );
    expect(upstreamSpecFingerprint({ a: [1, 2] })).not.toBe(upstreamSpecFingerprint({ a: [2, 1] }));
  });
});
