import { acceptedResources } from '../kcp/placement.js';
import { syncTargetKey } from '../kcp/synctarget-key.js';

/** The few object fields the kit reads and writes (any client's object type fits). */
export interface KitObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; uid?: string };
  status?: unknown;
  [field: string]: unknown;
}

type Resource = { group: string; version: string; resource: string };
type Scope = { cluster?: string };

/** The calls the kit makes on a test's client; @kcp-tmc/kube's KubeClient is one. */
export interface SyncTargetWriter {
  create(gvr: Resource, object: KitObject, scope?: Scope): Promise<KitObject>;
  get(gvr: Resource, ref: Scope & { name: string }): Promise<KitObject>;
  updateStatus(gvr: Resource, object: KitObject, scope?: Scope): Promise<KitObject>;
}

/** The SyncTarget as the agent is told of it (@kcp-tmc/interfaces' SyncTargetRef). */
export interface SyncTargetIdentity {
  readonly cluster: string;
  readonly name: string;
  readonly uid: string;
  readonly key: string;
}

export const SYNC_TARGETS = {
  group: 'workload.kcp.io',
  version: 'v1alpha1',
  resource: 'synctargets',
} as const;

export interface SyncTargetOptions {
  readonly name: string;
  /** The logical cluster that holds it: the request's scope on a kcp server, and the key's cluster. */
  readonly cluster: string;
  /** Plain Kubernetes upstream: no cluster in the requests (the key still hashes `cluster`). */
  readonly plain?: boolean;
  /** `group/version/resource` (`v1/services` for the core group), all Accepted in `status.syncedResources`. */
  readonly syncedResources?: readonly string[];
}

/** A SyncTarget with its status' syncedResources, as kcp leaves it once the syncer's imports are accepted. */
export interface CreatedSyncTarget {
  readonly ref: SyncTargetIdentity;
  /** Replaces `status.syncedResources` (all Accepted). */
  setSyncedResources(resources: readonly string[]): Promise<void>;
}

/** Creates a SyncTarget through `client` and accepts `syncedResources` on it. */
export async function createSyncTarget(
  client: SyncTargetWriter,
  { name, cluster, plain = false, syncedResources = [] }: SyncTargetOptions,
): Promise<CreatedSyncTarget> {
  const scope: Scope = plain ? {} : { cluster };
  const manifest = { apiVersion: 'workload.kcp.io/v1alpha1', kind: 'SyncTarget', metadata: { name } };
  const created = await client.create(SYNC_TARGETS, manifest, scope);
  const setSyncedResources = async (resources: readonly string[]): Promise<void> => {
    // Re-read: a kcp server fills status.virtualWorkspaces after the create; status changes only through /status.
    const current = await client.get(SYNC_TARGETS, { name, ...scope });
    const status = { ...(current.status as object), syncedResources: acceptedResources(resources) };
    await client.updateStatus(SYNC_TARGETS, { ...current, status }, scope);
  };
  await setSyncedResources(syncedResources);
  const ref = { cluster, name, uid: created.metadata.uid as string, key: syncTargetKey(cluster, name) };
  return { ref, setSyncedResources };
}
