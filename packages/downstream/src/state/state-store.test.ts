import { clusterKey, type ResourceState } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { InMemoryResourceStateStore } from './state-store.js';

const GVR = { group: '', version: 'v1', resource: 'configmaps' };
const KEY = clusterKey('root:ws', GVR, 'default', 'cm');

function state(data: Record<string, string>): ResourceState {
  return {
    key: KEY,
    gvr: GVR,
    downstreamNamespace: 'kcp-abc',
    downstreamName: 'cm',
    resourceVersion: '7',
    hash: 'h',
    lastApplied: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { a: 'b' } }, data },
    lastSyncTime: '2026-11-23T00:00:00Z',
  };
}

describe('InMemoryResourceStateStore', () => {
  it('hands back what was set, a fresh copy of the last applied object each time', () => {
    const store = new InMemoryResourceStateStore();
    const written = state({ k: 'v' });
    store.set(written);
    const first = store.get(clusterKey('root:ws', GVR, 'default', 'cm'));
    expect(first).toEqual(written);
    (first?.lastApplied?.data as Record<string, string>).k = 'changed';
    const labels = written.lastApplied?.metadata.labels as Record<string, string>;
    labels.a = 'changed too';
    expect(store.get(KEY)?.lastApplied).toEqual(state({ k: 'v' }).lastApplied);
    expect([...store.values()]).toEqual([state({ k: 'v' })]);
    expect(store.size()).toBe(1);
  });

  it('keeps states without a last applied object as they are, and forgets deleted keys', () => {
    const store = new InMemoryResourceStateStore();
    const { lastApplied: _dropped, ...bare } = state({});
    store.set(bare);
    expect(store.get(KEY)).toEqual(bare);
    expect(store.get(KEY)).not.toHaveProperty('lastApplied');
    store.delete(KEY);
    expect(store.get(KEY)).toBeUndefined();
    expect(store.size()).toBe(0);
  });
});
