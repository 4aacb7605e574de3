import {
  cloneJson,
  DOWNSTREAM_CLUSTER_LABEL,
  type KubeObject,
  NAMESPACE_LOCATOR_ANNOTATION,
  syncerFinalizer,
  UPSYNC_RESOURCE_VERSION_ANNOTATION,
} from '@kcp-tmc/interfaces';

/**
 * The upstream copy of a downstream object, as kcp's upsyncer makes it (pkg/syncer/upsync/upsync_reconcile.go,
 * prepareResourceForUpstream): the upstream namespace; no locator annotation, no downstream ownership label;
 * no uid, resourceVersion, managedFields, deletion marks or owner references; the syncer's finalizer only.
 * Status and everything else is copied as is.
 */
export function prepareForUpstream(
  downstream: KubeObject,
  upstreamNamespace: string,
  syncTargetKey: string,
): KubeObject {
  const object = cloneJson(downstream);
  const metadata = object.metadata;
  if (metadata.annotations !== undefined) delete metadata.annotations[NAMESPACE_LOCATOR_ANNOTATION];
  if (metadata.labels !== undefined) delete metadata.labels[DOWNSTREAM_CLUSTER_LABEL];
  if (upstreamNamespace === '') delete metadata.namespace;
  else metadata.namespace = upstreamNamespace;
  for (const field of [
    'uid',
    'resourceVersion',
    'managedFields',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'ownerReferences',
  ] as const) {
    delete metadata[field];
  }
  metadata.finalizers = [syncerFinalizer(syncTargetKey)];
  return object;
}

/** The object with `workload.kcp.io/rv` set to `resourceVersion` (a copy). */
export function withUpsyncedVersion(object: KubeObject, resourceVersion: string): KubeObject {
  const copy = cloneJson(object);
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [UPSYNC_RESOURCE_VERSION_ANNOTATION]: resourceVersion,
  };
  return copy;
}
