import { describe, expect, it } from 'vitest';
import type { KcpWorld } from '../real/kcp-world.js';
import type { StateDump } from './dump.js';
import { normalizeDump } from './normalize.js';

const world = {
  workspace: { cluster: '1mkf0habviiif6ta' },
  generated: { syncTargetUid: 'uid-1', syncerNamespace: 'kcp-syncer-phys-17oz4k0x' },
  syncTargetKey: 'key-1',
  kcp: { url: 'https://127.0.0.1:6443' },
} as unknown as KcpWorld;

describe('normalizeDump', () => {
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
});
