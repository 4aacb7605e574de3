import { describe, expect, it } from 'vitest';
import { base62, syncTargetKey } from './synctarget-key.js';

// Keys computed by Go (sha256.Sum224 + big.Int.Text(62)) for kcp's algorithm; the first one is also the
// key kcp's own syncer tests use for root:org:ws / us-west1.
const VECTORS: [string, string, string][] = [
  ['root:org:ws', 'us-west1', '6ohB8yeXhwqTQVuBzJRgqcRJTpRjX7yTZu5g5g'],
  ['root:org', 'cluster-1', 'c9q3YLBuTikGIDP0MBBHszagUIRvEwTL3wC3sp'],
  ['root', 'a', 'XC8lhMKnszMG3sD7k9KAOand51X74bOtSb6jm'],
  ['', 'standalone', 'bPzldNlqzcc2W37sHhJo4NwZ8MaGDhd4W54hkF'],
  // Hashes with one and two leading zero bytes: Go drops them, so the keys are shorter.
  ['root:org', 'st-29', 'NGRq9tEpdXBjRGWcUAyMf07mUXPZP1UoxfUh'],
  ['root:org', 'st-61732', 'oY1eLpL87V1HdF1HuQsWW3aYKAIIbEK2IMi'],
];

describe('syncTargetKey', () => {
  it.each(VECTORS)('%j + %j -> %s', (cluster, name, key) => {
    expect(syncTargetKey(cluster, name)).toBe(key);
  });

  it('encodes base62 like big.Int.Text(62)', () => {
    expect(base62(new Uint8Array([0]))).toBe('0');
    expect(base62(new Uint8Array([61]))).toBe('Z');
    expect(base62(new Uint8Array([62]))).toBe('10');
    expect(base62(new Uint8Array([0, 0, 1, 0]))).toBe('48');
  });
});
