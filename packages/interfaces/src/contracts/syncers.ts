import type { ClusterKey } from '../cluster-key.js';
import type { TmcError } from '../errors.js';
import type { KubeObject } from '../object.js';
import type { ResourceState, SyncItem, SyncResult, SyncStatus } from '../sync.js';
import type { ResourceTransformer, SyncContext, SyncFilter, TransformSkip } from './extension.js';

export interface ApplyRequest {
  readonly item: SyncItem;
  readonly context: SyncContext;
  /** The upstream object as cached (its finalizer is ensured before anything is created downstream). */
  readonly upstream: KubeObject;
  /** The transformed object to have downstream. */
  readonly desired: KubeObject;
}

export interface DeleteRequest {
  readonly item: SyncItem;
  readonly context: SyncContext;
  /** The upstream object, while it still exists (e.g. terminating with our finalizer). */
  readonly upstream?: KubeObject;
}

/** Writes the spec path downstream: namespace, diff, retention, apply strategy, conflicts, deletion. */
export interface DownstreamSyncer {
  apply(request: ApplyRequest): Promise<SyncResult>;
  delete(request: DeleteRequest): Promise<SyncResult>;
  /**
   * kcp's downstream namespace controller (pkg/syncer/namespace): the upstream namespace is gone from this
   * SyncTarget's view, so delete the downstream namespace after `--downstream-namespace-clean-delay` if it
   * holds none of the synced objects by then. A plan already pending is kept, not restarted (as kcp's).
   */
  planNamespaceCleaning(downstreamNamespace: string): void;
  /** The upstream namespace is back (or still there): keep the downstream namespace. */
  cancelNamespaceCleaning(downstreamNamespace: string): void;
}

export interface StatusRequest {
  readonly item: SyncItem;
  readonly context: SyncContext;
  /** The downstream object as cached; absent when it is gone. */
  readonly downstream?: KubeObject;
  /**
   * The upstream object as the engine's cache holds it, when known: a first read that costs no request.
   * Writes carry its resourceVersion, so a stale copy only earns a 409 and a fresh read.
   */
  readonly upstream?: KubeObject;
}

/** Writes downstream status back to the upstream object (with aggregation across SyncTargets). */
export interface UpstreamStatusSyncer {
  syncStatus(request: StatusRequest): Promise<SyncResult>;
}

export interface EventRequest {
  readonly item: SyncItem;
  /** The downstream Event (core/v1 or events.k8s.io/v1). */
  readonly event: KubeObject;
}

/** Turns downstream Events about owned objects into upstream Events about the upstream objects. */
export interface EventSyncer {
  syncEvent(request: EventRequest): Promise<SyncResult>;
}

/** Remembers what was applied downstream, so unchanged objects cost no write. */
export interface ResourceStateStore {
  get(key: ClusterKey): ResourceState | undefined;
  set(state: ResourceState): void;
  delete(key: ClusterKey): void;
  size(): number;
}

export type PipelineOutcome =
  | { readonly object: KubeObject; readonly applied: readonly string[] }
  | (TransformSkip & { readonly by: string });

/** The ordered transformer pipeline, open to registration at run time. */
export interface TransformationPipeline {
  register(transformer: ResourceTransformer, position?: { before?: string; after?: string }): void;
  unregister(name: string): boolean;
  transformers(): readonly ResourceTransformer[];
  /** Runs every applicable transformer on a copy of `object`. Throws TmcError(TransformFailed). */
  run(object: KubeObject, context: SyncContext): Promise<PipelineOutcome>;
}

/** Filters, kept in ascending priority, open to registration at run time. */
export interface FilterRegistry {
  register(filter: SyncFilter): void;
  unregister(name: string): boolean;
  filters(): readonly SyncFilter[];
}

/** A failure the engine gave up on: it will not retry the key until its object changes. */
export interface GivenUpFailure {
  readonly key: ClusterKey;
  readonly direction: 'down' | 'up';
  readonly error: TmcError;
  /** Failures of the key in a row, this one included. */
  readonly attempts: number;
  /** The upstream object the failure concerns, when the engine has it: the report is about it. */
  readonly object?: KubeObject;
}

/** Reports what the engine gave up on, so users see it upstream (an Event, a SyncTarget condition). */
export interface FailureReporter {
  /** Never throws: reporting failures are the reporter's to log. */
  reportGivenUp(failure: GivenUpFailure): Promise<void>;
}

/** The engine as other parts (health, heartbeat, the agent) see it. */
export interface SyncEngine {
  start(): Promise<void>;
  stop(): Promise<void>;
  getStatus(): SyncStatus;
  /**
   * Called once when the engine can no longer serve its SyncTarget at all (it was deleted). It has stopped
   * taking work by then and released nothing; the agent decides how to end. Returns the unsubscribe function.
   */
  onFatal?(listener: (reason: string) => void): () => void;
}
