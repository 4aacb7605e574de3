import {
  type ClusterKey,
  clusterKey,
  encodeClusterKey,
  type GVR,
  gvrToString,
  type Informer,
  type InformerEvent,
  type InformerOptions,
  type KubeObject,
} from '@kcp-tmc/interfaces';
import { KeyedInformerFactory, SyncGate } from '@kcp-tmc/kube';
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
  private readonly syncGate = new SyncGate();
  private readonly subject = new Subject<InformerEvent>();
  private readonly objects = new Map<string, KubeObject>();
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
    this.syncGate.open();
  }

  hasSynced(): boolean {
    return this.syncGate.isOpen;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    return this.syncGate.wait(signal);
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

/** Hands out one FakeInformer per distinct options, as the shared factory does; records releases. */
export class FakeInformerFactory extends KeyedInformerFactory<FakeInformer> {
  readonly released: InformerOptions[] = [];
  /** Informers created from now on sync only when the test says so. */
  autoSync = true;

  constructor(private readonly fallbackCluster = 'default') {
    super();
  }

  protected create(options: InformerOptions): FakeInformer {
    return new FakeInformer(options, this.fallbackCluster, this.autoSync);
  }

  override async release(options: InformerOptions): Promise<void> {
    const before = this.informers.size;
    const stopped = super.release(options); // forgets the informer at once, then stops it
    if (this.informers.size < before) this.released.push(options);
    await stopped;
  }

  /** The informer of a GVR (`apps/v1/deployments`), if one was handed out. */
  of(gvr: string): FakeInformer | undefined {
    return [...this.informers.values()].find((informer) => gvrToString(informer.gvr) === gvr);
  }
}
