import {
  CLUSTER_ANNOTATION,
  clusterKey,
  DOWNSTREAM_CLUSTER_LABEL,
  type GVR,
  type Informer,
  type InformerEvent,
  type InformerFactory,
  isSyncTargetLocator,
  type KubeClient,
  type KubeObject,
  type Logger,
  locatorOf,
  NAMESPACE_LOCATOR_INDEX,
  NAMESPACES_GVR,
  type NamespaceLocator,
  NOOP_LOGGER,
  namespaceLocatorIndexFunc,
  namespaceLocatorToJson,
  type SyncTargetRef,
  stateLabel,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { NAMESPACE_INDEX } from '@kcp-tmc/kube';
import { isUpsynced, statusChanged, UPSYNCED_RESOURCES, upsyncKeyFor } from './upsync-keys.js';
import { UpsyncQueue } from './upsync-queue.js';
import { type UpsyncDownstreamView, type UpsyncKey, UpsyncReconciler } from './upsync-reconciler.js';

export interface UpsyncControllerParts {
  /** The upsyncer virtual workspace (`status.virtualWorkspaces[].upsyncerURL`), cluster-aware. */
  readonly upstream: KubeClient;
  /** Informers over the upsyncer virtual workspace (watched across its clusters, `*`). */
  readonly upstreamInformers: InformerFactory;
  readonly downstreamInformers: InformerFactory;
  readonly syncTarget: SyncTargetRef;
  /** Default: pods and persistent volumes, what kcp's upsyncer VW serves. */
  readonly resources?: readonly GVR[];
  readonly workers?: number;
  readonly logger?: Logger;
}

/**
 * kcp v0.11's upsyncer controller (pkg/syncer/upsync/upsync_controller.go) around {@link UpsyncReconciler}:
 * downstream objects labelled Upsync for this SyncTarget are enqueued by their upstream key; upstream copies
 * (they carry `workload.kcp.io/rv`) are enqueued when listed, so a restarted agent deletes those whose downstream
 * object went away meanwhile; a deleted downstream namespace enqueues the upstream copies of its namespace.
 */
export class UpsyncController {
  private readonly queue = new UpsyncQueue();
  private readonly reconciler: UpsyncReconciler;
  private readonly logger: Logger;
  private readonly resources: readonly GVR[];
  private readonly upstreamInformers = new Map<string, Informer>();
  private readonly downstreamInformers = new Map<string, Informer>();
  private namespaces: Informer | undefined;
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  private workers: Promise<void>[] = [];

  constructor(private readonly parts: UpsyncControllerParts) {
    this.resources = parts.resources ?? UPSYNCED_RESOURCES;
    this.logger = (parts.logger ?? NOOP_LOGGER).child({ controller: 'kcp-resource-upsyncer' });
    const view: UpsyncDownstreamView = {
      namespacesFor: (locator: NamespaceLocator) =>
        this.namespaces?.byIndex(NAMESPACE_LOCATOR_INDEX, namespaceLocatorToJson(locator)) ?? [],
      get: (gvr, namespace, name) =>
        this.downstreamInformers
          .get(gvr.resource)
          ?.byIndex(NAMESPACE_INDEX, namespace)
          .find((o) => o.metadata.name === name),
    };
    this.reconciler = new UpsyncReconciler({
      upstream: parts.upstream,
      downstream: view,
      syncTarget: parts.syncTarget,
    });
  }

  async start(signal?: AbortSignal): Promise<void> {
    const { syncTarget } = this.parts;
    // kcp's downstream informers see only what carries its ownership label (pkg/syncer/syncer.go, ddsifForDownstream).
    const owned = `${DOWNSTREAM_CLUSTER_LABEL}=${syncTarget.key}`;
    const namespaces = this.parts.downstreamInformers.informerFor({
      gvr: NAMESPACES_GVR,
      labelSelector: owned,
      indexers: { [NAMESPACE_LOCATOR_INDEX]: namespaceLocatorIndexFunc },
    });
    this.namespaces = namespaces;
    this.subscribe(namespaces, (event) => {
      if (event.type === 'delete') this.enqueueNamespaceContents(event.object);
    });
    for (const gvr of this.resources) {
      const down = this.parts.downstreamInformers.informerFor({
        gvr,
        labelSelector: `${owned},${stateLabel(syncTarget.key)}=Upsync`,
      });
      this.downstreamInformers.set(gvr.resource, down);
      this.subscribe(down, (event) => {
        if (!isUpsynced(event.object, syncTarget)) return;
        const key = this.keyFor(gvr, event.object);
        if (key !== undefined) this.queue.add(key, statusChanged(event.type, event.object, event.oldObject));
      });
      const up = this.parts.upstreamInformers.informerFor({ gvr, cluster: '*' });
      this.upstreamInformers.set(gvr.resource, up);
      this.subscribe(up, (event) => {
        if (
          event.type !== 'add' ||
          event.object.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION] === undefined
        )
          return;
        this.queue.add({
          gvr,
          cluster: event.key.cluster,
          namespace: event.key.namespace,
          name: event.key.name,
        });
      });
    }
    // Namespaces first: a namespaced object's add event reads its namespace's locator at once, and one whose
    // namespace is not listed yet is never enqueued again. kcp's handlers read the syncer's namespace informer,
    // synced long before its upsyncer starts.
    namespaces.start();
    await namespaces.waitForSync(signal);
    const rest = [...this.downstreamInformers.values(), ...this.upstreamInformers.values()];
    for (const informer of rest) informer.start();
    await Promise.all(rest.map((informer) => informer.waitForSync(signal)));
    this.workers = Array.from({ length: this.parts.workers ?? 2 }, () => this.work());
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private subscribe(informer: Informer, next: (event: InformerEvent) => void): void {
    this.subscriptions.push(informer.events$.subscribe({ next }));
  }

  private keyFor(gvr: GVR, object: KubeObject): UpsyncKey | undefined {
    try {
      return upsyncKeyFor(gvr, object, (name) => this.namespaceNamed(name), this.parts.syncTarget);
    } catch (err) {
      this.logger.warn('invalid namespace locator', { name: object.metadata.name, error: String(err) });
      return undefined;
    }
  }

  private namespaceNamed(name: string): KubeObject | undefined {
    return this.namespaces?.list().find((n) => n.metadata.name === name);
  }

  /** kcp's enqueueDeletedDownstreamNamespace: every upstream copy in the namespace it stood for. */
  private enqueueNamespaceContents(namespace: KubeObject): void {
    const locator = locatorOf(namespace);
    if (locator === undefined || !isSyncTargetLocator(locator, this.parts.syncTarget)) return;
    for (const gvr of this.resources) {
      for (const object of this.upstreamInformers
        .get(gvr.resource)
        ?.byIndex(NAMESPACE_INDEX, locator.namespace) ?? []) {
        const cluster = object.metadata.annotations?.[CLUSTER_ANNOTATION];
        if (cluster === locator.cluster)
          this.queue.add({ gvr, cluster, namespace: locator.namespace, name: object.metadata.name ?? '' });
      }
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const item = await this.queue.get();
      if (item === undefined) return;
      const { key, dirtyStatus } = item;
      try {
        const upstream = this.upstreamInformers
          .get(key.gvr.resource)
          ?.get(clusterKey(key.cluster, key.gvr, key.namespace, key.name));
        const outcome = await this.reconciler.reconcile(key, upstream, dirtyStatus);
        this.queue.forget(key);
        if (outcome.operation !== 'none')
          this.logger.info('upsynced', { ...key, gvr: key.gvr.resource, operation: outcome.operation });
        if (outcome.requeue) this.queue.retry(key, false);
      } catch (err) {
        this.logger.warn('upsync failed (retrying)', { ...key, gvr: key.gvr.resource, error: String(err) });
        this.queue.retry(key, dirtyStatus);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
