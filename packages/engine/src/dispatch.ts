import {
  type ClusterKey,
  cloneJson,
  clusterKey,
  deletionAnnotation,
  finalizersAnnotation,
  isNamespacesGvr,
  isTransformSkip,
  type KubeObject,
  type SyncAction,
  type SyncContext,
  type SyncDirection,
  type SyncItem,
  type SyncResult,
  type SyncTargetRef,
  upstreamObjectName,
} from '@kcp-tmc/interfaces';
import type { ResourceController } from './controller/resource-controller.js';
import type { EngineSyncers } from './engine-parts.js';
import { NamespacePath } from './namespace-path.js';
import type { RemovalGrace } from './removal-grace.js';

/** The syncers and extension points a worker hands work to. */
export interface DispatchTargets {
  readonly syncTarget: SyncTargetRef;
  readonly syncers: EngineSyncers;
  /** Whether a downstream namespace belongs to this SyncTarget (Events elsewhere are not ours). */
  readonly ownsNamespace: (namespace: string) => boolean;
  /** Sends an upstream key down again (a downstream object was deleted under us). */
  readonly requeueDown: (key: ClusterKey) => void;
  /** The wait before removing a copy whose upstream object left this SyncTarget. */
  readonly removalGrace: RemovalGrace;
}

export interface WorkRequest {
  readonly direction: SyncDirection;
  readonly key: ClusterKey;
  readonly controller: ResourceController;
  readonly retries: number;
  readonly queuedAt: number;
}

export function noop(key: ClusterKey, reason: string): SyncResult {
  return { key, operation: 'noop', success: true, conflicts: [], reason };
}

/**
 * Whether the upstream object is being deleted for this SyncTarget: a real deletionTimestamp (what the
 * virtual workspace projects), or kcp's per-target deletion annotation once no soft finalizer holds it.
 */
export function isBeingDeleted(object: KubeObject, syncTargetKey: string): boolean {
  if (object.metadata.deletionTimestamp !== undefined) return true;
  const annotations = object.metadata.annotations;
  if (annotations?.[deletionAnnotation(syncTargetKey)] === undefined) return false;
  return (annotations[finalizersAnnotation(syncTargetKey)] ?? '').trim() === '';
}

/**
 * Turns a queue key into a SyncItem read from the cache (never from the event) and hands it to the syncer
 * bound for its action: spec and delete down, status and events up.
 */
export class Dispatcher {
  private readonly namespaces: NamespacePath;

  constructor(private readonly targets: DispatchTargets) {
    this.namespaces = new NamespacePath(
      targets.syncTarget,
      targets.syncers.downstream,
      targets.syncers.locators,
    );
  }

  sync(request: WorkRequest): Promise<SyncResult> {
    return request.direction === 'down' ? this.syncDown(request) : this.syncUp(request);
  }

  /**
   * The logical cluster of an up key's object upstream: the locator of its downstream namespace (of itself, for a
   * Namespace), else where it was synced from; '' when neither is known.
   */
  async upstreamClusterOf(key: ClusterKey, controller: ResourceController): Promise<string> {
    const namespace = isNamespacesGvr(key.gvr) ? key.name : key.namespace;
    const locator = namespace === '' ? undefined : await this.targets.syncers.locators?.locatorOf(namespace);
    return locator?.cluster ?? controller.originOf(key.namespace, key.name)?.cluster ?? '';
  }

  private item(request: WorkRequest, action: SyncAction, object: KubeObject | undefined): SyncItem {
    const item: SyncItem = {
      key: request.key,
      direction: request.direction,
      action,
      retries: request.retries,
      queuedAt: request.queuedAt,
    };
    return object === undefined ? item : { ...item, object };
  }

