import {
  type ClusterKey,
  type GVR,
  gvrToString,
  type Informer,
  type InformerEvent,
  jsonEqual,
  type KubeObject,
  STATUS_ANNOTATION_PREFIX,
  type SyncDirection,
  type SyncerInformers,
} from '@kcp-tmc/interfaces';

/** Hands a key to the engine's queue. Must not block or do work: handlers call it for every event. */
export type Enqueue = (direction: SyncDirection, key: ClusterKey) => void;

export interface ResourceControllerInformers {
  /** Absent: watch only the downstream side (Events: nothing upstream to sync down). */
  readonly upstream: SyncerInformers | undefined;
  readonly downstream: SyncerInformers;
}

/**
 * One GVR: an upstream informer whose events enqueue `down|<ClusterKey>` and a downstream informer whose
 * events enqueue `up|<ClusterKey>`. Nothing else happens in a handler; workers read the latest object from
 * these caches. Also remembers which upstream object each downstream object was written for, so a downstream
 * delete can send the upstream key down again (kcp re-creates objects deleted downstream), and so can a
 * downstream update that changed more than status (drift: the spec path decides what to correct).
 */
export class ResourceController {
  readonly gvr: GVR;
  readonly name: string;
  readonly upstream: Informer | undefined;
  readonly downstream: Informer;
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  /** `<namespace>/<name>` downstream → the upstream key it was written for, and the resourceVersion written. */
  private readonly origins = new Map<string, Origin>();
  private stopped: Promise<void> | undefined;

  constructor(
    gvr: GVR,
    private readonly informers: ResourceControllerInformers,
    private readonly enqueue: Enqueue,
  ) {
    this.gvr = gvr;
    this.name = gvrToString(gvr);
    this.upstream = informers.upstream?.informerFor(gvr);
    this.downstream = informers.downstream.informerFor(gvr);
  }

  /** Subscribes the handlers, then starts the informers (a started shared informer replays its cache). */
  start(): void {
    if (this.upstream !== undefined) {
      this.subscriptions.push(
        this.upstream.events$.subscribe({
          next: (event) => {
            if (changedForSpec(event)) this.enqueue('down', event.key);
          },
        }),
      );
    }
    this.subscriptions.push(
      this.downstream.events$.subscribe({
        next: (event) => {
          this.enqueue('up', event.key);
          const drifted = this.driftOrigin(event);
          if (drifted !== undefined) this.enqueue('down', drifted);
        },
      }),
    );
    this.upstream?.start();
    this.downstream.start();
  }

  hasSynced(): boolean {
    return (this.upstream?.hasSynced() ?? true) && this.downstream.hasSynced();
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([this.upstream?.waitForSync(signal), this.downstream.waitForSync(signal)]);
  }

  /**
   * Informers not synced yet, for error messages, with why when a list failed:
   * `apps/v1/deployments (upstream)`, `v1/namespaces (downstream: connect ECONNREFUSED 127.0.0.1:1)`.
   */
  unsynced(): string[] {
    const out: string[] = [];
    const describe = (side: string, informer: Informer) => {
      const error = informer.lastError?.();
      return `${this.name} (${side}${error === undefined ? '' : `: ${error}`})`;
    };
    if (this.upstream !== undefined && !this.upstream.hasSynced())
      out.push(describe('upstream', this.upstream));
    if (!this.downstream.hasSynced()) out.push(describe('downstream', this.downstream));
    return out;
  }

