import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.js';
import { matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ObjectStore } from './store.js';

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
  data,
});

describe('ObjectStore', () => {
  it('stores one frozen copy per object and lets history reference the same object', () => {
    const store = new ObjectStore();
    const stored = store.commit('ADDED', '', '/configmaps', cm('a'));
    expect(Object.isFrozen(stored)).toBe(true);
    expect(Object.isFrozen(stored.metadata)).toBe(true);
    expect(store.get('', '/configmaps', 'ns', 'a')).toBe(stored);
    const [event] = store.changesSince('/configmaps', 0)!;
    expect(event!.object).toBe(stored);
    const updated = store.commit('MODIFIED', '', '/configmaps', { ...cm('a', { x: 'y' }) });
    const events = store.changesSince('/configmaps', 0)!;
    expect(events[1]!.object).toBe(updated);
    expect(events[1]!.previous).toBe(stored);
  });

  it('assigns increasing resourceVersions from one global counter', () => {
    const store = new ObjectStore();
    const a = store.commit('ADDED', '', '/configmaps', cm('a'));
    const b = store.commit('ADDED', 'other', '/secrets', cm('b'));
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
  });

  it('expires history beyond its capacity and on compaction', () => {
    const store = new ObjectStore({ historySize: 3 });
    for (let i = 0; i < 5; i++) store.commit('ADDED', '', '/configmaps', cm(`o${i}`));
    expect(store.changesSince('/configmaps', 0)).toBeUndefined();
    expect(store.changesSince('/configmaps', 2)!.map((e) => e.object.metadata.name)).toEqual([
      'o2',
      'o3',
      'o4',
    ]);
    const rv = store.resourceVersion;
    store.compact();
    expect(store.changesSince('/configmaps', rv)).toBeUndefined();
    expect(store.changesSince('/configmaps', store.resourceVersion)).toEqual([]);
  });

  it('removes deleted objects and tracks counts per namespace', () => {
    const store = new ObjectStore();
    store.commit('ADDED', '', '/configmaps', cm('a'));
    store.commit('ADDED', '', '/configmaps', cm('b'));
    expect(store.countIn('', '/configmaps', 'ns')).toBe(2);
    store.commit('DELETED', '', '/configmaps', cm('a'));
    expect(store.get('', '/configmaps', 'ns', 'a')).toBeUndefined();
    expect(store.size).toBe(1);
    expect([...store.list('*', '/configmaps')].map((e) => e.object.metadata.name)).toEqual(['b']);
  });
});

describe('selectors', () => {
  it('parses and matches label selectors', () => {
    const sel = parseLabelSelector('app=web,tier!=db,env in (prod, stage),!legacy,zone');
    expect(matchesLabels(sel, { app: 'web', tier: 'front', env: 'prod', zone: 'a' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'db', env: 'prod', zone: 'a' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', env: 'dev', zone: 'a' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', env: 'prod', zone: 'a', legacy: 'y' })).toBe(false);
    expect(() => parseLabelSelector('app in web')).toThrow();
  });

  it('parses field selectors with escapes', () => {
    expect(parseFieldSelector('metadata.name=a\\,b,status.phase!=Running')).toEqual([
      { field: 'metadata.name', op: '=', value: 'a,b' },
      { field: 'status.phase', op: '!=', value: 'Running' },
    ]);
    expect(() => parseFieldSelector('nonsense')).toThrow();
  });
});
