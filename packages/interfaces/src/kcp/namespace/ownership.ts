import type { SyncTargetLocator } from './locator.js';

// Which SyncTarget a downstream namespace (or cluster-scoped object) belongs to is read from its locator, never
// from its name or labels: the ownership label only narrows what the informers list.

/** The locator fields these rules compare; a `SyncTargetRef` fits. */
type SyncTargetIdentity = Pick<SyncTargetLocator, 'cluster' | 'uid'>;

/**
 * Whether a locator names this SyncTarget: by uid and logical cluster, as kcp's status and upsync syncers
 * decide (kcp: pkg/syncer/status/status_process.go, pkg/syncer/upsync/upsync_controller.go). The name is not
 * compared: a uid stands for one object, whose name cannot change.
 */
export function isSyncTargetLocator(
  locator: { readonly syncTarget: SyncTargetIdentity },
  syncTarget: SyncTargetIdentity,
): boolean {
  return locator.syncTarget.uid === syncTarget.uid && locator.syncTarget.cluster === syncTarget.cluster;
}

/**
 * The looser rule of kcp's downstream namespace controller (pkg/syncer/namespace/namespace_downstream_process.go),
 * which compares the uid alone: a namespace whose locator carries an older spelling of the SyncTarget's cluster
 * (v0.6's `path`) is still this SyncTarget's there, and is cleaned up and mapped for DNS.
 */
export function hasSyncTargetUid(
  locator: { readonly syncTarget: Pick<SyncTargetLocator, 'uid'> },
  syncTargetUid: string,
): boolean {
  return locator.syncTarget.uid === syncTargetUid;
}
