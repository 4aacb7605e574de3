// Label, annotation and finalizer keys of kcp's TMC syncer protocol. `<key>` is always the SyncTarget key
// (see synctarget-key.ts), never the SyncTarget name. Each constant names the kcp source it was checked in:
// `kcp:` is kcp-dev/kcp (v0.11 era), `tmc:` is kcp-dev/contrib-tmc, `lc:` is kcp-dev/logicalcluster v3.

/** Logical cluster of an upstream object. lc: name.go `AnnotationKey` */
export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** kcp names every per-SyncTarget label, annotation and finalizer as a prefix followed by the SyncTarget key. */
const perSyncTarget =
  (prefix: string) =>
  (syncTargetKey: string): string =>
    prefix + syncTargetKey;

/** kcp: sdk/apis/workload/v1alpha1/types.go `ClusterResourceStateLabelPrefix` */
export const STATE_LABEL_PREFIX = 'state.workload.kcp.io/';
/** Upstream label selecting an object for one SyncTarget; values are {@link ResourceStateValue}. */
export const stateLabel = perSyncTarget(STATE_LABEL_PREFIX);

/** Values of the state label. kcp: sdk/apis/workload/v1alpha1/types.go `ResourceState*` */
export const ResourceStateValue = {
  /** Assigned, but the syncer ignores it until a coordination controller sets `Sync`. */
  Pending: '',
  /** Synced down to the SyncTarget (the deletion process included). */
  Sync: 'Sync',
  /** Synced up from the SyncTarget: the downstream object owns spec and status. */
  Upsync: 'Upsync',
} as const;
export type ResourceStateValue = (typeof ResourceStateValue)[keyof typeof ResourceStateValue];

export function isResourceStateValue(value: unknown): value is ResourceStateValue {
  return value === '' || value === 'Sync' || value === 'Upsync';
}

/** The SyncTarget key of a state label key, or undefined when `labelKey` is not one. */
export function syncTargetKeyOfStateLabel(labelKey: string): string | undefined {
  if (!labelKey.startsWith(STATE_LABEL_PREFIX)) return undefined;
  const key = labelKey.slice(STATE_LABEL_PREFIX.length);
  return key === '' ? undefined : key;
}

/** RFC 3339 time the object is deleted for one SyncTarget. kcp: sdk/apis/workload/v1alpha1/types.go */
export const DELETION_ANNOTATION_PREFIX = 'deletion.internal.workload.kcp.io/';
export const deletionAnnotation = perSyncTarget(DELETION_ANNOTATION_PREFIX);

/** Comma-separated soft finalizers blocking deletion on one SyncTarget. kcp: sdk/apis/workload/v1alpha1/types.go */
export const FINALIZERS_ANNOTATION_PREFIX = 'finalizers.workload.kcp.io/';
export const finalizersAnnotation = perSyncTarget(FINALIZERS_ANNOTATION_PREFIX);

/** Downstream status as JSON, per SyncTarget (advanced scheduling). kcp: sdk/apis/workload/v1alpha1/types.go */
export const STATUS_ANNOTATION_PREFIX = 'experimental.status.workload.kcp.io/';
export const statusAnnotation = perSyncTarget(STATUS_ANNOTATION_PREFIX);

/** JSON Patch applied to `.spec` on the way down (advanced scheduling). kcp: sdk/apis/workload/v1alpha1/types.go */
export const SPEC_DIFF_ANNOTATION_PREFIX = 'experimental.spec-diff.workload.kcp.io/';
export const specDiffAnnotation = perSyncTarget(SPEC_DIFF_ANNOTATION_PREFIX);

/** Added upstream before anything is created downstream. tmc: pkg/syncer/shared/finalizer.go */
export const SYNCER_FINALIZER_PREFIX = 'workload.kcp.io/syncer-';
export const syncerFinalizer = perSyncTarget(SYNCER_FINALIZER_PREFIX);

/** On every downstream object the syncer owns; value = SyncTarget key. kcp: sdk/apis/workload/v1alpha1/types.go */
export const DOWNSTREAM_CLUSTER_LABEL = 'internal.workload.kcp.io/cluster';

