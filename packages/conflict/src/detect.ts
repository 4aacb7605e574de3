import {
  DOWNSTREAM_CLUSTER_LABEL,
  isTmcError,
  type KubeObject,
  type StatusCause,
  type SyncConflict,
  TmcErrorType,
} from '@kcp-tmc/interfaces';

/** The conflict kinds of the spec path (SyncConflict.kind): detected here, or by the downstream syncer. */
export const ConflictKind = {
  /** An update carried a resourceVersion the server no longer has (409, reason Conflict). */
  StaleResourceVersion: 'stale-resource-version',
  /** Server-side apply met fields owned by another field manager (409 with FieldManagerConflict causes). */
  FieldManager: 'field-manager',
  /** The downstream object exists but is not labelled as ours. */
  Ownership: 'ownership',
  /** The downstream namespace exists with another namespace locator. */
  NamespaceCollision: 'namespace-collision',
  /** The object is over the size limit downstream accepts. */
  SizeLimit: 'size-limit',
} as const;
export type ConflictKind = (typeof ConflictKind)[keyof typeof ConflictKind];

/** `metav1.CauseTypeFieldManagerConflict`, the cause type of an apply conflict. */
export const FIELD_MANAGER_CONFLICT_CAUSE = 'FieldManagerConflict';

/** The FieldManagerConflict causes of a Status (the kind is `type` once mapped, `reason` on the wire). */
export function fieldManagerCauses(causes: readonly StatusCause[]): StatusCause[] {
  return causes.filter((c) => (c.type ?? c.reason) === FIELD_MANAGER_CONFLICT_CAUSE);
}

// Apply conflicts name fields as `.spec.replicas`; the rest of the syncer writes `spec.replicas`.
function fieldPath(cause: StatusCause): string | undefined {
  if (cause.field === undefined || cause.field === '') return undefined;
  return cause.field.startsWith('.') ? cause.field.slice(1) : cause.field;
}

/**
 * Reads a write failure as a conflict: a 409 whose causes are FieldManagerConflict is a field-manager conflict
 * (with the contested fields); any other 409 Conflict is a stale resourceVersion. Everything else (including
 * AlreadyExists, which is a create race and not a conflict over content) is not a conflict: undefined.
 */
export function detectWriteConflict(error: unknown): SyncConflict | undefined {
  if (!isTmcError(error) || error.type !== TmcErrorType.ResourceConflict) return undefined;
  const managerCauses = fieldManagerCauses(error.causes);
  if (managerCauses.length > 0) {
    const fields = [...new Set(managerCauses.map(fieldPath).filter((f) => f !== undefined))];
    return { kind: ConflictKind.FieldManager, message: error.message, fields };
  }
  return { kind: ConflictKind.StaleResourceVersion, message: error.message };
}

function describe(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  const kind = object.kind ?? 'object';
  return namespace ? `${kind} ${namespace}/${name ?? ''}` : `${kind} ${name ?? ''}`;
}

/**
 * An existing downstream object we did not create: it lacks our ownership label
 * (`internal.workload.kcp.io/cluster=<syncTargetKey>`), or carries another SyncTarget's key. Undefined when the
 * object is ours.
 */
export function detectOwnershipConflict(
  existing: KubeObject,
  syncTargetKey: string,
): SyncConflict | undefined {
  const owner = existing.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
  if (owner === syncTargetKey) return undefined;
  const message =
    owner === undefined || owner === ''
      ? `${describe(existing)} exists downstream without the ownership label ${DOWNSTREAM_CLUSTER_LABEL}`
      : `${describe(existing)} is owned by another SyncTarget (${DOWNSTREAM_CLUSTER_LABEL}=${owner})`;
  return { kind: ConflictKind.Ownership, message };
}

/** Whether an existing object is owned by a SyncTarget other than `syncTargetKey` (never adopted). */
export function isOwnedByOther(existing: KubeObject, syncTargetKey: string): boolean {
  const owner = existing.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL];
  return owner !== undefined && owner !== '' && owner !== syncTargetKey;
}
