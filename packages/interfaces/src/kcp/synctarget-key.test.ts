import { describe, expect, it } from 'vitest';
import { sha224 } from './encoding.js';
import { toSyncTargetKey } from './synctarget-key.js';

// Known answers printed by a throwaway Go 1.26 program (not in the repo) calling kcp's algorithm:
// sha256.Sum224([]byte(logicalcluster.Name(cluster).Path().Join(name).String())) and big.Int.Text(62), with
// github.com/kcp-dev/logicalcluster/v3 v3.0.4. Columns: cluster, name, key, hex(SHA-224).
const VECTORS: ReadonlyArray<readonly [string, string, string, string]> = [
  // Also the key kcp's own syncer tests use for root:org:ws / us-west1 (kcp: pkg/syncer/spec/spec_process_test.go).
  [
    'root:org:ws',
    'us-west1',
    '6ohB8yeXhwqTQVuBzJRgqcRJTpRjX7yTZu5g5g',
    '7e5d8a1c54707623f14f99967db25957710d8405d40a6bc19c1fe05e',
  ],
  [
    'root:org',
    'cluster-1',
    'c9q3YLBuTikGIDP0MBBHszagUIRvEwTL3wC3sp',
    'f03f6542535722aae57643f6f64729c23a6a47352475538875a3369d',
  ],
  [
    'root',
    'a',
    'XC8lhMKnszMG3sD7k9KAOand51X74bOtSb6jm',
    '1302831a2047a448dc2a93716ce9aa90739323e090cb629c0efa7430',
  ],
  [
    '',
    'standalone',
    'bPzldNlqzcc2W37sHhJo4NwZ8MaGDhd4W54hkF',
    'e9eaf77a616916bad00bb3fbd27dbee090f9e5f18fe25a635d0d6eb5',
  ],
  [
    'root:some-very-long-organization-name:team-platform-engineering:production-workspace-eu-west',
    'synctarget-with-a-rather-long-name-0123456789',
    'XcFS8GvNOSdiqZn34HJTG8sIVcUPEKO7mnrFt',
    '12e0fdc54be328234f916f9a24083c16b2f451a73e4383aef307e7bf',
  ],
  // Brute-forced names whose hash starts with one and two zero bytes: Go drops them, so the key is shorter.
  [
    'root:org',
    'st-29',
    'NGRq9tEpdXBjRGWcUAyMf07mUXPZP1UoxfUh',
    '00416d10054e1d5b4ceba7a7f6aa4d34fa464c93136dddd3c1e65515',
  ],
  [
    'root:org',
    'st-61732',
    'oY1eLpL87V1HdF1HuQsWW3aYKAIIbEK2IMi',
    '000087bd1114629543a0489a7f5f1c5b6a7d7de4c2f7b5b4f25a2cf2',
  ],
];

describe('toSyncTargetKey', () => {
  it.each(VECTORS)('%j + %j -> %s', (cluster, name, key, hash) => {
    const joined = cluster === '' ? name : `${cluster}:${name}`;
    expect(Buffer.from(sha224(joined)).toString('hex')).toBe(hash);
    expect(toSyncTargetKey(cluster, name)).toBe(key);
  });

  it('keys are base62 with no leading zero', () => {
    for (const [cluster, name] of VECTORS) {
      expect(toSyncTargetKey(cluster, name)).toMatch(/^[1-9a-zA-Z][0-9a-zA-Z]*$/);
    }
  });

  it('a leading zero byte shortens the key (no padding, as big.Int.Text)', () => {
    expect(toSyncTargetKey('root:org', 'st-29')).toHaveLength(36);
    expect(toSyncTargetKey('root:org', 'st-61732')).toHaveLength(35);
  });

  it('distinguishes cluster and name boundaries only through the joined path', () => {
    // kcp hashes the joined path, so these two pairs share a key by design.
    expect(toSyncTargetKey('root:org', 'ws')).toBe(toSyncTargetKey('root', 'org:ws'));
    expect(toSyncTargetKey('root:org', 'ws')).not.toBe(toSyncTargetKey('root:org', 'ws2'));
  });
});