/** On the SyncTarget itself; value = its key. kcp: sdk/apis/workload/v1alpha1/types.go `InternalSyncTargetKeyLabel` */
export const SYNC_TARGET_KEY_LABEL = 'internal.workload.kcp.io/key';

/** JSON namespace locator on downstream namespaces. kcp: pkg/syncer/spec/spec_process_test.go fixtures (`shared.NamespaceLocatorAnnotation`) */
export const NAMESPACE_LOCATOR_ANNOTATION = 'kcp.io/namespace-locator';

/** One value per workspace + SyncTarget, on downstream namespaces. tmc: pkg/syncer/spec/spec_process.go uses `shared.TenantIDLabel`; value per shared/reference/kcp-syncer.md */
export const TENANT_ID_LABEL = 'kcp.io/tenant-id';

/**
 * Ours, not kcp's, and no longer written: the upstream `metadata.generation` a downstream object was synced
 * from. kube-apiserver also bumps a Deployment's generation on annotation changes (our own status annotation
 * among them), so a downstream copy of it changed on writes that changed nothing synced, and fed a write loop.
 * Stripped wherever found; read on the way up only from objects an older agent synced.
 */
export const SYNCED_GENERATION_ANNOTATION = 'workload.kcp-tmc.io/synced-generation';

/**
 * Ours, not kcp's, and no longer written (kcp's syncer writes no such annotation: ground-truth/go-syncer): a
 * fingerprint of the upstream `spec` a downstream object was synced from. Read on the way up only from objects
 * an older agent synced. Value: the first 32 hex digits of SHA-256 over the upstream `spec` as JSON with object
 * keys sorted (absent spec: `null`).
 */
export const SYNCED_SPEC_ANNOTATION = 'workload.kcp-tmc.io/synced-spec';

/**
 * Per-SyncTarget view of summarized fields, kept upstream by the syncer virtual workspace, which strips it from
 * what the syncer reads. kcp: sdk/apis/workload/v1alpha1/types.go `InternalSyncerViewAnnotationPrefix`
 */
export const SYNCER_VIEW_ANNOTATION_PREFIX = 'diff.syncer.internal.kcp.io/';

/** The service account a token Secret belongs to. k8s.io/api core/v1 `ServiceAccountNameKey` */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
/** The uid of that service account. k8s.io/api core/v1 `ServiceAccountUIDKey` */
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** Real API version behind a wildcard partial-metadata list. tmc: pkg/syncer/spec/spec_process.go (`handlers.KCPOriginalAPIVersionAnnotation`) */
export const ORIGINAL_API_VERSION_ANNOTATION = 'kcp.io/original-api-version';

/** Downstream resourceVersion last upsynced. kcp: pkg/syncer/upsync/upsync_reconcile.go `ResourceVersionAnnotation` */
export const UPSYNC_RESOURCE_VERSION_ANNOTATION = 'workload.kcp.io/rv';

/** `"true"` on a SyncTarget turns advanced scheduling on. kcp: pkg/syncer/syncer.go `AdvancedSchedulingFeatureAnnotation` */
export const ADVANCED_SCHEDULING_ANNOTATION = 'featuregates.experimental.workload.kcp.io/advancedscheduling';

/** Namespaces never synced in either direction (shared/reference/kcp-syncer.md, "Deletion"). */
export const NEVER_SYNCED_NAMESPACES: readonly string[] = Object.freeze([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);
const NEVER_SYNCED = new Set(NEVER_SYNCED_NAMESPACES);

export function isNeverSyncedNamespace(namespace: string): boolean {
  return NEVER_SYNCED.has(namespace);
}

/** Secret type of service-account tokens (synced as Opaque, as kcp does). k8s.io/api core/v1 `SecretTypeServiceAccountToken` */
export const SERVICE_ACCOUNT_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';

/** True for a Secret (raw JSON) of type `kubernetes.io/service-account-token`. */
export function isServiceAccountTokenSecret(secret: { readonly type?: unknown }): boolean {
  return secret.type === SERVICE_ACCOUNT_TOKEN_SECRET_TYPE;
}
