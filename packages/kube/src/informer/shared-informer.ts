import {
  CLUSTER_ANNOTATION,
  type Clock,
  type ClusterKey,
  clusterKey,
  DEFAULT_CLUSTER_NAME,
  encodeClusterKey,
  type GVR,
  type Informer,
  type InformerEvent,
  type InformerOptions,
  type KubeClient,
  type KubeObject,
  type Logger,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  type TimerHandle,
} from '@kcp-tmc/interfaces';
import { concat, defer, from, type Observable, Subject } from 'rxjs';
import { DEFAULT_BACKOFF } from '../flowcontrol/backoff.js';
import { type InformerConfig } from './config.js';
import { CLUSTER_INDEX, NAMESPACE_INDEX, namespaceIndexFunc } from './indexers.js';
import { Reflector, type ReflectorSink, type ReflectorStats } from './reflector.js';
import { ObjectStore } from './store.js';
import { SyncGate } from './sync-gate.js';

/**
 * A list+watch cache of one GVR keyed by ClusterKey, holding one copy of each object, with indexes and an
 * rxjs event stream. Events are emitted synchronously as the cache changes; a subscriber that joins late
 * first gets an `add` for every cached object (as client-go's AddEventHandler does), then live events.
 */
export class SharedInformer implements Informer {
  readonly gvr: GVR;
  readonly events$: Observable<InformerEvent>;
  private readonly subject = new Subject<InformerEvent>();
  private readonly store: ObjectStore;
  private readonly reflector: Reflector;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly useAnnotation: boolean;
  private readonly fallbackCluster: string;
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly syncGate = new SyncGate();
  private resyncTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    client: KubeClient,
    readonly options: InformerOptions,
    config: InformerConfig = {},
  ) {
    this.gvr = options.gvr;
    this.clock = config.clock ?? SYSTEM_CLOCK;
    this.logger = (config.logger ?? NOOP_LOGGER).child({ informer: describe(options) });
    this.useAnnotation = config.useClusterAnnotation ?? true;
    const scopeCluster =
      options.cluster !== undefined && options.cluster !== '*' ? options.cluster : undefined;
    this.fallbackCluster = config.clusterName ?? scopeCluster ?? DEFAULT_CLUSTER_NAME;
    this.store = new ObjectStore({
      [NAMESPACE_INDEX]: namespaceIndexFunc,
      [CLUSTER_INDEX]: (object) => [this.clusterOf(object)],
      ...options.indexers,
    });
    const sink: ReflectorSink = {
      replace: (items) => this.replace(items),
      apply: (type, object) => this.apply(type, object),
    };
    this.reflector = new Reflector(client, sink, {
      gvr: options.gvr,
      scope: { ...(options.cluster === undefined ? {} : { cluster: options.cluster }), ...nsScope(options) },
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      pageSize: config.pageSize ?? 500,
      backoff: { ...DEFAULT_BACKOFF, ...config.backoff },
      staleAfterMs: config.staleAfterMs ?? 5 * 60_000,
      watchTimeoutSeconds: config.watchTimeoutSeconds ?? { min: 300, max: 600 },
      clock: this.clock,
      logger: this.logger,
    });
    this.events$ = defer(() =>
      concat(from(Array.from(this.store.list(), (object) => this.event('add', object))), this.subject),
    );
  }

  /** Counters of the list+watch loop. */
  /** Why the last list or watch failed, while it has not succeeded since. */
  lastError(): string | undefined {
    return this.reflector.stats.lastError?.message;
  }

  get stats(): Readonly<ReflectorStats> {
    return this.reflector.stats;
  }

  start(): void {
    if (this.stopped) throw new Error('informer was stopped; create a new one');
    if (this.running !== undefined) return;
    this.running = this.reflector.run(this.controller.signal);
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.running;
    this.stopped = true;
    this.controller.abort(new Error('informer stopped'));
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    await this.running;
    this.subject.complete();
  }

  hasSynced(): boolean {
    return this.syncGate.isOpen;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    return this.syncGate.wait(signal);
  }

  get(key: ClusterKey): KubeObject | undefined {
    return this.store.get(encodeClusterKey(key));
  }

  list(): KubeObject[] {
    return this.store.list();
  }

  byIndex(indexName: string, value: string): KubeObject[] {
    return this.store.byIndex(indexName, value);
  }

  /** Adds indexes to a running informer (built over the cache at once). */
  addIndexers(indexers: NonNullable<InformerOptions['indexers']>): void {
    this.store.addIndexers(indexers);
  }

  /** Number of cached objects. */
  get size(): number {
    return this.store.size;
  }

  /** The ClusterKey an object is cached under. */
  keyOf(object: KubeObject): ClusterKey {
    return clusterKey(
      this.clusterOf(object),
      this.gvr,
      object.metadata.namespace ?? '',
      object.metadata.name ?? '',
    );
  }

  private clusterOf(object: KubeObject): string {
    if (this.useAnnotation) {
      const annotated = object.metadata.annotations?.[CLUSTER_ANNOTATION];
      if (annotated !== undefined && annotated !== '') return annotated;
    }
    return this.fallbackCluster;
  }

  private replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const object of items) {
      stripManagedFields(object);
      const key = this.encode(object);
      if (key === undefined) continue;
      seen.add(key);
      const old = this.store.get(key);
      if (old === undefined) {
        this.store.set(key, object);
        this.emit('add', object);
      } else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) {
        this.store.set(key, object);
        this.emit('update', object, old);
      }
      // Same resourceVersion: same content, keep the copy we have.
    }
    for (const key of Array.from(this.store.keys())) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key) as KubeObject;
      this.emit('delete', old);
    }
    this.syncGate.open();
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    stripManagedFields(object);
    const key = this.encode(object);
    if (key === undefined) return;
    if (type === 'DELETED') {
      this.store.delete(key);
      this.emit('delete', object);
      return;
    }
    const old = this.store.set(key, object);
    if (old === undefined) this.emit('add', object);
    else this.emit('update', object, old);
  }

  private encode(object: KubeObject): string | undefined {
    try {
      return encodeClusterKey(this.keyOf(object));
    } catch (err) {
      this.logger.warn('skipping object without a usable key', { error: String(err) });
      return undefined;
    }
  }

  private event(
    type: InformerEvent['type'],
    object: KubeObject,
    oldObject?: KubeObject,
    resync?: boolean,
  ): InformerEvent {
    const event: InformerEvent = { type, key: this.keyOf(object), object };
    if (oldObject !== undefined) event.oldObject = oldObject;
    if (resync === true) event.resync = true;
    return event;
  }

  private emit(
    type: InformerEvent['type'],
    object: KubeObject,
    oldObject?: KubeObject,
    resync?: boolean,
  ): void {
    // No subscriber, no event objects: a cache-only informer allocates nothing per change.
    if (!this.subject.observed) return;
    this.subject.next(this.event(type, object, oldObject, resync));
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs ?? 0;
    if (period <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.syncGate.isOpen) {
        for (const object of this.store.list()) {
          this.emit('update', object, object, true);
        }
      }
      this.scheduleResync();
    }, period);
  }
}

function nsScope(options: InformerOptions): { namespace?: string } {
  return options.namespace === undefined || options.namespace === '' ? {} : { namespace: options.namespace };
}

function describe(options: InformerOptions): string {
  const g = options.gvr;
  const gv = g.group === '' ? g.version : `${g.group}/${g.version}`;
  return `${gv}/${g.resource}${options.cluster ? `@${options.cluster}` : ''}${options.namespace ? ` ns=${options.namespace}` : ''}`;
}

/**
 * Cached objects go without managedFields, as kube-controller-manager's informers keep them: nothing reads them
 * from a cache, and they are often the largest part of a small object. The object is freshly decoded, ours to
 * trim.
 */
function stripManagedFields(object: KubeObject): void {
  if (object.metadata?.managedFields !== undefined) delete object.metadata.managedFields;
}
