import type { KubeObject } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { labelIndexFunc, namespaceIndexFunc } from './indexers.js';
import { ObjectStore } from './store.js';

function obj(name: string, namespace: string, labels: Record<string, string> = {}, rv = '1'): KubeObject {
  return { metadata: { name, namespace, labels, resourceVersion: rv } };
}

describe('ObjectStore', () => {
  it('keeps one copy per key and returns the replaced one', () => {
    const store = new ObjectStore();
    const a1 = obj('a', 'n');
    const a2 = obj('a', 'n', {}, '2');
    expect(store.set('k', a1)).toBeUndefined();
    expect(store.set('k', a2)).toBe(a1);
    expect(store.get('k')).toBe(a2);
    expect(store.size).toBe(1);
    expect(store.delete('k')).toBe(a2);
    expect(store.delete('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('maintains indexes through add, update and delete', () => {
    const store = new ObjectStore({ namespace: namespaceIndexFunc, app: labelIndexFunc('app') });
    store.set('1', obj('a', 'n1', { app: 'web' }));
    store.set('2', obj('b', 'n1', { app: 'db' }));
    store.set('3', obj('c', 'n2', { app: 'web' }));
    store.set('4', obj('d', 'n2'));
    expect(names(store.byIndex('namespace', 'n1'))).toEqual(['a', 'b']);
    expect(names(store.byIndex('app', 'web'))).toEqual(['a', 'c']);

    // Relabel: leaves the old value's bucket, joins the new one.
    store.set('1', obj('a', 'n1', { app: 'db' }, '2'));
    expect(names(store.byIndex('app', 'web'))).toEqual(['c']);
    expect(names(store.byIndex('app', 'db'))).toEqual(['a', 'b']);

    store.delete('3');
    expect(store.byIndex('app', 'web')).toEqual([]);
    // Empty buckets are dropped.
    expect(store.indexValues('app').sort()).toEqual(['db']);
    expect(store.indexValues('namespace').sort()).toEqual(['n1', 'n2']);
  });

  it('builds an index added later over what is cached', () => {
    const store = new ObjectStore();
    store.set('1', obj('a', 'n1', { tier: 'x' }));
    store.set('2', obj('b', 'n2', { tier: 'y' }));
    const tier = labelIndexFunc('tier');
    store.addIndexers({ tier });
    expect(names(store.byIndex('tier', 'y'))).toEqual(['b']);
    // The same function again is fine (label indexers are one per label), another one under the name is not.
    store.addIndexers({ tier: labelIndexFunc('tier') });
    expect(() => store.addIndexers({ tier: labelIndexFunc('other') })).toThrow(/already exists/);
    expect(() => store.byIndex('nope', 'x')).toThrow(/no index named "nope"/);
  });
});

function names(objects: KubeObject[]): string[] {
  return objects.map((o) => o.metadata.name ?? '').sort();
}
