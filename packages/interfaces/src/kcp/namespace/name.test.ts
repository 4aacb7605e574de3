import { describe, expect, it } from 'vitest';
import { namespaceLocator, parseNamespaceLocator } from './locator.js';
import {
  downstreamNamespaceName,
  physicalClusterNamespaceName,
  readableNamespaceName,
  tenantId,
} from './name.js';

// Known answers printed by a throwaway Go 1.26 program (not in the repo) running kcp's algorithms on kcp's
// structs: "kcp-" + strings.ToLower(base36.EncodeBytes(sha256.Sum224(json.Marshal(locator))))[:12] with
// github.com/martinlindhe/base36 v1.1.1, and the tenant id as big.Int.Text(62) of SHA-224 over the locator
// with Namespace emptied. Columns: locator JSON (as Go writes it), namespace name, tenant id.
const VECTORS: ReadonlyArray<readonly [string, string, string]> = [
  // kcp's own tests expect kcp-33jbiactwhg0 for this locator (kcp: pkg/syncer/spec/spec_process_test.go).
  [
    '{"syncTarget":{"cluster":"root:org:ws","name":"us-west1","uid":"syncTargetUID"},"cluster":"root:org:ws","namespace":"test"}',
    'kcp-33jbiactwhg0',
    '9Fn3Q4y5UDPmCOrYCujwdgCbD9SwOcKdcefYE7',
  ],
  [
    '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"2b0d1b4f-8a4e-4c1f-9d3a-0f6e5c4b3a21"},"cluster":"root:org:team-a","namespace":"default"}',
    'kcp-7l125qgbaaqn',
    '5uvCMHQFQAsi6o143nB3RsqnBV1UXM8Ol7yVOA',
  ],
  [
    '{"syncTarget":{"cluster":"root","name":"a","uid":"uid-1"},"cluster":"root:other","namespace":""}',
    'kcp-1ey5x2r4ymd0',
    '5FlHrvhxLxoF0Oj3KnPZnGfzwwQ75khDJb5SuN',
  ],
  [
    '{"syncTarget":{"name":"plain","uid":""},"namespace":"kube-app"}',
    'kcp-ot8rww92d9zc',
    '2WhNoGO4KKEAbBMgXc080jWZPX7Cba00GFvWoJ',
  ],
  [
    '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"a\\u003cb\\u003e\\u0026c"}',
    'kcp-1mwgq13qfsiw',
    '6837rzF9Zq0mdZbvxgROlLtOhrXKA0FI9X7V7a',
  ],
  [
    '{"syncTarget":{"cluster":"root:org","name":"na\\"me\\\\","uid":"u\\u2028v\\u2029w"},"cluster":"root:\u00fc:\u00e9","namespace":"tab\\there\\nnl\\r\\u0001\\u001f\u007f\\b\\f"}',
    'kcp-32cefd18cav7',
    'cyoQLOixGq24D9H1pGwBmoGPhTcmzVWFxDgGXd',
  ],
  [
    '{"syncTarget":{"cluster":"root:org","name":"emoji","uid":"u"},"cluster":"root:x","namespace":"\u{1f600}-ns"}',
    'kcp-1z0xawmxqm7z',
    '6yWdZtBAfpI2ZRvCHDQWDCWRmLGgMMh0fUlN9f',
  ],
  // Brute-forced namespace whose locator hash is 0x0000 19fb...: base36 keeps one "0" per leading zero byte.
  [
    '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"ns-37582"}',
    'kcp-008etyeelhrq',
    '6837rzF9Zq0mdZbvxgROlLtOhrXKA0FI9X7V7a',
  ],
  // A v0.6.0 locator (syncTarget.path) names the same namespace as its mapped form (Go, after kcp's mapping).
  [
    '{"syncTarget":{"path":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"test"}',
    'kcp-28szs2ef2iwr',
    '6837rzF9Zq0mdZbvxgROlLtOhrXKA0FI9X7V7a',
  ],
];

describe('physicalClusterNamespaceName', () => {
  it.each(VECTORS)('%s -> %s', (json, name) => {
    expect(physicalClusterNamespaceName(parseNamespaceLocator(json))).toBe(name);
  });

  it('is a DNS-1123 label of 16 characters', () => {
    for (const [json] of VECTORS) {
      expect(physicalClusterNamespaceName(parseNamespaceLocator(json))).toMatch(/^kcp-[0-9a-z]{12}$/);
    }
  });
});

