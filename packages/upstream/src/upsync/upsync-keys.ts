import {
  type GVR,
  isSyncTargetLocator,
  jsonEqual,
  type KubeObject,
  locatorFromAnnotations,
  ResourceStateValue,
  type SyncTargetRef,
  stateLabel,
} from '@kcp-tmc/interfaces';
import type { UpsyncKey } from './upsync-reconciler.js';

/** What kcp's upsyncer VW serves and its syncer upsyncs (pkg/virtual/syncer/builder/build.go). */
export const UPSYNCED_RESOURCES: readonly GVR[] = [
  { group: '', version: 'v1', resource: 'pods' },
  { group: '', version: 'v1', resource: 'persistentvolumes' },
];

/** `state.workload.kcp.io/<key>: Upsync` on a downstream object: the owner of the object is the cluster. */
export function isUpsynced(object: KubeObject, syncTarget: SyncTargetRef): boolean {
  return object.metadata.labels?.[stateLabel(syncTarget.key)] === ResourceStateValue.Upsync;
}

/**
 * The upstream key of a downstream object, as kcp's upsyncer enqueues it (pkg/syncer/upsync/upsync_controller.go,
 * enqueueDownstream): the logical cluster and namespace come from the locator of its namespace (of the object
 * itself when cluster-scoped), which must name this SyncTarget. Undefined: not ours (no namespace, no locator,
 * another SyncTarget), so nothing is enqueued. An invalid locator throws, as kcp reports it.
 */
export function upsyncKeyFor(
  gvr: GVR,
  downstream: KubeObject,
  namespaceOf: (name: string) => KubeObject | undefined,
  syncTarget: SyncTargetRef,
): UpsyncKey | undefined {
  const namespace = downstream.metadata.namespace ?? '';
  const holder = namespace === '' ? downstream : namespaceOf(namespace);
  if (holder === undefined) return undefined;
  const locator = locatorFromAnnotations(holder.metadata.annotations);
  if (locator === undefined || !isSyncTargetLocator(locator, syncTarget)) return undefined;
  return {
    gvr,
    cluster: locator.cluster,
    namespace: locator.namespace,
    name: downstream.metadata.name ?? '',
  };
}

/**
 * Whether a downstream change must write the status up (kcp's `dirtyStatus`): on add when there is a status, on
 * update when it changed and is not empty, never on delete.
 */
export function statusChanged(
  event: 'add' | 'update' | 'delete',
  object: KubeObject,
  old?: KubeObject,
): boolean {
  if (event === 'delete' || object.status == null) return false;
  // A missing status and a null one serialise alike: neither is a change.
  return event === 'add' || !jsonEqual(old?.status ?? null, object.status ?? null);
}
