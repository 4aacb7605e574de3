import {
  type ClusterKey,
  deletionAnnotation,
  finalizersAnnotation,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ObjectRef,
  type ObjectScope,
  type SyncConflict,
  stateLabel,
  statusAnnotation,
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

  private scope(key: ClusterKey): ObjectScope {
    return {
      namespace: key.namespace,
      ...(this.byCluster ? { cluster: key.cluster } : {}),
    };
  }

  /**
   * Adds our finalizer before anything is created downstream, as kcp's spec syncer does
   * (pkg/syncer/spec/spec_process.go `ensureSyncerFinalizer`): an update of the object as read (its
   * resourceVersion makes a concurrent change a 409, and the key is retried), not when the object is already
   * being removed from this SyncTarget with no soft finalizer holding it. Returns false when nothing was written.
   */
  async ensureFinalizer(key: ClusterKey, upstream: KubeObject): Promise<boolean> {
    const finalizers = upstream.metadata.finalizers ?? [];
    if (finalizers.includes(this.finalizer)) return false;
    const annotations = upstream.metadata.annotations ?? {};
    const removing = (annotations[deletionAnnotation(this.syncTargetKey)] ?? '') !== '';
    const held = (annotations[finalizersAnnotation(this.syncTargetKey)] ?? '') !== '';
    if (removing && !held) return false;
    await this.client.update(
      key.gvr,
      { ...upstream, metadata: { ...upstream.metadata, finalizers: [...finalizers, this.finalizer] } },
      this.scope(key),
    );
    return true;
  }

  /**
   * Releases the upstream object once its downstream copy is gone, as kcp's `EnsureUpstreamFinalizerRemoved`
   * (pkg/syncer/shared/finalizer.go): when the latest object is being removed from this SyncTarget (kcp's
   * deletion annotation; a deletionTimestamp in plain mode, where no kcp sets one), ONE update drops our
   * finalizer, the state label, and the deletion and status annotations. Through the virtual workspace that
   * update is what makes kcp let go of the object for this SyncTarget. Returns whether it wrote.
   */
  async removeFinalizer(key: ClusterKey): Promise<boolean> {
    let latest: KubeObject;
    try {
      latest = await this.client.get(key.gvr, this.ref(key));
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return false;
      throw err;
    }
    const removing =
      (latest.metadata.annotations?.[deletionAnnotation(this.syncTargetKey)] ?? '') !== '' ||
      latest.metadata.deletionTimestamp !== undefined;
    if (!removing) return false;
    const annotations = { ...(latest.metadata.annotations ?? {}) };
    delete annotations[statusAnnotation(this.syncTargetKey)];
    delete annotations[deletionAnnotation(this.syncTargetKey)];
    const labels = { ...(latest.metadata.labels ?? {}) };
    delete labels[stateLabel(this.syncTargetKey)];
    const released: KubeObject = {
      ...latest,
      metadata: {
        ...latest.metadata,
        finalizers: (latest.metadata.finalizers ?? []).filter((f) => f !== this.finalizer),
        annotations,
        labels,
      },
    };
    try {
      await this.client.update(key.gvr, released, this.scope(key));
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
