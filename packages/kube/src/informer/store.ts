import type { IndexFunc, KubeObject } from '@kcp-tmc/interfaces';

/**
 * The informer cache: one copy of each object under its encoded ClusterKey, plus indexes (index name ->
 * value -> keys). Replacing an object returns the previous one and forgets it. Objects are shared with
 * every reader: treat them as read-only, as with client-go's cache.
 */
export class ObjectStore {
  private readonly items = new Map<string, KubeObject>();
  private readonly indexers = new Map<string, IndexFunc>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc> = {}) {
    this.addIndexers(indexers);
  }

  get size(): number {
    return this.items.size;
  }

  /** Adds indexes, built at once over what is cached. A name already in use must keep its function. */
  addIndexers(indexers: Record<string, IndexFunc>): void {
    // Asked again with every informerFor that names indexers: a loop with no allocation when all are known.
    for (const name in indexers) {
      const fn = indexers[name];
      if (fn === undefined || !Object.hasOwn(indexers, name)) continue;
      const existing = this.indexers.get(name);
      if (existing === fn) continue;
      if (existing !== undefined) throw new Error(`indexer "${name}" already exists with another function`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, object] of this.items) addTo(index, fn(object), key);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  get(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Stores the object; returns the one it replaced. */
  set(key: string, object: KubeObject): KubeObject | undefined {
    const old = this.items.get(key);
    this.items.set(key, object);
    if (this.indexers.size === 0) return old;
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      const next = fn(object);
      if (old !== undefined) {
        const previous = fn(old);
        if (sameValues(previous, next)) continue;
        removeFrom(index, previous, key);
      }
      addTo(index, next, key);
    }
    return old;
  }

  /** Removes the object; returns it. */
  delete(key: string): KubeObject | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) {
      removeFrom(this.indices.get(name) as Map<string, Set<string>>, fn(old), key);
    }
    return old;
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  entries(): IterableIterator<[string, KubeObject]> {
    return this.items.entries();
  }

  list(): KubeObject[] {
    return Array.from(this.items.values());
  }

  byIndex(name: string, value: string): KubeObject[] {
    return this.indexKeys(name, value).map((key) => this.items.get(key) as KubeObject);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`no index named "${name}"`);
    const keys = index.get(value);
    return keys === undefined ? [] : Array.from(keys);
  }

  /** The values an index currently holds. */
  indexValues(name: string): string[] {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`no index named "${name}"`);
    return Array.from(index.keys());
  }
}

function addTo(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (keys === undefined) {
      keys = new Set();
      index.set(value, keys);
    }
    keys.add(key);
  }
}

function removeFrom(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value);
    if (keys === undefined) continue;
    keys.delete(key);
    // Empty sets would pile up as objects come and go (e.g. per-namespace values).
    if (keys.size === 0) index.delete(value);
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