describe('tenantId', () => {
  it.each(VECTORS)('%s -> tenant %s', (json, _name, tenant) => {
    expect(tenantId(parseNamespaceLocator(json))).toBe(tenant);
  });

  it('is shared by every namespace of one workspace + SyncTarget and differs across SyncTargets', () => {
    const st = { cluster: 'root:org', name: 'cluster-1', uid: 'u' };
    const a = namespaceLocator('root:org:ws', st, 'a<b>&c');
    const b = namespaceLocator('root:org:ws', st, 'ns-37582');
    expect(tenantId(a)).toBe(tenantId(b));
    expect(physicalClusterNamespaceName(a)).not.toBe(physicalClusterNamespaceName(b));
    expect(tenantId(namespaceLocator('root:org:ws', { ...st, uid: 'v' }, 'a<b>&c'))).not.toBe(tenantId(a));
  });
});

describe('readableNamespaceName', () => {
  const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

  it('joins cluster and namespace with ":" turned into "-"', () => {
    expect(readableNamespaceName('root:org:ws', 'default')).toBe('kcp-root-org-ws-default');
    expect(readableNamespaceName('', 'default')).toBe('kcp-default');
  });

  it('hashes when sanitising had to change more than ":", keeping distinct inputs apart', () => {
    const upper = readableNamespaceName('root:Org', 'default');
    const lower = readableNamespaceName('root:org', 'default');
    expect(lower).toBe('kcp-root-org-default');
    expect(upper).toMatch(/^kcp-root-org-default-[0-9a-z]{10}$/);
    expect(upper).not.toBe(lower);
    const odd = readableNamespaceName('root:o_g', 'ns');
    expect(odd).toMatch(/^kcp-root-o-g-ns-[0-9a-z]{10}$/);
    expect(readableNamespaceName('root:o.g', 'ns')).not.toBe(odd);
  });

  it('shortens names over 63 characters with a hash of the full input, staying unique and <= 63', () => {
    const cluster = 'root:some-very-long-organization-name:team-platform-engineering';
    const a = readableNamespaceName(cluster, 'production-workspace-one');
    const b = readableNamespaceName(cluster, 'production-workspace-two');
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(LABEL);
      expect(name.startsWith('kcp-root-some-very-long-organization-name-team-plat')).toBe(true);
    }
    expect(a).not.toBe(b);
    expect(readableNamespaceName(cluster, 'production-workspace-one')).toBe(a);
  });

  it('keeps a name of exactly 63 characters and hashes one of 64', () => {
    const ns63 = 'x'.repeat(63 - 'kcp-root-'.length);
    expect(readableNamespaceName('root', ns63)).toBe(`kcp-root-${ns63}`);
    const long = readableNamespaceName('root', `${ns63}y`);
    expect(long).toHaveLength(63);
    expect(long).toMatch(LABEL);
  });

  it('never ends the cut part with "-" before the hash', () => {
    // The cut falls right after a run of hyphens.
    const name = readableNamespaceName('root', `${'a'.repeat(40)}----------${'b'.repeat(20)}`);
    expect(name).toMatch(LABEL);
    expect(name).not.toMatch(/--[0-9a-z]{10}$/);
  });

  it('rejects an empty namespace', () => {
    expect(() => readableNamespaceName('root:org', '')).toThrow(TypeError);
  });
});

describe('downstreamNamespaceName', () => {
  const locator = namespaceLocator(
    'root:org:ws',
    { cluster: 'root:org', name: 'us-west1', uid: 'u' },
    'test',
  );

  it("is kcp's hashed name by default and the readable one when asked", () => {
    expect(downstreamNamespaceName(locator, 'hashed')).toBe(physicalClusterNamespaceName(locator));
    expect(downstreamNamespaceName(locator, 'hashed')).toMatch(/^kcp-[0-9a-z]{12}$/);
    expect(downstreamNamespaceName(locator, 'readable')).toBe('kcp-root-org-ws-test');
  });
});
