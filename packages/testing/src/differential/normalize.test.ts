import { describe, expect, it } from 'vitest';
import type { KcpWorld } from '../real/kcp-world.js';
import type { StateDump } from './dump.js';
import { normalizeDump } from './normalize.js';

const world = {
  workspace: { cluster: '1mkf0habviiif6ta' },
  generated: { syncTargetName: 'phys', syncTargetUid: 'uid-1', syncerNamespace: 'kcp-syncer-phys-17oz4k0x' },
  syncTargetKey: 'key-1',
  addedSyncTargets: [],
  kcp: { url: 'https://127.0.0.1:6443' },
} as unknown as KcpWorld;

// The world after addSyncTarget('phys2').
const twoTargets = {
  ...world,
  addedSyncTargets: [
    {
      generated: {
        syncTargetName: 'phys2',
        syncTargetUid: 'uid-2',
        syncerNamespace: 'kcp-syncer-phys2-2z58t8gd',
      },
      syncTargetKey: 'key-2',
    },
  ],
} as unknown as KcpWorld;

const namespaceOf = (name: string, syncTarget: string) => ({
  kind: 'Namespace',
  metadata: {
    name,
    annotations: {
      'kcp.io/namespace-locator': JSON.stringify({ syncTarget: { name: syncTarget }, namespace: 'demo' }),
    },
  },
});

