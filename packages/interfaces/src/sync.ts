import type { ClusterKey, SyncDirection } from './cluster-key.js';
import type { TmcError } from './errors.js';
import type { GVR } from './gvr.js';
import type { KubeObject } from './object.js';

/** What a worker is asked to do with a key. */
export type SyncAction = 'spec' | 'delete' | 'status' | 'event';

/** One unit of work, built by a worker from a queue key and the latest cached object (never the event's). */
export interface SyncItem {
  readonly key: ClusterKey;
  readonly direction: SyncDirection;
  readonly action: SyncAction;
  /** The latest upstream object (spec, delete) or downstream object (status, event); absent when deleted. */
  readonly object?: KubeObject;
  /** How often this key failed in a row before this attempt. */
  readonly retries: number;
  /** When the key was first queued (ms since epoch), for queue-latency accounting. */
  readonly queuedAt: number;
}

export type SyncOperation = 'create' | 'update' | 'delete' | 'noop';

/** A conflict met while syncing one object, with how it was resolved. */
export interface SyncConflict {
  /** `stale-resource-version`, `field-manager`, `ownership`, or a resolver's own kind. */
  readonly kind: string;
  readonly message: string;
  /** JSON paths of the contested fields, when the server named them. */
  readonly fields?: readonly string[];
  readonly resolution?: string;
}

export interface SyncResult {
  readonly key: ClusterKey;
  readonly operation: SyncOperation;
  readonly success: boolean;
  readonly error?: TmcError;
  /** Come back no earlier than this (ms): from Retry-After, or a syncer's own wish to re-check. */
  readonly retryAfterMs?: number;
  readonly conflicts: readonly SyncConflict[];
  /** The object written or found, when there is one. */
  readonly object?: KubeObject;
  /** Why nothing was done (filtered, skipped by a transformer, unchanged). */
  readonly reason?: string;
}

/** Counters of one GVR in the engine. */
export interface ResourceSyncCounts {
  synced: number;
  pending: number;
  failed: number;
  /** Of `pending`, keys of upstream objects (spec or delete going down): an initial sync's progress. */
  pendingDown?: number;
  /**
   * Keys of upstream objects that left `pending` since start (done, or given up on): how far an initial sync
   * has come while new objects keep arriving behind it.
   */
  settledDown?: number;
}

/** The engine's state, as `getStatus()` reports it. */
export interface SyncStatus {
  /** True once every informer has synced; false while starting or after losing a cluster. */
  connected: boolean;
  /** ISO time of the last successful sync of any object. */
  lastSyncTime?: string;
  /** Keyed by `gvrToString`. */
  resources: Record<string, ResourceSyncCounts>;
  /** The most recent error, if the last attempt failed. */
  error?: string;
  /** GVRs dropped at start or at run time, with why (e.g. SelfSubjectAccessReview denied). */
  droppedResources?: Record<string, string>;
  /**
   * The dropped GVRs of the sync set whose access review was denied (kcp's SyncerAuthorized list): each names
   * a resource that should sync and cannot until access is granted.
   */
  unauthorizedResources?: string[];
}

/** What the downstream state cache remembers about one applied object. */
export interface ResourceState {
  readonly key: ClusterKey;
  readonly gvr: GVR;
  /** Downstream namespace and name the object was applied as. */
  readonly downstreamNamespace: string;
  readonly downstreamName: string;
  readonly resourceVersion: string;
  readonly generation?: number;
  /** Hash of the desired object we last applied: an unchanged hash means no write. */
  readonly hash: string;
  /** The desired object we last applied, for three-way merges. */
  readonly lastApplied?: KubeObject;
  /**
   * Fingerprint of the upstream `spec` the object was last applied or confirmed from, for objects with a
   * `metadata.generation` (format of SYNCED_SPEC_ANNOTATION, which is no longer written): in memory only, so
   * the status path can tell whether a downstream status describes the current upstream spec.
   */
  readonly upstreamSpec?: string;
  readonly lastSyncTime: string;
}