  private async syncDown(request: WorkRequest): Promise<SyncResult> {
    const { key, controller } = request;
    const { syncers, syncTarget } = this.targets;
    if (isNamespacesGvr(key.gvr)) return this.namespaces.upstreamChanged(key, controller);
    const context: SyncContext = { direction: 'down', syncTarget, cluster: key.cluster, gvr: key.gvr, key };
    const upstream = controller.upstream?.get(key);
    if (upstream === undefined || isBeingDeleted(upstream, syncTarget.key)) {
      // Gone upstream, or no longer scheduled here: remove the downstream copy once the grace is over.
      const waitMs = this.targets.removalGrace.remaining(key);
      if (waitMs > 0)
        return { ...noop(key, 'left this SyncTarget: within the removal grace'), retryAfterMs: waitMs };
      const item = this.item(request, 'delete', upstream);
      return syncers.downstream.delete(
        upstream === undefined ? { item, context } : { item, context, upstream },
      );
    }
    this.targets.removalGrace.stays(key);
    for (const filter of this.targets.syncers.filters.filters()) {
      if (await filter.shouldSync(upstream, context)) continue;
      const remove = filter.shouldDelete === undefined ? true : await filter.shouldDelete(upstream, context);
      if (!remove) return noop(key, `filtered by ${filter.name}`);
      const result = await syncers.downstream.delete({
        item: this.item(request, 'delete', upstream),
        context,
        upstream,
      });
      return result.reason === undefined ? { ...result, reason: `filtered by ${filter.name}` } : result;
    }
    const outcome =
      this.targets.syncers.pipeline === undefined
        ? { object: cloneJson(upstream), applied: [] }
        : await this.targets.syncers.pipeline.run(upstream, context);
    if (isTransformSkip(outcome)) return noop(key, `skipped by ${outcome.by}: ${outcome.reason}`);
    const result = await syncers.downstream.apply({
      item: this.item(request, 'spec', upstream),
      context,
      upstream,
      desired: outcome.object,
    });
    const written = result.object ?? outcome.object;
    if (result.success && written.metadata.name !== undefined) {
      controller.rememberOrigin(
        written.metadata.namespace ?? '',
        written.metadata.name,
        key,
        result.object?.metadata.resourceVersion,
      );
    }
    return result;
  }

  private async syncUp(request: WorkRequest): Promise<SyncResult> {
    const { key, controller } = request;
    if (isNamespacesGvr(key.gvr)) return this.namespaces.downstreamChanged(key, controller);
    const downstream = controller.downstream.get(key);
    if (controller.upstream === undefined) return this.syncEvent(request, downstream);

    const origin = controller.originOf(key.namespace, key.name);
    if (downstream === undefined && origin !== undefined) {
      // Deleted downstream: if upstream still wants it, the spec path puts it back.
      controller.forgetOrigin(key.namespace, key.name);
      this.targets.requeueDown(origin);
    }
    const locator =
      key.namespace === '' ? undefined : await this.targets.syncers.locators?.locatorOf(key.namespace);
    if (
      downstream !== undefined &&
      origin === undefined &&
      locator !== undefined &&
      controller.upstream.hasSynced()
    ) {
      // A copy this process never wrote (it was written before a restart): if its upstream object is gone,
      // the spec path removes it, as it would have on the deletion this process did not see. Only against a
      // synced upstream cache: before that, absent means not listed yet.
      const upstreamKey = clusterKey(
        locator.cluster,
        key.gvr,
        locator.namespace,
        upstreamObjectName(key.gvr, key.name),
      );
      if (controller.upstream.get(upstreamKey) === undefined) this.targets.requeueDown(upstreamKey);
    }
    const statusSyncer = this.targets.syncers.status;
    if (statusSyncer === undefined) return noop(key, 'no status syncer registered');
    const context: SyncContext = {
      direction: 'up',
      syncTarget: this.targets.syncTarget,
      cluster: locator?.cluster ?? origin?.cluster ?? '',
      gvr: key.gvr,
      key,
    };
    const upstream = origin === undefined ? undefined : controller.upstream.get(origin);
    return statusSyncer.syncStatus({
      item: this.item(request, 'status', downstream),
      context,
      ...(downstream === undefined ? {} : { downstream }),
      ...(upstream === undefined ? {} : { upstream }),
    });
  }

  private async syncEvent(request: WorkRequest, event: KubeObject | undefined): Promise<SyncResult> {
    const { key } = request;
    if (event === undefined) return noop(key, 'event no longer exists');
    const eventSyncer = this.targets.syncers.events;
    if (eventSyncer === undefined) return noop(key, 'no event syncer registered');
    if (!this.targets.ownsNamespace(event.metadata.namespace ?? '')) {
      return noop(key, 'event outside the namespaces of this SyncTarget');
    }
    return eventSyncer.syncEvent({ item: this.item(request, 'event', event), event });
  }
}