describe('normalizeDump', () => {
  it('keeps an upsynced copy’s workload.kcp.io/rv but not its value (a downstream resourceVersion)', () => {
    const dump: StateDump = {
      syncTarget: undefined,
      objects: {
        'up||PersistentVolume|pv-up': {
          kind: 'PersistentVolume',
          metadata: {
            name: 'pv-up',
            labels: { 'state.workload.kcp.io/key-1': 'Upsync' },
            annotations: { 'workload.kcp.io/rv': '4711', 'kcp.io/cluster': '1mkf0habviiif6ta' },
          },
        },
      },
    };
    const normalized = normalizeDump(world, dump) as Record<string, { metadata: unknown }>;
    expect(normalized['up||PersistentVolume|pv-up']?.metadata).toEqual({
      name: 'pv-up',
      labels: { 'state.workload.kcp.io/<key>': 'Upsync' },
      annotations: { 'workload.kcp.io/rv': '<downstream-rv>', 'kcp.io/cluster': '<cluster>' },
    });
  });

  it('replaces the workspace DNS Service cluster IP wherever a pod template names it', () => {
    const dns = 'kcp-dns-phys-17oz4k0x-2kyu48xp';
    const dump: StateDump = {
      syncTarget: undefined,
      objects: {
        [`down|kcp-syncer-phys-17oz4k0x|Service|${dns}`]: {
          kind: 'Service',
          metadata: { name: dns, namespace: 'kcp-syncer-phys-17oz4k0x' },
          spec: { clusterIP: '10.0.0.216' },
        },
        'down|x|Deployment|web': {
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'x' },
          spec: { template: { spec: { dnsConfig: { nameservers: ['10.0.0.216'] } } } },
        },
      },
    };
    const normalized = normalizeDump(world, dump) as Record<string, { spec: unknown }>;
    expect(normalized['down|x|Deployment|web']?.spec).toEqual({
      template: { spec: { dnsConfig: { nameservers: ['<dns-ip>'] } } },
    });
  });

  it('names a deleted downstream namespace in the DNS namespace map by its upstream namespace', () => {
    const dns = 'kcp-dns-phys-17oz4k0x-2kyu48xp';
    const key = `down|kcp-syncer-phys-17oz4k0x|ConfigMap|${dns}`;
    const dump: StateDump = {
      syncTarget: undefined,
      objects: {
        [key]: {
          kind: 'ConfigMap',
          metadata: { name: dns, namespace: 'kcp-syncer-phys-17oz4k0x' },
          data: { other: 'kcp-1ce1atwj35wm' },
        },
      },
    };
    const normalized = normalizeDump(world, dump) as Record<string, { data: unknown }>;
    expect(
      normalized['down|kcp-syncer-phys-<st-hash>|ConfigMap|kcp-dns-phys-<st-hash>-<ws-hash>']?.data,
    ).toEqual({
      other: '<down:other>',
    });
  });

  it('names the downstream namespaces of one upstream namespace per SyncTarget, and the added ones by name', () => {
    const dump: StateDump = {
      syncTarget: undefined,
      objects: {
        'down||Namespace|kcp-aaaaaaaaaaaa': namespaceOf('kcp-aaaaaaaaaaaa', 'phys'),
        'down||Namespace|kcp-bbbbbbbbbbbb': namespaceOf('kcp-bbbbbbbbbbbb', 'phys2'),
        'down|kcp-bbbbbbbbbbbb|ConfigMap|c': {
          kind: 'ConfigMap',
          metadata: {
            name: 'c',
            namespace: 'kcp-bbbbbbbbbbbb',
            labels: { 'state.workload.kcp.io/key-2': 'Sync' },
          },
        },
        'down|kcp-syncer-phys2-2z58t8gd|Service|kcp-dns-phys2-2z58t8gd-2kyu48xp': {
          kind: 'Service',
          metadata: { name: 'kcp-dns-phys2-2z58t8gd-2kyu48xp', namespace: 'kcp-syncer-phys2-2z58t8gd' },
        },
      },
    };
    const normalized = normalizeDump(twoTargets, dump) as Record<string, { metadata: unknown }>;
    expect(Object.keys(normalized).sort()).toEqual([
      'down|<down:phys2:demo>|ConfigMap|c',
      'down|kcp-syncer-phys2-<st-hash:phys2>|Service|kcp-dns-phys2-<st-hash:phys2>-<ws-hash>',
      'down||Namespace|<down:demo>',
      'down||Namespace|<down:phys2:demo>',
    ]);
    expect(normalized['down|<down:phys2:demo>|ConfigMap|c']?.metadata).toMatchObject({
      labels: { 'state.workload.kcp.io/<key:phys2>': 'Sync' },
    });
  });

  it("compares a syncer's view annotation field by field, without its timestamps", () => {
    const view = {
      status: { observedGeneration: 1, conditions: [{ type: 'Available', lastUpdateTime: 'x' }] },
    };
    const dump: StateDump = {
      syncTarget: undefined,
      objects: {
        'up|demo|Deployment|web': {
          kind: 'Deployment',
          metadata: {
            name: 'web',
            namespace: 'demo',
            annotations: { 'diff.syncer.internal.kcp.io/key-2': JSON.stringify(view), note: '{"a":1}' },
          },
        },
      },
    };
    const normalized = normalizeDump(twoTargets, dump) as Record<string, { metadata: unknown }>;
    expect(normalized['up|demo|Deployment|web']?.metadata).toMatchObject({
      annotations: {
        'diff.syncer.internal.kcp.io/<key:phys2>': {
          status: { observedGeneration: 1, conditions: [{ type: 'Available' }] },
        },
        note: '{"a":1}',
      },
    });
  });

  it('compares finalizers as a set: two syncers add theirs in whichever order they reach the object', () => {
    const withFinalizers = (finalizers: string[]): StateDump => ({
      syncTarget: undefined,
      objects: {
        'up|demo|ConfigMap|c': { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'demo', finalizers } },
      },
    });
    const a = normalizeDump(
      twoTargets,
      withFinalizers(['workload.kcp.io/syncer-key-2', 'workload.kcp.io/syncer-key-1']),
    );
    const b = normalizeDump(
      twoTargets,
      withFinalizers(['workload.kcp.io/syncer-key-1', 'workload.kcp.io/syncer-key-2']),
    );
    expect(a).toEqual(b);
    expect((a['up|demo|ConfigMap|c'] as { metadata: { finalizers: string[] } }).metadata.finalizers).toEqual([
      'workload.kcp.io/syncer-<key:phys2>',
      'workload.kcp.io/syncer-<key>',
    ]);
  });
});
