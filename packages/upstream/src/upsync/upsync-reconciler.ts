import {
  cloneJson,
  type GVR,
  type KubeClient,
  type KubeObject,
  type NamespaceLocator,
  namespaceLocator,
  type SyncTargetRef,
  soleNamespaceFor,
  TmcError,
  TmcErrorType,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';
import { prepareForUpstream, withUpsyncedVersion } from './prepare.js';

/** One upsynced object, by its upstream coordinates. */
export interface UpsyncKey {
  readonly gvr: GVR;
  /** The logical cluster (workspace) upstream. */
  readonly cluster: string;
  /** The upstream namespace; `''` for cluster-scoped objects (persistent volumes). */
  readonly namespace: string;
  readonly name: string;
}

/** What the upsyncer reads downstream: caches, never a request. */
export interface UpsyncDownstreamView {
  /** The downstream namespaces whose `kcp.io/namespace-locator` is `locator`. */
  namespacesFor(locator: NamespaceLocator): readonly KubeObject[];
  /** The downstream object, `namespace` `''` for cluster-scoped ones. */
  get(gvr: GVR, namespace: string, name: string): KubeObject | undefined;
}

export interface UpsyncReconcilerParts {
  /** The upsyncer virtual workspace (SyncTarget `status.virtualWorkspaces[].upsyncerURL`), cluster-aware. */
  readonly upstream: KubeClient;
  readonly downstream: UpsyncDownstreamView;
  readonly syncTarget: SyncTargetRef;
}

/** `requeue`: the object is being deleted downstream; look again (kcp's reconcile returns it). */
export interface UpsyncOutcome {
  readonly operation: 'create' | 'update' | 'delete' | 'none';
  readonly requeue: boolean;
}

const notFound = (err: unknown): boolean => err instanceof TmcError && err.type === TmcErrorType.NotFound;

/**
 * kcp v0.11's upsyncer for one key (pkg/syncer/upsync/upsync_reconcile.go): the downstream object labelled
 * `state.workload.kcp.io/<key>=Upsync` is copied up through the upsyncer virtual workspace, with kcp's metadata
 * and `workload.kcp.io/rv` recording the downstream resourceVersion copied; a changed resourceVersion is
 * copied again; gone downstream (or its namespace gone), the upstream copy is deleted, finalizers first.
 * `dirtyStatus`: the downstream status changed, so it is written through /status as well.
 */
export class UpsyncReconciler {
  constructor(private readonly parts: UpsyncReconcilerParts) {}

  async reconcile(
    key: UpsyncKey,
    upstreamObject: KubeObject | undefined,
    dirtyStatus: boolean,
  ): Promise<UpsyncOutcome> {
    let downstreamNamespace = '';
    if (key.namespace !== '') {
      const locator = namespaceLocator(key.cluster, this.parts.syncTarget, key.namespace);
      const names = this.parts.downstream.namespacesFor(locator).map((n) => n.metadata.name ?? '');
      const name = soleNamespaceFor(names, locator);
      if (name === undefined) return this.deleteUpstream(key, true);
      downstreamNamespace = name;
    }
    const downstream = this.parts.downstream.get(key.gvr, downstreamNamespace, key.name);
    if (downstream === undefined) return this.deleteUpstream(key, true);

    const downstreamRV = downstream.metadata.resourceVersion ?? '';
    const deleting = downstream.metadata.deletionTimestamp != null;
    if (upstreamObject === undefined) {
      if (deleting) return { operation: 'none', requeue: false };
      await this.create(
        key,
        prepareForUpstream(downstream, key.namespace, this.parts.syncTarget.key),
        downstreamRV,
        dirtyStatus,
      );
      return { operation: 'create', requeue: false };
    }
    const upsyncedRV = upstreamObject.metadata.annotations?.[UPSYNC_RESOURCE_VERSION_ANNOTATION] ?? '';
    if (downstreamRV !== upsyncedRV) {
      const prepared = prepareForUpstream(downstream, key.namespace, this.parts.syncTarget.key);
      await this.update(key, prepared, downstreamRV, upsyncedRV, dirtyStatus);
      return { operation: 'update', requeue: deleting };
    }
    if (deleting) return this.deleteUpstream(key, false);
    return { operation: 'none', requeue: false };
  }

  private scope(key: UpsyncKey) {
    return { cluster: key.cluster, namespace: key.namespace };
  }

  private async create(
    key: UpsyncKey,
    prepared: KubeObject,
    downstreamRV: string,
    dirtyStatus: boolean,
  ): Promise<void> {
    const { upstream } = this.parts;
    if (!dirtyStatus) {
      await upstream.create(key.gvr, withUpsyncedVersion(prepared, downstreamRV), this.scope(key));
      return;
    }
    // The status goes through /status; the version is recorded last, so a failure in between is retried.
    const created = await upstream.create(key.gvr, prepared, this.scope(key));
    const withStatus = await upstream.updateStatus(key.gvr, atVersion(prepared, created), this.scope(key));
    await upstream.update(
      key.gvr,
      atVersion(withUpsyncedVersion(prepared, downstreamRV), withStatus),
      this.scope(key),
    );
  }

  private async update(
    key: UpsyncKey,
    prepared: KubeObject,
    downstreamRV: string,
    upsyncedRV: string,
    dirtyStatus: boolean,
  ): Promise<void> {
    const { upstream } = this.parts;
    const existing = await upstream.get(key.gvr, { ...this.scope(key), name: key.name });
    if (!dirtyStatus) {
      await upstream.update(
        key.gvr,
        atVersion(withUpsyncedVersion(prepared, downstreamRV), existing),
        this.scope(key),
      );
      return;
    }
    // kcp keeps the old version recorded until the status is written, then records the new one.
    const updated = await upstream.update(
      key.gvr,
      atVersion(withUpsyncedVersion(prepared, upsyncedRV), existing),
      this.scope(key),
    );
    const withStatus = await upstream.updateStatus(
      key.gvr,
      atVersion(withUpsyncedVersion(prepared, upsyncedRV), updated),
      this.scope(key),
    );
    await upstream.update(
      key.gvr,
      atVersion(withUpsyncedVersion(prepared, downstreamRV), withStatus),
      this.scope(key),
    );
  }

  /** kcp's deleteUpstreamResource: `force` clears the finalizers first (nothing is left downstream to wait for). */
  private async deleteUpstream(key: UpsyncKey, force: boolean): Promise<UpsyncOutcome> {
    const { upstream } = this.parts;
    const ref = { ...this.scope(key), name: key.name };
    try {
      if (force) {
        const existing = await upstream.get(key.gvr, ref);
        if ((existing.metadata.finalizers?.length ?? 0) > 0) {
          const cleared = cloneJson(existing);
          delete cleared.metadata.finalizers;
          await upstream.update(key.gvr, cleared, this.scope(key));
        }
      }
      await upstream.delete(key.gvr, ref);
      return { operation: 'delete', requeue: false };
    } catch (err) {
      if (notFound(err)) return { operation: 'none', requeue: false };
      throw err;
    }
  }
}

function atVersion(object: KubeObject, current: KubeObject): KubeObject {
  const copy = cloneJson(object);
  const version = current.metadata.resourceVersion;
  if (version !== undefined) copy.metadata.resourceVersion = version;
  return copy;
}
