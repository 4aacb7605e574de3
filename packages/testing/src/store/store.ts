import { deepFreeze, type KubeObject } from '../api/types.js';
import { type ChangeEvent, type EventType, HistoryRing } from './history.js';

export type { ChangeEvent, EventType } from './history.js';

/** Receives every committed change of one resource, synchronously, right after the commit. */
export interface StoreSubscriber {
  /** Logical cluster, or `*` for every cluster. */
  cluster: string;
  /** Namespace, or undefined for all namespaces. */
  namespace: string | undefined;
  deliver(event: ChangeEvent): void;
}

export interface StoreOptions {
  /** Changes kept per resource for watch resumption (default 10,000). */
  historySize?: number;
}

type NameMap = Map<string, KubeObject>;
type NamespaceMap = Map<string, NameMap>;
type ClusterMap = Map<string, NamespaceMap>;

/**
 * The object store: one frozen copy of each current object, keyed by resource, logical cluster,
 * namespace and name; a global resourceVersion counter; per-resource change history; and fan-out of
 * changes to watch subscribers and to the change feed (fake controllers).
 */
export class ObjectStore {
  private rv = 0;
  private compactedRevision = 0;
  private readonly data = new Map<string, ClusterMap>();
  private readonly histories = new Map<string, HistoryRing>();
  private readonly subscribers = new Map<string, Set<StoreSubscriber>>();
  private readonly feed = new Set<(event: ChangeEvent) => void>();
  private readonly historySize: number;
  private objectCount = 0;

  constructor(options: StoreOptions = {}) {
    this.historySize = options.historySize ?? 10_000;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The revision of the last compaction; continue tokens older than it have expired. */
  get compacted(): number {
    return this.compactedRevision;
  }

  get size(): number {
    return this.objectCount;
  }

  get(cluster: string, gr: string, namespace: string, name: string): KubeObject | undefined {
    return this.data.get(gr)?.get(cluster)?.get(namespace)?.get(name);
  }

  /** Current objects of a resource in a cluster (`*`: all clusters), optionally one namespace. */
  *list(cluster: string, gr: string, namespace?: string): Generator<{ cluster: string; object: KubeObject }> {
    const clusters = this.data.get(gr);
    if (!clusters) return;
    const visit = function* (c: string, namespaces: NamespaceMap) {
      if (namespace !== undefined) {
        for (const object of namespaces.get(namespace)?.values() ?? []) yield { cluster: c, object };
        return;
      }
      for (const names of namespaces.values())
        for (const object of names.values()) yield { cluster: c, object };
    };
    if (cluster === '*') {
      for (const [c, namespaces] of clusters) yield* visit(c, namespaces);
    } else {
      const namespaces = clusters.get(cluster);
      if (namespaces) yield* visit(cluster, namespaces);
    }
  }

  /** Number of objects of a resource in one namespace of one cluster (namespace emptiness checks). */
  countIn(cluster: string, gr: string, namespace: string): number {
    return this.data.get(gr)?.get(cluster)?.get(namespace)?.size ?? 0;
  }

  /** Resources that currently hold any object in a cluster. */
  resourcesWithObjects(cluster: string): string[] {
    const out: string[] = [];
    for (const [gr, clusters] of this.data) if (clusters.get(cluster)?.size) out.push(gr);
    return out;
  }

  /**
   * Commits a new state: assigns the next resourceVersion, freezes the object, stores it (or removes it
   * for DELETED), records history and notifies subscribers. Returns the frozen object.
   */
  commit(type: EventType, cluster: string, gr: string, object: KubeObject): KubeObject {
    const rv = ++this.rv;
    object.metadata.resourceVersion = String(rv);
    deepFreeze(object);
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name!;
    let clusters = this.data.get(gr);
    if (!clusters) {
      clusters = new Map();
      this.data.set(gr, clusters);
    }
    let namespaces = clusters.get(cluster);
    if (!namespaces) {
      namespaces = new Map();
      clusters.set(cluster, namespaces);
    }
    let names = namespaces.get(namespace);
    if (!names) {
      names = new Map();
      namespaces.set(namespace, names);
    }
    const previous = names.get(name);
    if (type === 'DELETED') {
      if (names.delete(name)) this.objectCount--;
      if (names.size === 0) namespaces.delete(namespace);
      if (namespaces.size === 0) clusters.delete(cluster);
    } else {
      if (!previous) this.objectCount++;
      names.set(name, object);
    }
    const event: ChangeEvent = { type, rv, cluster, gr, object, previous };
    this.history(gr).push(event);
    const subs = this.subscribers.get(gr);
    if (subs) {
      for (const s of subs) {
        if (s.cluster !== '*' && s.cluster !== cluster) continue;
        if (s.namespace !== undefined && s.namespace !== namespace) continue;
        s.deliver(event);
      }
    }
    for (const listener of this.feed) listener(event);
    return object;
  }

  private history(gr: string): HistoryRing {
    let h = this.histories.get(gr);
    if (!h) {
      h = new HistoryRing(this.historySize);
      // A resource seen for the first time has no history before now.
      h.evictedThrough = this.compactedRevision;
      this.histories.set(gr, h);
    }
    return h;
  }

  /** Changes of a resource after `rv`, or undefined if some were compacted away (410 Expired). */
  changesSince(gr: string, rv: number): ChangeEvent[] | undefined {
    const h = this.histories.get(gr);
    if (!h) return rv < this.compactedRevision ? undefined : [];
    return h.since(rv);
  }

  oldestAvailable(gr: string): number {
    return this.histories.get(gr)?.oldestAvailable() ?? this.compactedRevision;
  }

  /** Drops all watch history: every watch or continue token from before now gets 410. */
  compact(): void {
    // Compaction takes its own revision, so every token or watch from before it is strictly older.
    this.rv++;
    this.compactedRevision = this.rv;
    for (const h of this.histories.values()) h.compact(this.rv);
  }

  subscribe(gr: string, subscriber: StoreSubscriber): () => void {
    let subs = this.subscribers.get(gr);
    if (!subs) {
      subs = new Set();
      this.subscribers.set(gr, subs);
    }
    subs.add(subscriber);
    return () => {
      subs.delete(subscriber);
    };
  }

  /** The change feed: every commit of every resource (the fake controllers are driven by it). */
  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.feed.add(listener);
    return () => this.feed.delete(listener);
  }

  watcherCount(): number {
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }
}
