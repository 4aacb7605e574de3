import { conflictEvent } from '@kcp-tmc/conflict';
import {
  CLOCK,
  type Clock,
  type ClusterKey,
  deletionAnnotation,
  EVENTS_GVR,
  encodeClusterKey,
  finalizersAnnotation,
  type KubeClient,
  type KubeObject,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  type ObjectRef,
  type ObjectScope,
  SYNC_TARGET,
  SYSTEM_CLOCK,
  type SyncConflict,
  type SyncTargetRef,
  stateLabel,
  statusAnnotation,
  syncerFinalizer,
  TmcError,
  TmcErrorType,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import type { DownstreamOptions } from './options.js';
import { DOWNSTREAM_OPTIONS } from './tokens.js';

/**
 * How many released objects are remembered: enough for the informer copies still in flight after a namespace
 * of objects is deleted at once; older entries cost at most one refused write each.
 */
const RELEASED_MEMORY = 4096;

/** The upstream side the downstream syncer touches: our finalizer and conflict Events. */
@injectable()
export class UpstreamWriter {
  private readonly syncTargetKey: string;
  /** Address objects under `/clusters/<logical cluster>` (kcp modes); false in plain mode. */
  private readonly byCluster: boolean;
  private readonly logger: Logger;
  /**
   * Objects this process released, by key: the resourceVersion released from. Until the informer catches up,
   * the key comes back with that same copy, which must not be written again (a sure 409).
   */
  private readonly released = new Map<string, string>();

  constructor(
    @inject(UPSTREAM_KUBE_CLIENT) private readonly client: KubeClient,
    @inject(SYNC_TARGET) syncTarget: SyncTargetRef,
    @inject(DOWNSTREAM_OPTIONS) options: DownstreamOptions,
    // Optional: the system clock unless the composition root binds one (tests bind a manual clock).
    @inject(CLOCK, { isOptional: true }) private readonly clock: Clock = SYSTEM_CLOCK,
    // Optional: silent unless the composition root binds a logger.
    @inject(LOGGER, { isOptional: true }) logger: Logger = NOOP_LOGGER,
  ) {
    this.syncTargetKey = syncTarget.key;
    this.byCluster = options.upstreamByCluster ?? true;
    this.logger = logger.child({ component: 'downstream-syncer' });
  }

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
   * update is what makes kcp let go of the object for this SyncTarget. `known` is the informer's copy, written
   * from without a read; when it was stale (a 409), the newer version's event brings the key back. Without it,
   * the object is read first. Returns whether it wrote.
   */
  async removeFinalizer(key: ClusterKey, known?: KubeObject): Promise<boolean> {
    const id = encodeClusterKey(key);
    const version = known?.metadata.resourceVersion;
    if (version !== undefined && this.released.get(id) === version) return false;
    const latest = known ?? (await this.read(key));
    if (latest === undefined) return false;
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
      this.remember(id, latest.metadata.resourceVersion);
    } catch (err) {
      // Gone meanwhile: nothing left to release.
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return false;
      if (known !== undefined && err instanceof TmcError && err.type === TmcErrorType.ResourceConflict) {
        // The informer's copy was stale (kcp adds its deletion annotation right after the deletionTimestamp).
        // The newer version's watch event brings this key back with it, so no read is needed here.
        this.logger.debug('finalizer release refused for a stale copy; waiting for the newer one', {
          key: key.name,
        });
        return false;
      }
      throw err;
    }
    return true;
  }

  private remember(id: string, version: string | undefined): void {
    if (version === undefined) return;
    this.released.delete(id);
    this.released.set(id, version);
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.released.size > RELEASED_MEMORY)
      this.released.delete(this.released.keys().next().value as string);
  }

  /** The upstream object as the server has it now; undefined when it is gone. */
  private async read(key: ClusterKey): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(key.gvr, this.ref(key));
    } catch (err) {
      if (err instanceof TmcError && err.type === TmcErrorType.NotFound) return undefined;
      throw err;
    }
  }

  /**
   * A Warning Event (@kcp-tmc/conflict's conflictEvent) on the upstream object, so its owner sees the conflict.
   * Best effort.
   */
  async reportConflict(
    key: ClusterKey,
    upstream: KubeObject,
    conflicts: readonly SyncConflict[],
  ): Promise<void> {
    if (conflicts.length === 0) return;
    const event = conflictEvent({
      involvedObject: upstream,
      conflicts,
      now: this.clock.now(),
      component: `kcp-tmc-syncer-${this.syncTargetKey}`,
    });
    try {
      await this.client.create(EVENTS_GVR, event, {
        namespace: event.metadata.namespace as string,
        ...(this.byCluster ? { cluster: key.cluster } : {}),
      });
    } catch (err) {
      this.logger.warn('could not post a conflict Event upstream', { key: key.name, error: String(err) });
    }
  }
}
