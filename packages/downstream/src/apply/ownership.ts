import { ConflictKind, detectOwnershipConflict } from '@kcp-tmc/conflict';
import {
  type ApplyRequest,
  DOWNSTREAM_CLUSTER_LABEL,
  isNamespacesGvr,
  type KubeObject,
  locatorFromAnnotations,
  type SyncConflict,
  type SyncResult,
  TmcError,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { checkNamespaceLocator } from '../namespace/ensure-namespace.js';
import type { UpstreamWriter } from '../upstream.js';
import { failure } from './results.js';

export interface OwnershipParts {
  readonly syncTargetKey: string;
  readonly adoptExisting: boolean;
  readonly upstream: UpstreamWriter;
}

/**
 * A failed result when `live` is not ours to write (reported upstream once); undefined when it is. Ours: our
 * SyncTarget's label (or, for a Namespace, our locator); unlabelled objects only with adoptExisting.
 */
export function notOurs(
  parts: OwnershipParts,
  request: ApplyRequest,
  live: KubeObject,
): SyncResult | undefined {
  const { key } = request.item;
  if (isNamespacesGvr(key.gvr)) return namespaceNotOurs(parts, request, live);
  const detected = detectOwnershipConflict(live, parts.syncTargetKey);
  if (detected === undefined) return undefined;
  if (live.metadata.labels?.[DOWNSTREAM_CLUSTER_LABEL] === undefined && parts.adoptExisting) return undefined;
  const conflict: SyncConflict = { ...detected, resolution: 'left untouched' };
  if (request.item.retries === 0) void parts.upstream.reportConflict(key, request.upstream, [conflict]);
  // Retryable with backoff: once the other object goes, ours is created.
  const error = new TmcError({
    type: TmcErrorType.ResourceConflict,
    message: `${conflict.message}; not modified`,
  });
  return failure(request, error, [conflict]);
}

/** A namespace is ours by its locator, whoever labelled it. */
function namespaceNotOurs(
  parts: OwnershipParts,
  request: ApplyRequest,
  live: KubeObject,
): SyncResult | undefined {
  try {
    const locator = locatorFromAnnotations(request.desired.metadata.annotations);
    if (locator !== undefined) checkNamespaceLocator(live, locator);
    return undefined;
  } catch (err) {
    const error =
      err instanceof TmcError
        ? err
        : new TmcError({ type: TmcErrorType.ResourceConflict, message: String(err) });
    const conflict = { kind: ConflictKind.NamespaceCollision, message: error.message };
    if (request.item.retries === 0)
      void parts.upstream.reportConflict(request.item.key, request.upstream, [conflict]);
    return failure(request, error, [conflict]);
  }
}
