import type { GVR } from './gvr.js';
import type { Condition, KubeObject, ObjectMeta } from './object.js';

/** `workload.kcp.io/v1alpha1`, cluster-scoped: one physical cluster as kcp sees it. */
export const SYNC_TARGET_GVR: GVR = {
  group: 'workload.kcp.io',
  version: 'v1alpha1',
  resource: 'synctargets',
};
export const SYNC_TARGET_KIND = 'SyncTarget';

export interface SyncTargetSpec {
  /** No new workloads are scheduled to the target when true. */
  unschedulable?: boolean;
  /** RFC 3339 time after which workloads are evicted. */
  evictAfter?: string;
  supportedAPIExports?: Array<{ export?: string; path?: string }>;
  cells?: Record<string, string>;
  [field: string]: unknown;
}

export type SyncedResourceState = 'Pending' | 'Accepted' | 'Incompatible';

export interface SyncedResource {
  group: string;
  resource: string;
  versions: string[];
  identityHash?: string;
  state?: SyncedResourceState;
}

export interface VirtualWorkspace {
  syncerURL: string;
  upsyncerURL?: string;
}

export interface SyncTargetStatus {
  allocatable?: Record<string, string>;
  capacity?: Record<string, string>;
  conditions?: Condition[];
  syncedResources?: SyncedResource[];
  lastSyncerHeartbeatTime?: string;
  virtualWorkspaces?: VirtualWorkspace[];
  tunnelWorkspaces?: Array<{ url: string }>;
  [field: string]: unknown;
}

export interface SyncTarget extends KubeObject {
  apiVersion?: 'workload.kcp.io/v1alpha1';
  kind?: 'SyncTarget';
  metadata: ObjectMeta;
  spec?: SyncTargetSpec;
  status?: SyncTargetStatus;
}

/** The SyncTarget conditions the syncer owns or reads. */
export const SyncTargetConditions = {
  SyncerReady: 'SyncerReady',
  HeartbeatHealthy: 'HeartbeatHealthy',
  SyncerAuthorized: 'SyncerAuthorized',
  APIImporterReady: 'APIImporterReady',
  Ready: 'Ready',
  /** The agent's own: False while an accepted resource is not served downstream (a CRD missing there). */
  DownstreamResourcesAvailable: 'DownstreamResourcesAvailable',
} as const;
export type SyncTargetConditionType = (typeof SyncTargetConditions)[keyof typeof SyncTargetConditions];

/** Identifies the SyncTarget an agent serves: its logical cluster (path), name and uid. */
export interface SyncTargetRef {
  /** Logical cluster (workspace path, e.g. `root:org:ws`) that holds the SyncTarget. */
  readonly cluster: string;
  readonly name: string;
  readonly uid: string;
  /** base62(SHA-224) of cluster and name: the suffix of every per-target label, annotation and finalizer. */
  readonly key: string;
}
