import type { SyncTarget, SyncTargetRef } from '../synctarget.js';
import { toSyncTargetKey } from './synctarget-key.js';

/**
 * How the agent addresses a SyncTarget it read: `cluster` is the logical cluster NAME (kcp keys by the name,
 * not a workspace path; in plain mode a configured constant).
 */
export function syncTargetRefOf(cluster: string, syncTarget: Pick<SyncTarget, 'metadata'>): SyncTargetRef {
  const name = syncTarget.metadata.name ?? '';
  return { cluster, name, uid: syncTarget.metadata.uid ?? '', key: toSyncTargetKey(cluster, name) };
}

/**
 * The syncer virtual workspace URL kcp publishes in `status.virtualWorkspaces[0].syncerURL` (kcp's syncer
 * reads the first, pkg/syncer/syncer.go); undefined until kcp has published one.
 */
export function syncerVirtualWorkspaceUrl(syncTarget: SyncTarget): string | undefined {
  const url = syncTarget.status?.virtualWorkspaces?.[0]?.syncerURL;
  return url === undefined || url === '' ? undefined : url;
}

/** The upsyncer virtual workspace URL beside it (`status.virtualWorkspaces[0].upsyncerURL`). */
export function upsyncerVirtualWorkspaceUrl(syncTarget: SyncTarget): string | undefined {
  const url = syncTarget.status?.virtualWorkspaces?.[0]?.upsyncerURL;
  return url === undefined || url === '' ? undefined : url;
}

/**
 * A kcp server URL without its workspace: `https://kcp/clusters/root:org` gives `https://kcp` (kubeconfigs
 * usually point at a workspace; the agent addresses logical clusters itself). Undefined when it names none.
 */
export function workspaceServerBase(server: string): string | undefined {
  return /^(.*?)\/clusters\/[^/]+\/?$/.exec(server)?.[1];
}
