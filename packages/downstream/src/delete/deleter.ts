import {
  type ClusterKey,
  type DeleteRequest,
  DOWNSTREAM_CLUSTER_LABEL,
  type DownstreamConfig,
  downstreamNamespaceName,
  downstreamObjectName,
  isNamespacesGvr,
  isNeverSyncedNamespace,
  isTmcError,
  type KubeClient,
  type KubeObject,
  type KubeStatus,
  type Logger,
  type NamespaceLocatorLookup,
  namespaceLocator,
  type ObjectRef,
  type ResourceStateStore,
  type SyncResult,
  type SyncTargetRef,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { ORPHAN_ANNOTATION } from '../constants.js';
import { type LiveReader, readLive } from '../live/live-reader.js';
import type { NamespaceCleaner } from '../namespace/cleaner.js';
import type { UpstreamWriter } from '../upstream.js';

export interface DeleterParts {
  readonly client: KubeClient;
  readonly config: DownstreamConfig;
  readonly syncTarget: SyncTargetRef;
  readonly states: ResourceStateStore;
  readonly upstream: UpstreamWriter;
  readonly live: LiveReader;
  /** The engine's lookup of existing downstream namespaces; undefined: names are computed from the locator. */
  readonly locators: NamespaceLocatorLookup | undefined;
  readonly cleaner: NamespaceCleaner;
  readonly logger: Logger;
  /** How long to wait before looking again at an object still being deleted downstream (ms). */
  readonly recheckMs?: number;
}

/**
 * The delete path: downstream delete with the configured propagation, wait until it is gone, then remove our
 * upstream finalizer. An orphan annotation upstream leaves the object and takes our ownership label off it.
 */
export class Deleter {
  constructor(private readonly parts: DeleterParts) {}

  async delete(request: DeleteRequest): Promise<SyncResult> {
    const { parts } = this;
    const { key } = request.item;
    const where = await this.downstreamRef(key, request.upstream);
    if (where === undefined) return this.finish(request, 'noop', 'never synced: nothing downstream');
    const { namespace, name } = where;
    const live = await this.readLive(request, namespace, name);
    if (live === undefined) return this.finish(request, 'delete', 'gone downstream', namespace);

    if (
      !isNamespacesGvr(key.gvr) &&
      live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] !== parts.syncTarget.key
    ) {
      // Not ours: never delete it; our finalizer must not block the upstream deletion either.
      return this.finish(request, 'noop', 'downstream object is not ours: left alone');
    }
    const ref = { name, ...(namespace === '' ? {} : { namespace }) };
    const orphan = request.upstream?.metadata.annotations?.[ORPHAN_ANNOTATION] === 'true';
    if (orphan) {
      await parts.client.patch(key.gvr, ref, 'merge', {
        metadata: { labels: { [DOWNSTREAM_CLUSTER_LABEL]: null } },
      });
      return this.finish(request, 'noop', 'orphaned: left downstream without our ownership label');
    }
    if (live.metadata.deletionTimestamp === undefined) {
      const gone = await this.deleteLive(request, ref, live);
      if (gone) return this.finish(request, 'delete', 'deleted downstream', namespace);
    }
    // Held by finalizers or a grace period: its deletion event requeues this key; the recheck is the backstop.
    return {
      key,
      operation: 'delete',
      success: true,
      conflicts: [],
      retryAfterMs: parts.recheckMs ?? 1000,
      reason: 'waiting for the downstream object to go',
    };
  }

  /**
   * The live object from the cache of our objects (see readLive). Namespaces are always read from the server:
   * a downstream namespace is ours by its locator, whatever its labels say.
   */
  private readLive(request: DeleteRequest, namespace: string, name: string): Promise<KubeObject | undefined> {
    const { key } = request.item;
    if (isNamespacesGvr(key.gvr)) return this.parts.live.get(key.gvr, namespace, name);
    return readLive(this.parts.live, key.gvr, namespace, name, this.parts.states.get(key) !== undefined);
  }

  /**
   * Deletes our live object (its uid as precondition); true when the answer says it is gone: a Success
   * Status, or the deleted object without a deletionTimestamp (what kube answers for an immediate deletion).
   * A deletionTimestamp in the answer means finalizers or a grace period still hold it.
   */
  private async deleteLive(request: DeleteRequest, ref: ObjectRef, live: KubeObject): Promise<boolean> {
    const { parts } = this;
    try {
      const answer = await parts.client.delete(request.item.key.gvr, ref, {
        propagationPolicy: parts.config.deletionPropagation,
        preconditions: { uid: live.metadata.uid as string },
      });
      if (answer.kind === 'Status') return (answer as KubeStatus).status !== 'Failure';
      return (answer as KubeObject).metadata?.deletionTimestamp === undefined;
    } catch (err) {
      if (isTmcError(err) && err.type === TmcErrorType.NotFound) return true;
      throw err;
    }
  }

  private async finish(
    request: DeleteRequest,
    operation: 'delete' | 'noop',
    reason: string,
    namespace?: string,
  ): Promise<SyncResult> {
    const { key } = request.item;
    this.parts.states.delete(key);
    if (request.upstream !== undefined) await this.parts.upstream.removeFinalizer(key, request.upstream);
    if (namespace !== undefined && namespace !== '' && !isNamespacesGvr(key.gvr))
      this.parts.cleaner.schedule(namespace);
    return { key, operation, success: true, conflicts: [], reason };
  }

  /**
   * Where the upstream key lives downstream: the state store, else the namespace its locator maps to and kcp's
   * name for it (renamed `kcp-root-ca.crt` and `kcp-default-token-*` copies; the token rename needs the upstream
   * object's service-account annotation, so a token Secret already gone upstream is looked for by its own name,
   * as kcp's syncer does).
   */
  private async downstreamRef(
    key: ClusterKey,
    upstream: KubeObject | undefined,
  ): Promise<{ namespace: string; name: string } | undefined> {
    const state = this.parts.states.get(key);
    if (state !== undefined) return { namespace: state.downstreamNamespace, name: state.downstreamName };
    if (isNamespacesGvr(key.gvr)) {
      if (isNeverSyncedNamespace(key.name)) return undefined;
      return { namespace: '', name: await this.namespaceName(key.cluster, key.name) };
    }
    const name = downstreamObjectName(key.gvr, key.name, upstream?.metadata.annotations);
    if (key.namespace === '') return { namespace: '', name };
    if (isNeverSyncedNamespace(key.namespace)) return undefined;
    return { namespace: await this.namespaceName(key.cluster, key.namespace), name };
  }

  private async namespaceName(cluster: string, upstreamNamespace: string): Promise<string> {
    const locator = namespaceLocator(cluster, this.parts.syncTarget, upstreamNamespace);
    try {
      const known = await this.parts.locators?.namespaceFor(locator);
      if (known !== undefined) return known;
    } catch (err) {
      this.parts.logger.debug('namespace lookup failed; using the computed name', { error: String(err) });
    }
    return downstreamNamespaceName(locator, this.parts.config.namespaceNaming);
  }
}