  /** Stops enqueueing; informers keep running until `stop`. */
  detach(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  /** Detaches and releases both informers. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.detach();
      await Promise.all([
        this.informers.upstream?.release(this.gvr),
        this.informers.downstream.release(this.gvr),
      ]);
    })();
    return this.stopped;
  }

  /** `resourceVersion`: what our own write left downstream, so its update event is not taken for drift. */
  rememberOrigin(
    downstreamNamespace: string,
    downstreamName: string,
    upstream: ClusterKey,
    resourceVersion?: string,
  ): void {
    this.origins.set(`${downstreamNamespace}/${downstreamName}`, { key: upstream, resourceVersion });
  }

  forgetOrigin(downstreamNamespace: string, downstreamName: string): void {
    this.origins.delete(`${downstreamNamespace}/${downstreamName}`);
  }

  /** The upstream key a downstream object was written for, when this process wrote or found it. */
  originOf(downstreamNamespace: string, downstreamName: string): ClusterKey | undefined {
    return this.origins.get(`${downstreamNamespace}/${downstreamName}`)?.key;
  }

  /**
   * The upstream key to send down again when a downstream update changed an object we wrote in more than its
   * status (a human edit, another controller): not a resync, not our own write, not a status-only change.
   * Whether the change touched fields we own is the downstream syncer's call (it diffs against what it applied).
   */
  private driftOrigin(event: InformerEvent): ClusterKey | undefined {
    if (this.upstream === undefined || event.type !== 'update' || event.resync === true) return undefined;
    const { object, oldObject } = event;
    if (oldObject === undefined || object.metadata.deletionTimestamp !== undefined) return undefined;
    const origin = this.origins.get(`${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`);
    if (origin === undefined) return undefined;
    if (origin.resourceVersion !== undefined && origin.resourceVersion === object.metadata.resourceVersion) {
      return undefined;
    }
    return changedBeyondStatus(oldObject, object) ? origin.key : undefined;
  }
}

interface Origin {
  readonly key: ClusterKey;
  readonly resourceVersion: string | undefined;
}

/**
 * Whether an upstream event can change what the spec path does. Updates that touch only status, our status
 * annotations, finalizers, generation or server bookkeeping (our own finalizer and status writes echoing back) are not
 * worth a reconcile; a deletion, a resync or any other change is.
 */
export function changedForSpec(event: InformerEvent): boolean {
  if (event.type !== 'update' || event.resync === true || event.oldObject === undefined) return true;
  if (event.object.metadata.deletionTimestamp !== undefined) return true;
  const before = event.oldObject;
  const after = event.object;
  // The desired downstream state never depends on generation (see the annotations transformer), which moves
  // with every annotation write on some kinds, our status annotation included.
  return !(
    sameExcept(before, after, isStatusOrMetadata) &&
    sameExcept(before.metadata, after.metadata, isSpecIgnoredMetadata) &&
    sameExcept(before.metadata.annotations, after.metadata.annotations, isStatusAnnotation)
  );
}

/** Whether a downstream update changed more than status and the metadata the server bumps on any write. */
export function changedBeyondStatus(before: KubeObject, after: KubeObject): boolean {
  return !(
    sameExcept(before, after, isStatusOrMetadata) &&
    sameExcept(before.metadata, after.metadata, isServerBumpedMetadata)
  );
}

// Compared in place, member by member: every upstream update passes through here, and serialising both
// objects to compare them was one of the larger allocations per event. Key order does not matter.
function sameExcept(
  a: object | undefined,
  b: object | undefined,
  ignored: (key: string) => boolean,
): boolean {
  const left = a as Readonly<Record<string, unknown>> | undefined;
  const right = b as Readonly<Record<string, unknown>> | undefined;
  let count = 0;
  for (const key in left) {
    const member = left[key];
    if (member === undefined || ignored(key) || !Object.hasOwn(left, key)) continue;
    if (!jsonEqual(member, right?.[key])) return false;
    count++;
  }
  return count === definedMembers(right, ignored);
}

function definedMembers(
  o: Readonly<Record<string, unknown>> | undefined,
  ignored: (key: string) => boolean,
): number {
  let count = 0;
  for (const key in o) if (o[key] !== undefined && !ignored(key) && Object.hasOwn(o, key)) count++;
  return count;
}

const isStatusOrMetadata = (key: string) => key === 'status' || key === 'metadata';
const isServerBumpedMetadata = (key: string) =>
  key === 'resourceVersion' || key === 'managedFields' || key === 'generation';
const isSpecIgnoredMetadata = (key: string) =>
  isServerBumpedMetadata(key) || key === 'finalizers' || key === 'annotations';
const isStatusAnnotation = (key: string) => key.startsWith(STATUS_ANNOTATION_PREFIX);
