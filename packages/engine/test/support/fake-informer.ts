import {
  type ClusterKey,
  clusterKey,
  encodeClusterKey,
  type GVR,
  gvrToString,
  type Informer,
  type InformerEvent,
  type InformerFactory,
  type InformerOptions,
  type KubeObject,
} from '@kcp-tmc/interfaces';
import { concat, defer, from, type Observable, Subject } from 'rxjs';

/**
 * An in-memory Informer with the contract's behaviour (synchronous events, a late subscriber first gets an
 * `add` per cached object), driven by the test: `upsert`, `remove`, `markSynced`.
 */
export class FakeInformer implements Informer {
  readonly gvr: GVR;
  readonly events$: Observable<InformerEvent>;
  started = false;
  stopped = false;
  /** What lastError() answers: a list that keeps failing. */
  failing: string | undefined;
  private synced = false;
  private readonly subject = new Subject<InformerEvent>();
  private readonly objects = new Map<string, KubeObject>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly indexers: NonNullable<InformerOptions['indexers']> = {};

  constructor(
    readonly options: InformerOptions,
    private readonly fallbackCluster = 'default',
    private readonly autoSync = true,
  ) {
    this.gvr = options.gvr;
    Object.assign(this.indexers, options.indexers);
    this.events$ = defer(() =>
      concat(
        from(
          Array.from(this.objects.values(), (object) => ({
            type: 'add' as const,
            key: this.keyOf(object),
            object,
          })),
        ),
        this.subject,
      ),
    );
  }

  lastError(): string | undefined {
    return this.failing;
  }

  start(): void {
    if (this.stopped) throw new Error('informer was stopped');
    this.started = true;
    if (this.autoSync) this.markSynced();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subject.complete();
  }

  markSynced(): void {
    this.synced = true;
    for (const wake of this.syncWaiters) wake();
    this.syncWaiters.clear();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const done = (): void => resolve();
      this.syncWaiters.add(done);
      signal?.addEventListener(
        'abort',
        () => {
          this.syncWaiters.delete(done);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  keyOf(object: KubeObject): ClusterKey {
    const cluster = object.metadata.annotations?.['kcp.io/cluster'] ?? this.fallbackCluster;
    return clusterKey(cluster, this.gvr, object.metadata.namespace ?? '', object.metadata.name ?? '');
  }

  upsert(object: KubeObject): void {
    const key = this.keyOf(object);
    const encoded = encodeClusterKey(key);
    const old = this.objects.get(encoded);
    this.objects.set(encoded, object);
    if (old === undefined) this.subject.next({ type: 'add', key, object });
    else this.subject.next({ type: 'update', key, object, oldObject: old });
  }

  remove(object: KubeObject): void {
    const key = this.keyOf(object);
    const encoded = encodeClusterKey(key);
    const old = this.objects.get(encoded);
    if (old === undefined) return;
    this.objects.delete(encoded);
    this.subject.next({ type: 'delete', key, object: old });
  }

  /** Emits an update for every cached object, as a periodic resync does. */
  resync(): void {
    for (const object of this.objects.values()) {
      this.subject.next({ type: 'update', key: this.keyOf(object), object, oldObject: object, resync: true });
    }
  }

  get(key: ClusterKey): KubeObject | undefined {
    return this.objects.get(encodeClusterKey(key));
  }

  list(): KubeObject[] {
    return [...this.objects.values()];
  }

  byIndex(indexName: string, value: string): KubeObject[] {
    const index = this.indexers[indexName];
    if (index === undefined) throw new Error(`no index "${indexName}"`);
    return this.list().filter((object) => index(object).includes(value));
  }

  addIndexers(indexers: NonNullable<InformerOptions['indexers']>): void {
    Object.assign(this.indexers, indexers);
  }
}

function informerKey(options: InformerOptions): string {
  return JSON.stringify([
    gvrToString(options.gvr),
    options.cluster ?? '',
    options.namespace ?? '',
    options.labelSelector ?? '',
    options.fieldSelector ?? '',
    options.resyncPeriodMs ?? 0,
  ]);
}

/** Hands out one FakeInformer per distinct options, like the shared factory; records releases. */
export class FakeInformerFactory implements InformerFactory {
  readonly informers = new Map<string, FakeInformer>();
  readonly released: InformerOptions[] = [];
  /** Informers created from now on sync only when the test says so. */
  autoSync = true;

  constructor(private readonly fallbackCluster = 'default') {}

  informerFor(options: InformerOptions): FakeInformer {
    const key = informerKey(options);
    let informer = this.informers.get(key);
    if (informer === undefined) {
      informer = new FakeInformer(options, this.fallbackCluster, this.autoSync);
      this.informers.set(key, informer);
    } else if (options.indexers !== undefined) {
      informer.addIndexers(options.indexers);
    }
    return informer;
  }

  async release(options: InformerOptions): Promise<void> {
    const key = informerKey(options);
    const informer = this.informers.get(key);
    if (informer === undefined) return;
    this.informers.delete(key);
    this.released.push(options);
    await informer.stop();
  }

  async stop(): Promise<void> {
    for (const informer of this.informers.values()) await informer.stop();
    this.informers.clear();
  }

  /** The informer of a GVR (`apps/v1/deployments`), if one was handed out. */
  of(gvr: string): FakeInformer | undefined {
    return [...this.informers.values()].find((informer) => gvrToString(informer.gvr) === gvr);
  }
}
