import {
  type ClusterKey,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ObjectRef,
  type SyncConflict,
  syncerFinalizer,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

/** The upstream side the downstream syncer touches: our finalizer and conflict Events. */
export class UpstreamWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly syncTargetKey: string,
    /** Address objects under `/clusters/<logical cluster>` (kcp modes); false in plain mode. */
    private readonly byCluster: boolean,
    private readonly logger: Logger,
  ) {}

  private ref(key: ClusterKey): ObjectRef {
    return {
      name: key.name,
      ...(key.namespace === '' ? {} : { namespace: key.namespace }),
      ...(this.byCluster ? { cluster: key.cluster } : {}),
    };
  }

  get finalizer(): string {
    return syncerFinalizer(this.syncTargetKey);
  }

  /** Adds our finalizer before anything is created downstream. Returns false when it was already there. */
  async ensureFinalizer(key: ClusterKey, upstream: KubeObject): Promise<boolean> {
    const finalizers = upstream.metadata.finalizers ?? [];
    if (finalizers.includes(this.finalizer)) return false;
    // The resourceVersion makes it optimistic: a concurrent change fails with 409 and the key is retried.
    await this.client.patch(key.gvr, this.ref(key), 'merge', {
      metadata: {
        finalizers: [...finalizers, this.finalizer],
        resourceVersion: upstream.metadata.resourceVersion,
      },
    });
    return true;
  }

  /** Removes our finalizer (after the downstream object is confirmed gone). Reads the latest object first. */
  async removeFinalizer(key: ClusterKey): Promise<boolean> {
    let latest: KubeObject;
    try {
      latest = await this.client.get(key.gvr, this.ref(key));
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return false;
      throw err;
    }
    const finalizers = latest.metadata.finalizers ?? [];
    if (!finalizers.includes(this.finalizer)) return false;
    try {
      await this.client.patch(key.gvr, this.ref(key), 'merge', {
        metadata: {
          finalizers: finalizers.filter((f) => f !== this.finalizer),
          resourceVersion: latest.metadata.resourceVersion,
        },
      });
    } catch (err) {
      // Gone meanwhile: nothing left to release.
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return false;
      throw err;
    }
    return true;
  }

  /** A Warning Event on the upstream object, so its owner sees the conflict. Best effort. */
  async reportConflict(
    key: ClusterKey,
    upstream: KubeObject | undefined,
    conflicts: readonly SyncConflict[],
  ): Promise<void> {
    if (conflicts.length === 0) return;
    const namespace = key.namespace === '' ? 'default' : key.namespace;
    const now = new Date().toISOString();
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${key.name}.`, namespace },
      involvedObject: {
        apiVersion: upstream?.apiVersion,
        kind: upstream?.kind,
        name: key.name,
        ...(key.namespace === '' ? {} : { namespace: key.namespace }),
        ...(upstream?.metadata.uid === undefined ? {} : { uid: upstream.metadata.uid }),
      },
      reason: 'ResourceConflict',
      message: conflicts.map((c) => c.message).join('; '),
      type: 'Warning',
      source: { component: `kcp-tmc-syncer-${this.syncTargetKey}` },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.client.create({ group: '', version: 'v1', resource: 'events' }, event, {
        namespace,
        ...(this.byCluster ? { cluster: key.cluster } : {}),
      });
    } catch (err) {
      this.logger.warn('could not post a conflict Event upstream', { key: key.name, error: String(err) });
    }
  }
}
