import {
  type ClusterKey,
  type DownstreamSyncer,
  hasSyncTargetUid,
  locatorOf,
  type NamespaceLocatorLookup,
  namespaceLocator,
  type SyncResult,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import type { ResourceController } from './controller/resource-controller.js';

function noop(key: ClusterKey, reason: string): SyncResult {
  return { key, operation: 'noop', success: true, conflicts: [], reason };
}

/**
 * Namespaces as kcp v0.11's syncer treats them: never synced as objects (its spec and status syncers skip the
 * namespaces resource, so no finalizer, no status and no annotation of ours lands on an upstream Namespace;
 * the downstream namespace is created with the first object synced into it). Its downstream namespace
 * controller (pkg/syncer/namespace) instead watches both sides: a downstream namespace of this SyncTarget whose
 * upstream namespace is gone from the syncer's view (deleted, or no longer scheduled here) is planned for
 * deletion after the clean delay, once empty; one whose upstream namespace is there is kept.
 */
export class NamespacePath {
  constructor(
    private readonly syncTarget: SyncTargetRef,
    private readonly downstreamSyncer: DownstreamSyncer,
    private readonly locators: NamespaceLocatorLookup | undefined,
  ) {}

  /** An upstream namespace changed or went away (`key` names it upstream). */
  async upstreamChanged(key: ClusterKey, controller: ResourceController): Promise<SyncResult> {
    const locator = namespaceLocator(key.cluster, this.syncTarget, key.name);
    const downstream = await this.locators?.namespaceFor(locator);
    if (downstream === undefined) return noop(key, 'no downstream namespace for this upstream namespace');
    return this.decide(key, downstream, controller.upstream?.get(key) !== undefined);
  }

  /** A downstream namespace changed (`key` names it downstream): the resync and restart case. */
  downstreamChanged(key: ClusterKey, controller: ResourceController): SyncResult {
    const namespace = controller.downstream.get(key);
    if (namespace === undefined) return noop(key, 'downstream namespace is gone');
    const locator = locatorOf(namespace);
    if (locator === undefined) return noop(key, 'downstream namespace has no namespace locator');
    if (!hasSyncTargetUid(locator, this.syncTarget.uid)) return noop(key, 'namespace of another SyncTarget');
    if (namespace.metadata.deletionTimestamp !== undefined)
      return noop(key, 'downstream namespace is terminating');
    const upstreamKey: ClusterKey = {
      cluster: locator.cluster,
      gvr: key.gvr,
      namespace: '',
      name: locator.namespace,
    };
    return this.decide(key, key.name, controller.upstream?.get(upstreamKey) !== undefined);
  }

  private decide(key: ClusterKey, downstream: string, upstreamExists: boolean): SyncResult {
    if (upstreamExists) {
      this.downstreamSyncer.cancelNamespaceCleaning(downstream);
      return noop(key, 'namespaces are not synced as objects; the upstream namespace is there');
    }
    this.downstreamSyncer.planNamespaceCleaning(downstream);
    return noop(key, `upstream namespace gone: ${downstream} planned for cleaning`);
  }
}
